"""append-only payment history; what is claimable is a job row of its own

Payment transactions become one row per call to the provider and its outcome, never
updated; captures, voids and refunds still to make are payment_jobs. Settlements and
refunds not yet done when this runs become jobs (nothing is lost, nothing done twice:
the job keeps the provider's idempotency key).

Revision ID: payment_jobs
Revises: order_event_codes
Create Date: 2026-12-01 09:30:00

"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'payment_jobs'
down_revision = 'order_event_codes'
branch_labels = None
depends_on = None


def _defer_foreign_keys():
    """SQLite's batch mode copies a table, drops it and renames the copy: refunds point at
    payment_transactions, so their check waits for the commit, when the ids are back."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")


def upgrade():
    _defer_foreign_keys()
    op.create_table('payment_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('provider_ref', sa.String(length=200), nullable=True),
    sa.Column('refund_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('done_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=40), nullable=True),
    sa.Column('claimed_at', app.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_payment_jobs_amount')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkouts.id'], name=op.f('fk_payment_jobs_checkout_id_checkouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_jobs')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_payment_jobs_idempotency_key'))
    )
    with op.batch_alter_table('payment_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_jobs_checkout_id'), ['checkout_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_jobs_claim'), ['claim'], unique=False)
        batch_op.create_index('ix_payment_jobs_status', ['status'], unique=False)

    # What was still to do becomes a job, due at once; its pending row leaves the history.
    op.execute("INSERT INTO payment_jobs (checkout_id, kind, amount_cents, provider, provider_ref, "
               "idempotency_key, status, created_at, attempts) "
               "SELECT checkout_id, kind, amount_cents, provider, provider_ref, idempotency_key, "
               "'pending', created_at, attempts FROM payment_transactions "
               "WHERE status IN ('pending', 'processing')")
    op.execute("DELETE FROM payment_transactions WHERE status IN ('pending', 'processing')")
    op.execute("INSERT INTO payment_jobs (checkout_id, kind, amount_cents, provider, provider_ref, "
               "refund_id, idempotency_key, status, created_at, attempts) "
               "SELECT r.checkout_id, 'refund', r.amount_cents, t.provider, t.provider_ref, r.id, "
               "'refund:' || r.id, 'pending', r.created_at, r.attempts "
               "FROM refunds r JOIN payment_transactions t ON t.id = r.capture_id "
               "WHERE r.status IN ('pending', 'processing')")
    op.execute("UPDATE refunds SET status = 'pending' WHERE status = 'processing'")

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_in_place()
        return
    with op.batch_alter_table('payment_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.drop_index('ix_payment_transactions_status')
        batch_op.drop_index(batch_op.f('ix_payment_transactions_claim'))
        batch_op.create_index(batch_op.f('ix_payment_transactions_job_id'), ['job_id'], unique=False)
        batch_op.create_index('ix_payment_transactions_kind', ['checkout_id', 'kind', 'status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payment_transactions_job_id_payment_jobs'), 'payment_jobs', ['job_id'], ['id'])
        batch_op.drop_column('attempts')
        batch_op.drop_column('claim')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('done_at')

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_claim'))
        batch_op.drop_column('attempts')
        batch_op.drop_column('claim')
        batch_op.drop_column('claimed_at')


def _sqlite_in_place():
    """SQLite alters these two tables in place (3.35+): a batch copy would drop tables that
    refunds and refund lines point at, and its deferred foreign-key count would never come
    back to zero (a renamed copy does not settle it), failing the commit."""
    for statement in (
            "DROP INDEX ix_payment_transactions_status",
            "DROP INDEX ix_payment_transactions_claim",
            "ALTER TABLE payment_transactions DROP COLUMN attempts",
            "ALTER TABLE payment_transactions DROP COLUMN claim",
            "ALTER TABLE payment_transactions DROP COLUMN claimed_at",
            "ALTER TABLE payment_transactions DROP COLUMN done_at",
            "ALTER TABLE payment_transactions ADD COLUMN job_id INTEGER CONSTRAINT "
            "fk_payment_transactions_job_id_payment_jobs REFERENCES payment_jobs (id)",
            "CREATE INDEX ix_payment_transactions_job_id ON payment_transactions (job_id)",
            "CREATE INDEX ix_payment_transactions_kind ON payment_transactions "
            "(checkout_id, kind, status)",
            "DROP INDEX ix_refunds_claim",
            "ALTER TABLE refunds DROP COLUMN attempts",
            "ALTER TABLE refunds DROP COLUMN claim",
            "ALTER TABLE refunds DROP COLUMN claimed_at"):
        op.execute(statement)


def downgrade():
    _defer_foreign_keys()
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', app.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claim', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_refunds_claim'), ['claim'], unique=False)

    with op.batch_alter_table('payment_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_at', app.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', app.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claim', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='1'))

    # The old table kept one row per settlement: a job's successful try becomes that row
    # (its key without "#<try>"), failed tries go, jobs still to do become pending rows.
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM payment_transactions WHERE job_id IS NOT NULL "
                         "AND status = 'failed'"))
    for row_id, key in bind.execute(sa.text(
            "SELECT id, idempotency_key FROM payment_transactions WHERE job_id IS NOT NULL")).all():
        bind.execute(sa.text("UPDATE payment_transactions SET idempotency_key = :key, "
                             "done_at = created_at WHERE id = :id"),
                     {"key": key.split("#", 1)[0], "id": row_id})
    bind.execute(sa.text(
        "INSERT INTO payment_transactions (checkout_id, kind, amount_cents, provider, "
        "provider_ref, status, idempotency_key, created_at, attempts) "
        "SELECT checkout_id, kind, amount_cents, provider, provider_ref, 'pending', "
        "idempotency_key, created_at, attempts FROM payment_jobs "
        "WHERE kind != 'refund' AND status IN ('pending', 'processing')"))

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_without_job_id()
    else:
        with op.batch_alter_table('payment_transactions', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('fk_payment_transactions_job_id_payment_jobs'), type_='foreignkey')
            batch_op.drop_index('ix_payment_transactions_kind')
            batch_op.drop_index(batch_op.f('ix_payment_transactions_job_id'))
            batch_op.create_index(batch_op.f('ix_payment_transactions_claim'), ['claim'], unique=False)
            batch_op.create_index('ix_payment_transactions_status', ['status'], unique=False)
            batch_op.drop_column('job_id')
    with op.batch_alter_table('payment_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_jobs_status')
        batch_op.drop_index(batch_op.f('ix_payment_jobs_claim'))
        batch_op.drop_index(batch_op.f('ix_payment_jobs_checkout_id'))
    op.drop_table('payment_jobs')


