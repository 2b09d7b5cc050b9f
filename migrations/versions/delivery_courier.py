"""delivery_courier (placeholder: filled by the work that needs it)

Revision ID: delivery_courier
Revises: delivery_checkout
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'delivery_courier'
down_revision = 'delivery_checkout'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
