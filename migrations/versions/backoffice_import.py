"""catalogue import: EAN, archived products

Revision ID: backoffice_import
Revises: backoffice_figures
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'backoffice_import'
down_revision = 'backoffice_figures'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