OLD_COLUMNS = ("id, checkout_id, kind, amount_cents, provider, provider_ref, status, "
               "idempotency_key, error, attempts, claim, claimed_at, created_at, done_at, "
               "capture_before")


def _sqlite_without_job_id():
    """SQLite cannot drop a column that references another table: the table is rebuilt by
    hand. Its rows go back under the same name after the drop, which is what settles the
    deferred check of the refunds pointing at them (a batch copy renamed into place does
    not)."""
    op.execute(f"CREATE TABLE _payment_transactions_before AS SELECT {OLD_COLUMNS} "
               "FROM payment_transactions")
    op.execute("DROP TABLE payment_transactions")
    op.create_table('payment_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('provider_ref', sa.String(length=120), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=40), nullable=True),
    sa.Column('claimed_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('done_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('capture_before', app.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_payment_transactions_amount')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkouts.id'], name=op.f('fk_payment_transactions_checkout_id_checkouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_transactions')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_payment_transactions_idempotency_key'))
    )
    op.execute(f"INSERT INTO payment_transactions ({OLD_COLUMNS}) SELECT {OLD_COLUMNS} "
               "FROM _payment_transactions_before")
    op.execute("DROP TABLE _payment_transactions_before")
    op.execute("CREATE INDEX ix_payment_transactions_checkout_id ON payment_transactions (checkout_id)")
    op.execute("CREATE INDEX ix_payment_transactions_claim ON payment_transactions (claim)")
    op.execute("CREATE INDEX ix_payment_transactions_status ON payment_transactions (status)")
