"""web_push (placeholder: filled by the work that needs it)

Revision ID: web_push
Revises: search_words
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'web_push'
down_revision = 'search_words'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
