"""gift vouchers: vouchers, their sales, balance movements, balance lookups

Revision ID: vouchers_gift_vouchers
Revises: 35459cc2f3fa
Create Date: 2026-11-22 03:50:00

"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = 'vouchers_gift_vouchers'
down_revision = 'stripe_7c1e2a9d4b60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vouchers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('batch', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('available_cents', sa.Integer(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.String(length=254), nullable=False),
    sa.Column('issued_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('sold_at', app.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_vouchers_amount')),
    sa.CheckConstraint('available_cents >= 0 AND available_cents <= amount_cents',
                       name=op.f('ck_vouchers_available')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouchers')),
    sa.UniqueConstraint('code', name=op.f('uq_vouchers_code'))
    )
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vouchers_batch'), ['batch'], unique=False)

    op.create_table('voucher_lookups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('at', app.database.UTCDateTime(), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_lookups'))
    )
    with op.batch_alter_table('voucher_lookups', schema=None) as batch_op:
        batch_op.create_index('ix_voucher_lookups_ip_at', ['ip', 'at'], unique=False)

    op.create_table('voucher_sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('buyer_name', sa.String(length=120), nullable=False),
    sa.Column('paid_cents', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('sold_by', sa.String(length=254), nullable=False),
    sa.Column('sold_at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("method IN ('especes', 'cheque', 'carte', 'virement')",
                       name=op.f('ck_voucher_sales_method')),
    sa.CheckConstraint('paid_cents >= 0', name=op.f('ck_voucher_sales_paid')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'],
                            name=op.f('fk_voucher_sales_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_sales')),
    sa.UniqueConstraint('voucher_id', name=op.f('uq_voucher_sales_voucher_id'))
    )

    op.create_table('voucher_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(kind = 'issue') = (checkout_id IS NULL)",
                       name=op.f('ck_voucher_movements_checkout')),
    sa.CheckConstraint("kind IN ('issue', 'hold', 'release', 'consume')",
                       name=op.f('ck_voucher_movements_kind')),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_voucher_movements_amount')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkouts.id'],
                            name=op.f('fk_voucher_movements_checkout_id_checkouts')),
    sa.ForeignKeyConstraint(['voucher_id'], ['vouchers.id'],
                            name=op.f('fk_voucher_movements_voucher_id_vouchers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_movements')),
    sa.UniqueConstraint('voucher_id', 'checkout_id', 'kind',
                        name='uq_voucher_movements_voucher_checkout_kind')
    )
    with op.batch_alter_table('voucher_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_movements_checkout_id'), ['checkout_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('voucher_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_movements_checkout_id'))
    op.drop_table('voucher_movements')
    op.drop_table('voucher_sales')
    with op.batch_alter_table('voucher_lookups', schema=None) as batch_op:
        batch_op.drop_index('ix_voucher_lookups_ip_at')
    op.drop_table('voucher_lookups')
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vouchers_batch'))
    op.drop_table('vouchers')
