"""home delivery: zones, addresses, windows, rounds

Revision ID: delivery_zones
Revises: backoffice_figures_more
Create Date: 2026-12-01 12:00:00

Delivery zones and windows set by the town's manager, the drops each window has left on a
day (taken like pickup seats, by a conditional UPDATE), the delivery requests a checkout
will create with the shops they are collected from, and the couriers' rounds and stops.
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'delivery_zones'
down_revision = 'backoffice_figures_more'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('couriers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('capacity BETWEEN 1 AND 200', name=op.f('ck_couriers_capacity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_couriers'))
    )
    op.create_table('delivery_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('drops', sa.Integer(), nullable=False),
    sa.Column('cutoff_days_before', sa.Integer(), nullable=False),
    sa.Column('cutoff_time', sa.Time(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("weekdays <> ''", name=op.f('ck_delivery_windows_weekdays')),
    sa.CheckConstraint('cutoff_days_before IN (0, 1)', name=op.f('ck_delivery_windows_cutoff_days')),
    sa.CheckConstraint('drops BETWEEN 1 AND 1000', name=op.f('ck_delivery_windows_drops')),
    sa.CheckConstraint('starts < ends', name=op.f('ck_delivery_windows_interval')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_windows'))
    )
    op.create_table('delivery_zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('postcodes', sa.String(length=300), nullable=False),
    sa.Column('radius_m', sa.Integer(), nullable=True),
    sa.Column('fee_cents', sa.Integer(), nullable=False),
    sa.Column('free_above_cents', sa.Integer(), nullable=True),
    sa.Column('min_basket_cents', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("postcodes <> '' OR radius_m IS NOT NULL", name=op.f('ck_delivery_zones_where')),
    sa.CheckConstraint("weekdays <> ''", name=op.f('ck_delivery_zones_weekdays')),
    sa.CheckConstraint('fee_cents >= 0', name=op.f('ck_delivery_zones_fee')),
    sa.CheckConstraint('free_above_cents IS NULL OR free_above_cents > 0', name=op.f('ck_delivery_zones_free_above')),
    sa.CheckConstraint('min_basket_cents >= 0', name=op.f('ck_delivery_zones_min_basket')),
    sa.CheckConstraint('radius_m IS NULL OR radius_m > 0', name=op.f('ck_delivery_zones_radius')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_zones'))
    )
    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('courier_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('distance_m', sa.Integer(), nullable=False),
    sa.Column('planned_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['courier_id'], ['couriers.id'], name=op.f('fk_rounds_courier_id_couriers')),
    sa.ForeignKeyConstraint(['window_id'], ['delivery_windows.id'], name=op.f('fk_rounds_window_id_delivery_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds')),
    sa.UniqueConstraint('day', 'window_id', 'courier_id', name='uq_rounds_day_window_courier')
    )
    op.create_table('window_drops',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.CheckConstraint('taken >= 0', name=op.f('ck_window_drops_taken')),
    sa.ForeignKeyConstraint(['window_id'], ['delivery_windows.id'], name=op.f('fk_window_drops_window_id_delivery_windows')),
    sa.PrimaryKeyConstraint('window_id', 'day', name=op.f('pk_window_drops'))
    )
    op.create_table('delivery_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=True),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('label', sa.String(length=250), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('fee_cents', sa.Integer(), nullable=False),
    sa.Column('parcels', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('fee_cents >= 0', name=op.f('ck_delivery_requests_fee')),
    sa.CheckConstraint('parcels >= 1', name=op.f('ck_delivery_requests_parcels')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkouts.id'], name=op.f('fk_delivery_requests_checkout_id_checkouts')),
    sa.ForeignKeyConstraint(['window_id'], ['delivery_windows.id'], name=op.f('fk_delivery_requests_window_id_delivery_windows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_requests')),
    sa.UniqueConstraint('checkout_id', name=op.f('uq_delivery_requests_checkout_id'))
    )
    with op.batch_alter_table('delivery_requests', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_requests_day_window', ['day', 'window_id'], unique=False)

    op.create_table('delivery_pickups',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['delivery_requests.id'], name=op.f('fk_delivery_pickups_request_id_delivery_requests')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_delivery_pickups_shop_id_shops')),
    sa.PrimaryKeyConstraint('request_id', 'shop_id', name=op.f('pk_delivery_pickups'))
    )
    op.create_table('stops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=True),
    sa.Column('expected_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_at', app.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('pickup', 'delivery')", name=op.f('ck_stops_kind')),
    sa.ForeignKeyConstraint(['request_id'], ['delivery_requests.id'], name=op.f('fk_stops_request_id_delivery_requests')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_stops_round_id_rounds')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_stops_shop_id_shops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stops')),
    sa.UniqueConstraint('round_id', 'position', name='uq_stops_round_position')
    )
    with op.batch_alter_table('stops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stops_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stops_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('stops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stops_round_id'))
        batch_op.drop_index(batch_op.f('ix_stops_request_id'))

    op.drop_table('stops')
    op.drop_table('delivery_pickups')
    with op.batch_alter_table('delivery_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_requests_day_window')

    op.drop_table('delivery_requests')
    op.drop_table('window_drops')
    op.drop_table('rounds')
    op.drop_table('delivery_zones')
    op.drop_table('delivery_windows')
    op.drop_table('couriers')
