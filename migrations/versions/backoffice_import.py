"""catalogue import: EAN, archived products

Revision ID: backoffice_import
Revises: backoffice_figures
Create Date: 2026-12-01 10:40:00

A product's EAN-13 (the barcode a till or a wholesaler's file knows it by), unique in its shop
among products not archived. Archived is not "withdrawn from sale" (active false): a withdrawn
product is out for a while (out of season, out of stock) and comes back with one tap; an archived
one is gone from the shop's catalogue for good, kept only because past orders name it.
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'backoffice_import'
down_revision = 'backoffice_figures'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("products", sa.Column("ean", sa.String(length=13), nullable=True))
    op.add_column("products", sa.Column("archived_at", app.database.UTCDateTime(),
                                        nullable=True))
    op.create_index("ux_products_shop_ean", "products", ["shop_id", "ean"], unique=True,
                    sqlite_where=sa.text("archived_at IS NULL"),
                    postgresql_where=sa.text("archived_at IS NULL"))


def downgrade():
    op.drop_index("ux_products_shop_ean", table_name="products")
    # Plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35): no table rebuild, so order_lines'
    # references stay as they are.
    op.drop_column("products", "archived_at")
    op.drop_column("products", "ean")
