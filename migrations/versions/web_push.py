"""web_push: browsers' Web Push subscriptions, and the channel each outbox message went by

Revision ID: web_push
Revises: search_words
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'web_push'
down_revision = 'search_words'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('push_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sa.String(length=100), nullable=False),
    sa.Column('auth', sa.String(length=40), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('ended_at', app.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                            name=op.f('fk_push_subscriptions_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint'))
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_customer_id'), ['customer_id'],
                              unique=False)
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_customer_id'))
    op.drop_table('push_subscriptions')
