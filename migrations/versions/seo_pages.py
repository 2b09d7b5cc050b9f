"""seo_pages: where each shop is (latitude, longitude), for its structured data

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
    # No backfill: a shop's place is unknown until its address is found (`flask shops
    # locate`); until then its page simply has no geo.
    op.add_column('shops', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('shops', sa.Column('longitude', sa.Float(), nullable=True))


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35): a batch rebuild of shops would
    # write its logo_id reference as a table constraint, which backoffice_photos' own
    # downgrade could then not drop.
    op.drop_column('shops', 'longitude')
    op.drop_column('shops', 'latitude')
