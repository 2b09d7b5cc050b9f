"""search_words (placeholder: filled by the work that needs it)

Revision ID: search_words
Revises: seo_pages
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'search_words'
down_revision = 'seo_pages'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
