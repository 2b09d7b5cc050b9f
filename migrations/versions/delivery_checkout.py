"""delivery in the checkout: the association's own entries (delivery fees)

Revision ID: delivery_checkout
Revises: delivery_zones
Create Date: 2026-12-01 15:00:00

A checkout delivered at home pays one fee that is the association's revenue, never a
shop's: it is recorded apart from the shops' ledger entries, in association_entries.
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'delivery_checkout'
down_revision = 'delivery_zones'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('association_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_association_entries_amount')),
    sa.CheckConstraint("kind IN ('delivery_fee')", name=op.f('ck_association_entries_kind')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkouts.id'],
                            name=op.f('fk_association_entries_checkout_id_checkouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_association_entries')),
    sa.UniqueConstraint('source', 'kind', name='uq_association_entries_source_kind')
    )
    with op.batch_alter_table('association_entries', schema=None) as batch_op:
        batch_op.create_index('ix_association_entries_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_association_entries_checkout_id'), ['checkout_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('association_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_association_entries_checkout_id'))
        batch_op.drop_index('ix_association_entries_at')
    op.drop_table('association_entries')
