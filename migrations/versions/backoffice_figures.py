"""figures: daily aggregates per shop kept by the jobs

Revision ID: backoffice_figures
Revises: backoffice_onboarding
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'backoffice_figures'
down_revision = 'backoffice_onboarding'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('daily_shop_figures',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('pending_payment', sa.Integer(), nullable=False),
    sa.Column('placed', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Integer(), nullable=False),
    sa.Column('ready', sa.Integer(), nullable=False),
    sa.Column('collected', sa.Integer(), nullable=False),
    sa.Column('expired', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Integer(), nullable=False),
    sa.Column('no_show', sa.Integer(), nullable=False),
    sa.Column('revenue_cents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'],
                            name=op.f('fk_daily_shop_figures_shop_id_shops')),
    sa.PrimaryKeyConstraint('day', 'shop_id', name=op.f('pk_daily_shop_figures'))
    )
    op.create_table('daily_hour_figures',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.CheckConstraint('hour >= 0 AND hour <= 23', name=op.f('ck_daily_hour_figures_hour')),
    sa.PrimaryKeyConstraint('day', 'hour', name=op.f('pk_daily_hour_figures'))
    )


def downgrade():
    op.drop_table('daily_hour_figures')
    op.drop_table('daily_shop_figures')
