"""GET /healthz and /readyz, as a load balancer, systemd or an uptime check sees them:
JSON, no authentication, nothing secret; /readyz says 503 and why when the database does
not answer, is not migrated, or no scheduler ran recently."""
import logging

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.jobs.scheduler import run_sweeps
from app.ops.models import SchedulerRun
from app.ops.readiness import expected_heads
from tests.conftest import _config
from tests.ops.helpers import scheduler_ran


def test_healthz_answers_ok_without_a_session_or_a_cache(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_the_database_is_migrated_and_the_scheduler_ran(client):
    scheduler_ran(seconds_ago=20)

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["schema"] == {"ok": True, "expected": sorted(expected_heads())}
    assert body["checks"]["scheduler"]["ok"] is True
    assert 19 <= body["checks"]["scheduler"]["last_run_age_seconds"] <= 80


def test_readyz_says_when_the_scheduler_never_ran(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["status"] == "not_ready"
    assert "scheduler has never run" in response.get_json()["reason"]
    assert "jobs scheduler" in response.get_json()["reason"]


def test_readyz_says_when_the_scheduler_stopped_running(client, app):
    limit = 4 * app.config["SCHEDULER_INTERVAL_SECONDS"]
    scheduler_ran(seconds_ago=max(120, limit) + 60)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "the scheduler last ran" in response.get_json()["reason"]
    assert response.get_json()["checks"]["scheduler"]["ok"] is False


def test_readyz_says_when_the_schema_is_behind_the_code(client):
    scheduler_ran(seconds_ago=5)
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'payment_jobs'"))
    db.session.commit()

    response = client.get("/readyz")

    assert response.status_code == 503
    reason = response.get_json()["reason"]
    assert "payment_jobs" in reason and min(expected_heads()) in reason
    assert "flask --app wsgi db upgrade" in reason


def test_readyz_says_when_the_database_was_never_migrated(tmp_path, clock):
    """An operator who forgot `db upgrade`: not a 500, a 503 that says what to run."""
    app = create_app({**_config(), "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path / 'empty.db'}"})
    client = app.test_client()

    ready = client.get("/readyz")
    health = client.get("/healthz")

    assert ready.status_code == 503
    assert ready.get_json()["reason"] == ("database not migrated (no schema yet): "
                                          "run `flask --app wsgi db upgrade`")
    assert health.status_code == 200  # the process itself is fine: no restart loop


def test_readyz_says_when_the_database_does_not_answer_and_keeps_its_password(clock):
    app = create_app({**_config(), "SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://comptoir:hunter2-secret@127.0.0.1:9/comptoir"})
    client = app.test_client()

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert response.get_json()["reason"].startswith("database unreachable")
    assert "hunter2" not in body and "127.0.0.1" not in body


def test_health_answers_are_not_rate_limited(database_uri, clock):
    """Probes come every few seconds from one address: a default limit never stops them."""
    from app.extensions import limiter
    from tests.conftest import app_on
    try:
        with app_on(database_uri, clock, RATELIMIT_DEFAULT="2 per minute") as app:
            client = app.test_client()
            limited = [client.get("/api/v1/shops").status_code for _ in range(3)]
            probes = [client.get(path).status_code
                      for path in ["/healthz"] * 5 + ["/readyz"] * 5]
    finally:
        # The limiter is one object for every app of the session, and keeps a default
        # once given one: the next tests' apps must not inherit it.
        limiter.limit_manager.set_default_limits([])

    assert limited[-1] == 429  # the default limit is on
    assert set(probes) <= {200, 503} and len(probes) == 10


def test_the_code_expects_one_head_that_follows_the_scheduler_runs():
    from app.ops.readiness import _known_revisions
    assert len(expected_heads()) == 1
    assert "ops_scheduler_runs" in _known_revisions()


@pytest.mark.real_commits
def test_a_scheduler_run_makes_the_site_ready_and_its_lines_share_an_id(app, client, caplog,
                                                                       monkeypatch):
    """run_sweeps is what `flask jobs scheduler` runs on its interval."""
    assert client.get("/readyz").status_code == 503
    caplog.set_level(logging.INFO)
    ids = []

    class Ids(logging.Handler):
        def emit(self, record):
            if record.name.startswith("comptoir.jobs"):
                ids.append(getattr(record, "request_id", None))

    handler = Ids()
    from app.ops.logs import RequestIdFilter
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    try:
        # A hold that expired: the sweep logs a line about it.
        from tests.factories import make_product, make_shop, place_order
        shop = make_shop()
        place_order({shop: [(make_product(shop), 1)]}, clock_now(app), app.extensions[
            "comptoir.payments"], pay=False)
        db.session.commit()
        run_sweeps(app)
    finally:
        logging.getLogger().removeHandler(handler)

    assert client.get("/readyz").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SchedulerRun)) == 1
    assert ids and ids[0].startswith("sweep-") and set(ids) == {ids[0]}


def clock_now(app):
    return app.extensions["comptoir.clock"]()
