"""delivery_courier: the courier's link, the delivery events, the failed-delivery rule

Each round gets its secret token (existing rounds one of their own); every change of a
delivery request, round or stop is recorded in delivery_events; the town's delivery
settings hold what follows a failed delivery.

Revision ID: delivery_courier
Revises: delivery_checkout
Create Date: 2026-12-01 15:00:00
"""
import secrets

import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'delivery_courier'
down_revision = 'delivery_checkout'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivery_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('failed_rule', sa.String(length=12), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_delivery_settings_single')),
    sa.CheckConstraint("failed_rule IN ('collect', 'reschedule')", name=op.f('ck_delivery_settings_failed_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_settings'))
    )
    op.create_table('delivery_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('stop_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['delivery_requests.id'], name=op.f('fk_delivery_events_request_id_delivery_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_events'))
    )
    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_events_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_events_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=43), nullable=True))
    # Rounds planned before this revision: a token each, then the column is required.
    connection = op.get_bind()
    rounds = sa.table('rounds', sa.column('id', sa.Integer), sa.column('token', sa.String))
    for (round_id,) in connection.execute(sa.select(rounds.c.id)).all():
        connection.execute(sa.update(rounds).where(rounds.c.id == round_id)
                           .values(token=secrets.token_urlsafe(24)))
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=43), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_rounds_token'), ['token'])


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_rounds_token'), type_='unique')
        batch_op.drop_column('token')

    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_events_round_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_events_request_id'))

    op.drop_table('delivery_events')
    op.drop_table('delivery_settings')
