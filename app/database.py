"""Database helpers shared by every domain: UTC timestamps, SQLite setup, dialect-aware SQL."""
import logging
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.extensions import db

log = logging.getLogger("comptoir.db")


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


def capped_counter(table: sa.Table, keys: tuple[str, ...]):
    """Take one place of a counted capacity (a pickup slot's seats, a delivery window's
    drops) in one statement: the first taker creates the row, the next ones add one only
    while `taken < capacity`; a conflicting row is locked and re-checked, so no two take the
    last place. Returns built_once's executor: params are the keys and `capacity`; the
    result's scalar is the new count, or None when it was full."""
    def build(dialect):
        upsert = dialect_insert(table, dialect).values(
            **{key: sa.bindparam(key) for key in keys}, taken=1)
        return upsert.on_conflict_do_update(
            index_elements=[table.c[key] for key in keys], set_={"taken": table.c.taken + 1},
            where=table.c.taken < sa.bindparam("capacity")).returning(table.c.taken)
    return built_once(build)


def insert_ignore(model):
    """INSERT … ON CONFLICT DO NOTHING, on both databases: unique keys settle races."""
    return dialect_insert(model).on_conflict_do_nothing()


def configure_sqlite(engine: Engine) -> None:
    """WAL and foreign keys; BEGIN IMMEDIATE for writing units only.

    A deferred SQLite transaction that reads, then writes after another writer committed,
    fails at once with SQLITE_BUSY_SNAPSHOT (busy_timeout does not help); a writing unit
    of work therefore takes the write lock at BEGIN, so writers queue instead. Everything
    else (page views, the reads before a provider call) begins deferred and reads its WAL
    snapshot beside the writer, never waiting for it.
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
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


_writing: ContextVar[bool] = ContextVar("comptoir_writing_unit", default=False)
_unit: ContextVar["UnitOfWork | None"] = ContextVar("comptoir_unit", default=None)


def in_transaction() -> bool:
    """True while the app's session has a transaction open: adapters (and the test
    suite's fakes) refuse a provider call made inside one."""
    return db.session().in_transaction()


# The lock order of every writer, so that PostgreSQL never deadlocks: a checkout's row,
# its orders, then (here) all its products by id, its slot seats by (shop, start), its
# delivery window's drops by (window, day), its vouchers (and, with them, the
# settlement's rows, which nobody else locks).
# hold_basket takes them in this order itself; the effects of transitions are queued on
# the unit (UnitOfWork.later) and run in this order just before commit.
PRODUCTS, SEATS, DROPS, VOUCHERS = range(4)


class UnitOfWork:
    """One service use case, one transaction: `with unit_of_work(...)` begins it, commits
    on success, rolls back on any exception; nothing else commits.

    - A unit entered inside another joins it (one commit, by the outermost).
    - `write=False` for reads: on SQLite no write lock is taken (see configure_sqlite).
    - `later(key, fn)` queues a write that must follow the lock order (`key` starts with
      one of PRODUCTS, SEATS, DROPS, VOUCHERS); they run sorted, just before commit. A
      repeated key runs once.
    - `after_commit(fn)` runs once the transaction is committed, with none open: the place
      for calls that leave the process (a capture at the bank). It never runs on rollback;
      a failure there is logged, and the job it was doing stays for the sweep.
    - `payments` (the payment adapter) lets after-commit work reach the provider now
      rather than at the next sweep.
    """

    def __init__(self, *, write: bool = True, payments=None):
        self.write = write
        self.payments = payments
        self._later: dict[tuple, object] = {}
        self._after: list = []
        self._outer: UnitOfWork | None = None
        self._tokens = ()

    def __enter__(self) -> "UnitOfWork":
        outer = _unit.get()
        if outer is not None:
            if self.write and not outer.write:
                raise RuntimeError("a writing unit of work cannot run inside a reading one")
            outer.payments = outer.payments or self.payments
            self._outer = outer
            return outer
        session = db.session()
        if session.in_transaction():
            # What the caller read before (a page loading its objects) ends here: the unit
            # starts on a fresh snapshot, and on SQLite takes the write lock at its BEGIN.
            session.commit()
        self._tokens = (_unit.set(self), _writing.set(self.write))
        return self

    def later(self, key: tuple, fn) -> None:
        self._later.setdefault(key, fn)

    def after_commit(self, fn) -> None:
        self._after.append(fn)

    def run_queued(self) -> None:
        """The queued writes, in lock order (also called by commit)."""
        while self._later:
            key = min(self._later)
            self._later.pop(key)()

    def __exit__(self, exc_type, exc, tb):
        if self._outer is not None:
            return False
        unit_token, writing_token = self._tokens
        try:
            if exc_type is None:
                self.run_queued()
                db.session.commit()
            else:
                db.session.rollback()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            _unit.reset(unit_token)
            _writing.reset(writing_token)
        if exc_type is None:
            for fn in self._after:
                try:
                    fn()
                except Exception:  # the work stays due: the sweep retries it
                    log.exception("after-commit work failed; left for the sweep")
        return False


