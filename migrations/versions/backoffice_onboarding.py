"""onboarding: one-time invitations, SIRET, published shops

Revision ID: backoffice_onboarding
Revises: backoffice_shop_settings
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'backoffice_onboarding'
down_revision = 'backoffice_shop_settings'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
