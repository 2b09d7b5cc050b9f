"""accounts: failed logins on record, sessions that end server-side

Revision ID: security_accounts
Revises: ops_scheduler_runs
Create Date: 2026-12-01 10:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'security_accounts'
down_revision = 'ops_scheduler_runs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('failed_logins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('at', app.database.UTCDateTime(), nullable=False),
    sa.Column('via', sa.String(length=3), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_logins'))
    )
    with op.batch_alter_table('failed_logins', schema=None) as batch_op:
        batch_op.create_index('ix_failed_logins_at', ['at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_nonce', sa.String(length=32), nullable=True))
    # Each account its own random nonce: every session signed before (plain ids) ends.
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_nonce', sa.String))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(sa.update(users).where(users.c.id == user_id)
                     .values(session_nonce=secrets.token_hex(16)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_nonce', existing_type=sa.String(length=32),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')
    with op.batch_alter_table('failed_logins', schema=None) as batch_op:
        batch_op.drop_index('ix_failed_logins_at')
    op.drop_table('failed_logins')