def unit_of_work(*, write: bool = True, payments=None) -> UnitOfWork:
    return UnitOfWork(write=write, payments=payments)


def current_unit() -> UnitOfWork:
    """The unit the caller runs in: transitions and their handlers queue work on it."""
    unit = _unit.get()
    if unit is None:
        raise RuntimeError("this writes to the database: call it inside unit_of_work()")
    return unit


def is_deadlock(error: Exception) -> bool:
    """PostgreSQL gave up on a lock cycle (SQLSTATE 40P01): the transaction may be retried."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) == "40P01"


def retry_on_deadlock(fn, *args, **kwargs):
    """Run a whole unit of work, once more if PostgreSQL chose it as a deadlock's victim.
    Every writer takes its locks in one order, so this is a safety net, not the plan."""
    try:
        return fn(*args, **kwargs)
    except sa.exc.DBAPIError as error:
        if not is_deadlock(error):
            raise
        log.warning("deadlock in %s, retried once", getattr(fn, "__name__", fn))
        return fn(*args, **kwargs)


class Claimable:
    """Columns of a row that one process at a time takes to work on (an outbox message, a
    payment job): see claim_rows."""

    attempts: so.Mapped[int] = so.mapped_column(default=0)
    claim: so.Mapped[str | None] = so.mapped_column(sa.String(40), index=True)
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


def claim_rows(model, due, claimable, *, working: str, now: datetime) -> list:
    """Take the rows that `due` (a SELECT of ids) finds for this process alone, in a unit
    of work of its own, and return them as plain rows (column attributes, no session).

    One UPDATE marks them `working` with a fresh claim token; rows another process holds
    are skipped (SKIP LOCKED on PostgreSQL; SQLite has one writer at a time) and
    `claimable` is checked again, so no two processes ever take the same row. The model
    is Claimable and has a status column. No transaction is left open: the caller goes on
    to call a provider."""
    token = uuid.uuid4().hex
    with unit_of_work():
        # The ids in their own SELECT: inside UPDATE … WHERE id IN (SELECT … LIMIT n FOR
        # UPDATE SKIP LOCKED), PostgreSQL rescans the subquery for each row and skips the
        # rows the UPDATE has just locked, so a LIMIT did not hold (every due row was taken).
        ids = db.session.scalars(for_update(due, skip_locked=True)).all()
        if ids:
            db.session.execute(sa.update(model).where(model.id.in_(ids), claimable)
                               .values(status=working, claim=token, claimed_at=now,
                                       attempts=model.attempts + 1)
                               .execution_options(synchronize_session=False))
    with unit_of_work(write=False):
        # Plain rows, not ORM objects: they outlive the transaction as they were read, and
        # an object the caller already holds is left as it is.
        return list(db.session.execute(sa.select(model.__table__)
                                       .where(model.__table__.c.claim == token)
                                       .order_by(model.__table__.c.id)))


def for_update(query, *, skip_locked: bool = False, of=None):
    """Row lock on PostgreSQL; SQLite already holds the database write lock (BEGIN IMMEDIATE)."""
    if is_sqlite():
        return query
    return query.with_for_update(skip_locked=skip_locked, of=of)
