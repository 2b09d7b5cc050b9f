"""Fixtures: every database test runs on SQLite and, when COMPTOIR_TEST_POSTGRES is set,
on PostgreSQL too, each in a database of its own created by `db upgrade` (the migrations)."""
import os
import uuid
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


@pytest.fixture
def clock():
    # A Tuesday morning in November, Paris time (UTC+1): shops open at 09:00.
    return Clock(datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc))


@contextmanager
def app_on(database_uri, clock, **settings):
    """The app on an emptied test database, its clock controlled, inside its context."""
    app = create_app({**_config(), "SQLALCHEMY_DATABASE_URI": database_uri, **settings})
    app.extensions["comptoir.clock"] = clock
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_uri, clock):
    with app_on(database_uri, clock) as app:
        yield app


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
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
