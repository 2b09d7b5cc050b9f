"""product categories and promotions; order pickup codes

Revision ID: catalog_promotions
Revises: sms_delivery
Create Date: 2026-11-22 10:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = 'catalog_promotions'
down_revision = 'sms_delivery'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=60), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('promo_price_cents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('promo_starts_at', app.database.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('promo_ends_at', app.database.UTCDateTime(),
                                      nullable=True))
        batch_op.create_check_constraint(
            'promo_price', 'promo_price_cents IS NULL OR promo_price_cents >= 0')
        batch_op.create_index(batch_op.f('ix_products_category'), ['category'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pickup_code', sa.String(length=8), nullable=True))
    # Orders already placed get their code too: the shop checks every handover the same way.
    orders = sa.table('orders', sa.column('id', sa.Integer), sa.column('pickup_code', sa.String))
    conn = op.get_bind()
    for (order_id,) in conn.execute(sa.select(orders.c.id)).all():
        conn.execute(orders.update().where(orders.c.id == order_id)
                     .values(pickup_code=f"{secrets.randbelow(10_000):04d}"))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('pickup_code')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_category'))
        batch_op.drop_constraint('promo_price', type_='check')
        batch_op.drop_column('promo_ends_at')
        batch_op.drop_column('promo_starts_at')
        batch_op.drop_column('promo_price_cents')
        batch_op.drop_column('category')
