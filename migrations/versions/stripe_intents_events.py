"""Stripe: a checkout's PaymentIntent, webhook events handled once, capture_before

Revision ID: stripe_7c1e2a9d4b60
Revises: 35459cc2f3fa
Create Date: 2026-11-22 03:55:00

"""
from alembic import op
import sqlalchemy as sa

import app.database


revision = 'stripe_7c1e2a9d4b60'
down_revision = 'ledger_payouts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payment_intents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('intent_id', sa.String(length=120), nullable=False),
    sa.Column('client_secret', sa.String(length=300), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkouts.id'], name=op.f('fk_payment_intents_checkout_id_checkouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_intents')),
    sa.UniqueConstraint('checkout_id', name=op.f('uq_payment_intents_checkout_id')),
    sa.UniqueConstraint('intent_id', name=op.f('uq_payment_intents_intent_id'))
    )
    op.create_table('payment_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=120), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('received_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkouts.id'], name=op.f('fk_payment_events_checkout_id_checkouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_events')),
    sa.UniqueConstraint('provider', 'event_id', name=op.f('uq_payment_events_provider'))
    )
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_events_checkout_id'), ['checkout_id'], unique=False)
    with op.batch_alter_table('payment_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capture_before', app.database.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('payment_transactions', schema=None) as batch_op:
        batch_op.drop_column('capture_before')
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_events_checkout_id'))
    op.drop_table('payment_events')
    op.drop_table('payment_intents')
