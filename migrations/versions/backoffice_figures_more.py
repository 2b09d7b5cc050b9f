"""figures: vouchers, short lines, returning shoppers, SMS cost

Revision ID: backoffice_figures_more
Revises: backoffice_photos
Create Date: 2026-12-01 12:00:00

(Placeholder in the chain, filled by the work it names.)
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import app.database  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'backoffice_figures_more'
down_revision = 'backoffice_photos'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
