"""figures: vouchers, short lines, returning shoppers, SMS cost

Six columns on daily_shop_figures (short lines and their cents, vouchers spent, the shop's
SMS, their segments and failures; 0 for the days already there), the town's day
(daily_town_figures: vouchers sold, the association's SMS), the shoppers' days
(daily_shoppers: returning shoppers) and figures_state; three indexes by time for the
sweep to find what changed since its last run (orders.created_at, order_events.at,
sms_messages.status_at). No data is moved here: with figures_state empty, the next
refresh_daily_figures sweep rebuilds every day once.

Revision ID: backoffice_figures_more
Revises: backoffice_photos
Create Date: 2026-12-01 12:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'backoffice_figures_more'
down_revision = 'backoffice_photos'
branch_labels = None
depends_on = None

NEW_SHOP_COLUMNS = ('short_lines', 'short_cents', 'vouchers_spent_cents', 'sms_sent',
                    'sms_segments', 'sms_failed')


TIME_INDEXES = (('orders', 'ix_orders_created_at', 'created_at'),
                ('order_events', 'ix_order_events_at', 'at'),
                ('sms_messages', 'ix_sms_messages_status_at', 'status_at'))


def upgrade():
    for table, name, column in TIME_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, [column], unique=False)
    with op.batch_alter_table('daily_shop_figures', schema=None) as batch_op:
        for name in NEW_SHOP_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0',
                                          nullable=False))
    op.create_table('daily_town_figures',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('vouchers_sold', sa.Integer(), nullable=False),
    sa.Column('vouchers_sold_cents', sa.Integer(), nullable=False),
    sa.Column('vouchers_paid_cents', sa.Integer(), nullable=False),
    sa.Column('association_sms_sent', sa.Integer(), nullable=False),
    sa.Column('association_sms_segments', sa.Integer(), nullable=False),
    sa.Column('association_sms_failed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_daily_town_figures'))
    )
    op.create_table('daily_shoppers',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('previous_day', sa.Date(), nullable=True),
    sa.Column('town_first', sa.Boolean(), nullable=False),
    sa.Column('previous_town_day', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                            name=op.f('fk_daily_shoppers_customer_id_customers')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'],
                            name=op.f('fk_daily_shoppers_shop_id_shops')),
    sa.PrimaryKeyConstraint('day', 'shop_id', 'customer_id', name=op.f('pk_daily_shoppers')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('daily_shoppers', schema=None) as batch_op:
        batch_op.create_index('ix_daily_shoppers_customer_day', ['customer_id', 'day'],
                              unique=False)
    op.create_table('figures_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', app.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figures_state'))
    )


def downgrade():
    op.drop_table('figures_state')
    with op.batch_alter_table('daily_shoppers', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_shoppers_customer_day')
    op.drop_table('daily_shoppers')
    op.drop_table('daily_town_figures')
    with op.batch_alter_table('daily_shop_figures', schema=None) as batch_op:
        for name in reversed(NEW_SHOP_COLUMNS):
            batch_op.drop_column(name)
    for table, name, _column in reversed(TIME_INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
