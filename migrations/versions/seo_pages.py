"""seo_pages (placeholder: filled by the work that needs it)

Revision ID: seo_pages
Revises: delivery_courier
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'seo_pages'
down_revision = 'delivery_courier'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
