"""Database helpers shared by every domain: UTC timestamps, SQLite setup, dialect-aware SQL."""
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.extensions import db


class UTCDateTime(sa.types.TypeDecorator):
    """Stored as naive UTC on every database; always returned timezone-aware (UTC)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def dialect_insert(model, dialect: str | None = None):
    """The INSERT of the database in use: both have ON CONFLICT … DO NOTHING / DO UPDATE."""
    dialect = dialect or db.engine.dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def built_once(build):
    """A statement built once per database dialect, then only executed.

    On the checkout's hot path, building SQLAlchemy constructs (and the ORM's unit of
    work) costs more than running them: `build(dialect_name)` returns the statement, with
    `bindparam`s for what varies, and execute() runs it on the session's connection (or the
    one given, to spare the lookup on a run of statements), in the session's transaction."""
    cache = {}

    def execute(params, connection=None):
        connection = connection or db.session.connection()
        dialect = connection.dialect.name
        statement = cache.get(dialect)
        if statement is None:
            statement = cache[dialect] = build(dialect)
        return connection.execute(statement, params)

    return execute


def insert_ignore(model):
    """INSERT … ON CONFLICT DO NOTHING, on both databases: unique keys settle races."""
    return dialect_insert(model).on_conflict_do_nothing()


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE.

    A deferred SQLite transaction that reads, then writes after another writer committed,
    fails at once with SQLITE_BUSY_SNAPSHOT (busy_timeout does not help); taking the write
    lock at BEGIN makes writers queue instead, which is what a checkout race needs.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class transaction:
    """One unit of work: commit on success, roll back on any exception (nothing half-written)."""

    def __enter__(self):
        return db.session

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            db.session.commit()
        else:
            db.session.rollback()
        return False


class Claimable:
    """Columns of a row that one process at a time takes to work on (an outbox message, a
    settlement, a refund): see claim_rows."""

    attempts: so.Mapped[int] = so.mapped_column(default=0)
    claim: so.Mapped[str | None] = so.mapped_column(sa.String(40), index=True)
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


def claim_rows(model, due, claimable, *, working: str, now: datetime) -> list:
    """Take the rows that `due` (a SELECT of ids) finds for this process alone, and commit.

    One UPDATE marks them `working` with a fresh claim token; rows another process holds
    are skipped (SKIP LOCKED on PostgreSQL; SQLite has one writer at a time) and
    `claimable` is checked again, so no two processes ever take the same row. The model
    is Claimable and has a status column."""
    token = uuid.uuid4().hex
    # The ids in their own SELECT: inside UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE
    # SKIP LOCKED), PostgreSQL rescans the subquery for each row and skips the rows the
    # UPDATE has just locked, so a LIMIT did not hold (every due row was taken).
    ids = db.session.scalars(for_update(due, skip_locked=True)).all()
    if ids:
        db.session.execute(sa.update(model).where(model.id.in_(ids), claimable)
                           .values(status=working, claim=token, claimed_at=now,
                                   attempts=model.attempts + 1)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.scalars(sa.select(model).where(model.claim == token)
                                   .order_by(model.id)))


def for_update(query, *, skip_locked: bool = False, of=None):
    """Row lock on PostgreSQL; SQLite already holds the database write lock (BEGIN IMMEDIATE)."""
    if is_sqlite():
        return query
    return query.with_for_update(skip_locked=skip_locked, of=of)
