"""`flask db upgrade` builds exactly the schema the models describe, on both databases, and
the migrations go back down and up again cleanly."""
import uuid

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.catalog.fulltext import include_name
from app.extensions import db
from config import database_url
from tests.conftest import BACKENDS, PG_ADMIN_URL, _config, _pg_conninfo


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """A database with nothing in it yet, as on an operator's first install."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"comptoir_migrate_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg_conninfo(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    with psycopg.connect(_pg_conninfo(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_app(empty_database):
    app = create_app({**_config(), "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences() -> list:
    """What `flask db migrate` would put in a new migration; [] when models and schema agree."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": False,
                                                         "include_name": include_name})
        return compare_metadata(context, db.metadata)


def tables() -> set[str]:
    return {name for name in sa.inspect(db.engine).get_table_names()
            if include_name(name, "table", {})} - {"alembic_version"}


def test_db_upgrade_builds_the_schema_of_the_models(fresh_app):
    runner = fresh_app.test_cli_runner()

    result = runner.invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert tables() == set(db.metadata.tables)
    assert schema_differences() == []
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output


def test_migrations_go_down_to_nothing_and_up_again(fresh_app):
    runner = fresh_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0

    down = runner.invoke(args=["db", "downgrade", "base"])

    assert down.exit_code == 0, down.output
    assert tables() == set()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert schema_differences() == []
