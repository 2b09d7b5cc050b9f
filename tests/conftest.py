"""Fixtures: every database test runs on SQLite and, when COMPTOIR_TEST_POSTGRES is set,
on PostgreSQL too, each in a database of its own created by `db upgrade` (the migrations).

A test runs inside one transaction rolled back at its end: the app's commits release
savepoints in it (see `rolled_back`). A test that needs commits other connections see
(threads, processes, a live server, a second app or connection) is marked
`@pytest.mark.real_commits` and runs on emptied tables instead; one that forgets is told so
the moment a second thread or connection reaches the database."""
import os
import threading
import uuid
import weakref
from contextlib import contextmanager
from functools import partial
from datetime import datetime, timezone

import psycopg
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from config import TestConfig, database_url
# A provider called inside a database transaction fails the test (provider_guard is autouse).
from tests.provider_guard import guard_providers, provider_guard  # noqa: F401

PG_ADMIN_URL = os.environ.get("COMPTOIR_TEST_POSTGRES")


def pytest_configure(config):
    """The English pages need the compiled catalogue; bin/test compiles it, and so does a
    plain `pytest` when a .po is newer than its .mo."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    for po in Path(__file__).resolve().parents[1].glob("app/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))
BACKENDS = ["sqlite"] + (["postgresql"] if PG_ADMIN_URL else [])


def pytest_collection_modifyitems(config, items):
    """Tests marked `layout` run on SQLite only (a page's layout, accessibility and weight
    do not depend on the database; its data paths are tested on both). Tests marked `slow`
    and the browser tests go first: with one worker per core, a long test started last
    would keep one core busy while the other idles."""
    on_postgresql = [item for item in items if item.get_closest_marker("layout")
                     and getattr(item, "callspec", None)
                     and item.callspec.params.get("database_uri") == "postgresql"]
    if on_postgresql:
        config.hook.pytest_deselected(items=on_postgresql)
        dropped = set(map(id, on_postgresql))
        items[:] = [item for item in items if id(item) not in dropped]

    def weight(item) -> int:
        if item.get_closest_marker("slow"):
            return 0
        return 1 if "/browser/" in str(item.path) else 2
    items.sort(key=weight)  # stable: each group keeps its order


def _pg_conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session", params=BACKENDS)
def database_uri(request, tmp_path_factory):
    """A fresh, migrated database per backend for the whole session."""
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path_factory.mktemp('db') / 'comptoir.db'}"
        _migrate(uri)
        yield uri
        return
    name = f"comptoir_test_{uuid.uuid4().hex[:10]}"
    admin = _pg_conninfo(PG_ADMIN_URL)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    uri = database_url(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    _migrate(uri)
    yield uri
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(uri: str) -> None:
    app = create_app({**_config(), "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _config() -> dict:
    return {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Accounts are made in many tests; a real-strength hash would dominate them. Passwords
    are still hashed (and checked) the same way, with fewer rounds."""
    monkeypatch.setattr("app.accounts.models.generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1000"))


