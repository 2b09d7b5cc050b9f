"""per-line maximum per product; what a shopper may hold at once

Revision ID: checkout_limits
Revises: security_accounts
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'checkout_limits'
down_revision = 'security_accounts'
branch_labels = None
depends_on = None


def upgrade():
    # A shopper may take at most this many units of a product in one checkout (the shop
    # sets it per product). Plain ADD COLUMN: SQLite needs no rebuild of products (whose
    # rebuild would trip on order_lines' references, see stock_on_hand_held); the bounds
    # are checked where the value is written (catalog/services.py).
    op.add_column("products", sa.Column("max_per_order", sa.Integer(), nullable=False,
                                        server_default="20"))
    # The address a checkout came from: unpaid checkouts are counted per address.
    op.add_column("checkouts", sa.Column("client_ip", sa.String(length=45), nullable=True))
    op.create_index("ix_checkouts_client_ip_status", "checkouts", ["client_ip", "status"])


def downgrade():
    op.drop_index("ix_checkouts_client_ip_status", table_name="checkouts")
    op.drop_column("checkouts", "client_ip")
    op.drop_column("products", "max_per_order")
