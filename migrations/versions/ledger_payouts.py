"""ledger, refunds and shop payout details (issue 4)

Revision ID: ledger_payouts
Revises: 35459cc2f3fa
Create Date: 2026-11-22 03:45:00

"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = 'ledger_payouts'
down_revision = '35459cc2f3fa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shops', schema=None) as batch_op:
        # Existing shops get the documented default rate (app.shops.models.DEFAULT_COMMISSION_BPS).
        batch_op.add_column(sa.Column('commission_bps', sa.Integer(), server_default=sa.text('500'), nullable=False))
        batch_op.add_column(sa.Column('iban', sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column('bic', sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column('account_holder', sa.String(length=70), nullable=True))
        batch_op.create_check_constraint(op.f('ck_shops_commission_bps'),
                                         'commission_bps BETWEEN 0 AND 10000')

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('rate_bps', sa.Integer(), nullable=False),
    sa.Column('at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('share', 'commission', 'refund_share', 'refund_commission')", name=op.f('ck_ledger_entries_kind')),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_ledger_entries_amount')),
    sa.CheckConstraint('rate_bps BETWEEN 0 AND 10000', name=op.f('ck_ledger_entries_rate_bps')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ledger_entries_order_id_orders')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_ledger_entries_shop_id_shops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('source', 'kind', 'shop_id', name='uq_ledger_entries_source_kind_shop')
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_at_shop', ['at', 'shop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_order_id'), ['order_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=False),
    sa.Column('capture_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('provider_ref', sa.String(length=200), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=40), nullable=True),
    sa.Column('claimed_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('done_at', app.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_refunds_amount')),
    sa.ForeignKeyConstraint(['capture_id'], ['payment_transactions.id'], name=op.f('fk_refunds_capture_id_payment_transactions')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkouts.id'], name=op.f('fk_refunds_checkout_id_checkouts')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_claim'), ['claim'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_refunds_status', ['status'], unique=False)

    op.create_table('refund_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_refund_lines_amount')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_refund_lines_quantity')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_refund_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_refund_lines_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_lines')),
    sa.UniqueConstraint('refund_id', 'order_line_id', name='uq_refund_lines_refund_line')
    )
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_lines_order_line_id'), ['order_line_id'], unique=False)


def downgrade():
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_lines_order_line_id'))
    op.drop_table('refund_lines')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_status')
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_claim'))
    op.drop_table('refunds')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_order_id'))
        batch_op.drop_index('ix_ledger_entries_at_shop')
    op.drop_table('ledger_entries')
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_shops_commission_bps'), type_='check')
        batch_op.drop_column('account_holder')
        batch_op.drop_column('bic')
        batch_op.drop_column('iban')
        batch_op.drop_column('commission_bps')
