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
    with op.batch_alter_table('shops') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=30), server_default='',
                                   nullable=False))
        batch.add_column(sa.Column('holiday_openings', sa.String(length=300), server_default='',
                                   nullable=False))


def downgrade():
    with op.batch_alter_table('shops') as batch:
        batch.drop_column('holiday_openings')
        batch.drop_column('kind')
