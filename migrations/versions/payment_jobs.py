"""append-only payment history; what is claimable is a job row of its own

Revision ID: payment_jobs
Revises: order_event_codes
Create Date: 2026-12-01 09:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'payment_jobs'
down_revision = 'order_event_codes'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
