"""home delivery: zones, addresses, windows, rounds

Revision ID: delivery_zones
Revises: backoffice_figures_more
Create Date: 2026-12-01 12:00:00

(Placeholder in the chain, filled by the work it names.)
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import app.database  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'delivery_zones'
down_revision = 'backoffice_figures_more'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
