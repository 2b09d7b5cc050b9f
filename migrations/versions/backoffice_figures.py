"""figures: daily aggregates per shop kept by the jobs

Revision ID: backoffice_figures
Revises: backoffice_onboarding
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'backoffice_figures'
down_revision = 'backoffice_onboarding'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
