"""each run of the scheduler's sweeps, for readiness (GET /readyz) and the scheduler's lag

Revision ID: ops_scheduler_runs
Revises: payment_jobs
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'ops_scheduler_runs'
down_revision = 'payment_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ops_scheduler_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('finished_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('handled', sa.Integer(), nullable=False),
    sa.Column('failed_sweeps', sa.Integer(), nullable=False),
    sa.Column('process', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ops_scheduler_runs'))
    )
    with op.batch_alter_table('ops_scheduler_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ops_scheduler_runs_finished_at'), ['finished_at'], unique=False)


def downgrade():
    with op.batch_alter_table('ops_scheduler_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ops_scheduler_runs_finished_at'))
    op.drop_table('ops_scheduler_runs')
