"""stock as the shop counts it: units on hand and units held, apart

Revision ID: stock_on_hand_held
Revises: catalog_fulltext
Create Date: 2026-12-01 09:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'stock_on_hand_held'
down_revision = 'catalog_fulltext'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
