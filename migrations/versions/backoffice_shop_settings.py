"""shop settings: profile, kind of shop, holidays the shop opens on

Revision ID: backoffice_shop_settings
Revises: checkout_limits
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'backoffice_shop_settings'
down_revision = 'checkout_limits'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
