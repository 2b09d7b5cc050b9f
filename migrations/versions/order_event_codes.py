"""order events as codes with parameters, put into words at display time

Revision ID: order_event_codes
Revises: stock_on_hand_held
Create Date: 2026-12-01 09:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'order_event_codes'
down_revision = 'stock_on_hand_held'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