class Clock:
    """A controlled clock: routes read it through app.extensions['comptoir.clock']."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, iso: str) -> datetime:
        self.now = datetime.fromisoformat(iso).astimezone(timezone.utc)
        return self.now


# A Tuesday morning in November, Paris time (UTC+1): shops open at 09:00.
TUESDAY_MORNING = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock():
    return Clock(TUESDAY_MORNING)


@contextmanager
def app_on(database_uri, clock, *, real_commits=None, **settings):
    """The app on the test database, its clock controlled, inside its context: inside a
    transaction rolled back at the end, or on emptied tables when the test is marked
    `real_commits` (or real_commits=True is given)."""
    real_commits = _real_commits if real_commits is None else real_commits
    app = _app_for(database_uri, settings)
    app.extensions["comptoir.clock"] = clock
    guard_providers(app)  # tests/provider_guard.py
    with app.app_context():
        if _dirty.get(database_uri, True):
            _empty_tables()
        _dirty[database_uri] = real_commits
        try:
            if real_commits:
                yield app
            else:
                with rolled_back(db):
                    yield app
        except BaseException:
            _dirty[database_uri] = True  # whatever happened, the next test starts clean
            raise
        finally:
            db.session.remove()
            db.engine.dispose()


# One app per database (and set of settings) shared by the tests: building one
# (blueprints, 120 URL rules compiled by Werkzeug, Jinja) costs more than most tests.
# What a test may change on it is put back before the next: its config, its adapters
# (built afresh from the config, so no calls or stores are carried over), the rate limits'
# counters. Settings read only when an adapter is built (a fake server's address, a
# provider's keys) may differ between the tests sharing an app; the others (rate limits,
# proxies, the secret key...) are read at start-up, so an app with them is never shared.
_shared_apps: dict[tuple, tuple] = {}
ADAPTER_SETTINGS = ("PAYMENTS", "STRIPE_", "SMS", "TWILIO_", "GEOCODER", "BAN_",
                    "STREET_TABLE")


def _app_for(database_uri: str, settings: dict):
    config = {**_config(), "SQLALCHEMY_DATABASE_URI": database_uri, **settings}
    if not all(name.startswith(ADAPTER_SETTINGS) for name in settings):
        return create_app(config)
    key = (database_uri, tuple(sorted(settings)))
    if key not in _shared_apps:
        app = create_app(config)
        _shared_apps[key] = (app, dict(app.config))
    app, saved_config = _shared_apps[key]
    app.config.clear()
    app.config.update(saved_config)
    app.config.update(settings)
    _fresh_adapters(app)
    return app


def _fresh_adapters(app) -> None:
    from app.delivery.geocoding import geocoder_from_config
    from app.extensions import limiter
    from app.notify.providers import sms_provider_from_config
    from app.payments.providers import payment_provider_from_config
    from app.photos.storage import storage_from_config
    app.extensions["comptoir.payments"] = payment_provider_from_config(app.config)
    app.extensions["comptoir.sms"] = sms_provider_from_config(app.config)
    app.extensions["comptoir.geocoder"] = geocoder_from_config(app.config)
    app.extensions["comptoir.photos"] = storage_from_config(app.config, app.instance_path)
    limiter.reset()


# Databases whose tables may hold committed rows (absent: not known to be empty).
_dirty: dict[str, bool] = {}
_real_commits = False
_one_connection: sa.Connection | None = None  # while a rolled-back test runs


@pytest.fixture(autouse=True)
def _isolation(request):
    """Read before any app fixture: does this test commit for real?"""
    global _real_commits
    _real_commits = request.node.get_closest_marker("real_commits") is not None
    yield
    _real_commits = False


class RealCommitsNeeded(RuntimeError):
    """A rolled-back test reached the database from a second thread or connection."""


@contextmanager
def rolled_back(db):
    """Everything the app does in this context happens on one connection, inside one
    transaction that is rolled back at the end.

    The session joins that transaction with a savepoint (SQLAlchemy's "joining a Session
    into an external transaction"): the app's commit releases it, its rollback rolls back
    to it, and the session goes on in a fresh one. Flask-SQLAlchemy's session picks an
    engine per bind key and ignores `bind=`, so its class is narrowed to answer the one
    connection. On SQLite the outer BEGIN is ours (the connection is in autocommit at the
    driver level), so SAVEPOINT and RELEASE reach SQLite as written.

    Other threads would share the connection, and other connections would neither see the
    rows nor get the lock: both are refused, naming the marker that fits. Two sessions (two
    app contexts) in a transaction at once are refused too: the inner one's commit would
    only release a savepoint inside the outer one's, which a rollback of the outer would
    then undo, hiding what the inner one did from the test's assertions."""
    owner = threading.get_ident()
    factory = db.session.session_factory
    saved_class, saved_kw = factory.class_, dict(factory.kw)
    connection = db.engine.connect()
    outer = connection.begin()

    def refuse_checkout(*_args):
        raise RealCommitsNeeded("a rolled-back test opened a second database connection: "
                                "mark it @pytest.mark.real_commits")

    class OneConnection(saved_class):
        def get_bind(self, *args, **kwargs):
            if threading.get_ident() != owner:
                raise RealCommitsNeeded("a rolled-back test reached the database from "
                                        "another thread: mark it @pytest.mark.real_commits")
            return self.bind

    in_transaction = weakref.WeakSet()

    @sa.event.listens_for(OneConnection, "after_begin")
    def one_session_at_a_time(session, _transaction, _connection):
        if any(other is not session and other.in_transaction() for other in in_transaction):
            raise RealCommitsNeeded("two sessions are in a transaction at once in a "
                                    "rolled-back test: end the first (db.session.commit()) "
                                    "or mark the test @pytest.mark.real_commits")
        in_transaction.add(session)

    global _one_connection
    sa.event.listen(db.engine, "checkout", refuse_checkout)
    db.session.remove()
    factory.class_ = OneConnection
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    _one_connection = connection
    try:
        yield connection
    finally:
        _one_connection = None
        db.session.remove()
        factory.class_, factory.kw = saved_class, saved_kw
        sa.event.remove(db.engine, "checkout", refuse_checkout)
        sa.event.remove(OneConnection, "after_begin", one_session_at_a_time)
        outer.rollback()
        connection.close()


@pytest.fixture
def app(database_uri, clock):
    with app_on(database_uri, clock) as app:
        yield app


def _empty_tables() -> None:
    """Every table emptied, for real; in a rolled-back test (whose session must have ended)
    inside its transaction, so that the emptying is rolled back with the rest."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if _one_connection is not None:
        with _one_connection.begin_nested():
            for table in tables:
                _one_connection.execute(sa.text(f"DELETE FROM {table}"))
        return
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def payments(app):
    return app.extensions["comptoir.payments"]


@pytest.fixture
def sms(app):
    return app.extensions["comptoir.sms"]


@pytest.fixture
def backend(app):
    return db.engine.dialect.name


@pytest.fixture
def photo_store(app, tmp_path):
    """The app's photos in a folder of this test's own (app/photos/storage.py)."""
    from app.photos.storage import LocalStorage
    store = LocalStorage(tmp_path / "media")
    app.extensions["comptoir.photos"] = store
    return store
