"""`flask doctor` as an operator runs it before opening the site: each check OK or FAIL
with what to do, exit 1 on any FAIL; Stripe and Twilio reached through their real SDKs
(local fakes here), Redis when it is the rate limits' store."""
import os
import secrets
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from app.ops.doctor import (check_public_url, check_rate_limit_store, default_workers,
                            secret_key_problem)
from config import database_url
from tests.conftest import PG_ADMIN_URL, _pg_conninfo, app_on
from tests.notify.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, fake_twilio  # noqa: F401
from tests.payments.fake_stripe import FakeStripe

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_hex(32)
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(),
                                 reason="no Redis on 127.0.0.1:6379 (apt install redis-server)")


@pytest.fixture
def fake_stripe():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def production(fake_stripe, fake_twilio):  # noqa: F811
    """Settings of a real deployment, Stripe and Twilio being the local fakes."""
    return dict(SECRET_KEY=STRONG_KEY, PUBLIC_URL="https://comptoir.example-town.fr",
                PAYMENTS="stripe", STRIPE_SECRET_KEY=fake_stripe.secret_key,
                STRIPE_PUBLISHABLE_KEY="pk_test_comptoir", STRIPE_WEBHOOK_SECRET="whsec_x",
                STRIPE_API_BASE=fake_stripe.url, SMS="twilio",
                TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                TWILIO_FROM=FROM, TWILIO_API_BASE=fake_twilio.url,
                METRICS_TOKEN=secrets.token_hex(16))


def doctor(database_uri, clock, monkeypatch, workers="1", **settings):
    monkeypatch.setenv("WEB_CONCURRENCY", workers)
    with app_on(database_uri, clock, **settings) as app:
        result = app.test_cli_runner().invoke(args=["doctor"])
    return result.exit_code, result.output


def line(output: str, name: str) -> str:
    return next(text for text in output.splitlines() if text[6:].startswith(name + ":"))


def test_a_production_configuration_passes_every_check_but_sqlite(database_uri, clock,
                                                                    monkeypatch, production,
                                                                    backend):
    code, output = doctor(database_uri, clock, monkeypatch, **production)

    for name in ("secret key", "public URL", "rate limits", "payments", "SMS", "metrics"):
        assert line(output, name).startswith("OK"), output
    assert "Stripe answers, key accepted (test mode)" in output
    assert "Twilio answers, credentials accepted" in output
    assert STRONG_KEY not in output
    if backend == "postgresql":
        assert line(output, "database").startswith("OK"), output
        assert code == 0 and output.rstrip().endswith("Everything a deployment needs is in place.")
    else:
        assert line(output, "database").startswith("FAIL") and "not PostgreSQL" in output
        assert code == 1


def test_the_demo_defaults_fail_with_what_to_do(database_uri, clock, monkeypatch):
    code, output = doctor(database_uri, clock, monkeypatch, workers="4",
                          SECRET_KEY="dev-only-change-me", PUBLIC_URL="http://127.0.0.1:5000",
                          PAYMENTS="offline", SMS="log")

    assert code == 1
    for name in ("secret key", "public URL", "rate limits", "payments", "SMS"):
        assert line(output, name).startswith("FAIL"), output
    assert "known default" in line(output, "secret key")
    assert "token_hex(32)" in output
    assert "test_ok" in line(output, "payments")
    assert "phone numbers" in line(output, "SMS")
    assert "4 workers" in line(output, "rate limits") and "redis://" in output
    assert output.count("      fix: ") >= 5
    assert "problems: not ready for production." in output


def test_a_refused_stripe_key_and_twilio_token_are_named(database_uri, clock, monkeypatch,
                                                          production):
    code, output = doctor(database_uri, clock, monkeypatch,
                          **{**production, "STRIPE_SECRET_KEY": "sk_test_not_the_one",
                             "TWILIO_AUTH_TOKEN": "not-the-token"})

    assert code == 1
    assert "the secret key was refused" in line(output, "payments")
    assert "auth token was refused" in line(output, "SMS")


def test_unreachable_providers_fail_quickly(database_uri, clock, monkeypatch, production):
    closed = "http://127.0.0.1:9"
    code, output = doctor(database_uri, clock, monkeypatch,
                          **{**production, "STRIPE_API_BASE": closed,
                             "TWILIO_API_BASE": closed})

    assert code == 1
    assert line(output, "payments") == "FAIL  payments: Stripe: unreachable"
    assert line(output, "SMS") == "FAIL  SMS: Twilio: unreachable"


def test_missing_provider_keys_are_listed(database_uri, clock, monkeypatch):
    config = dict(PAYMENTS="stripe", STRIPE_SECRET_KEY="sk_test_x")
    from app.ops.doctor import check_payments, check_sms

    payments = check_payments(config, {})
    sms = check_sms(dict(SMS="twilio", TWILIO_ACCOUNT_SID=ACCOUNT_SID), {})

    assert not payments.ok and "STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET" in payments.detail
    assert not sms.ok and "TWILIO_AUTH_TOKEN, TWILIO_FROM" in sms.detail


@pytest.mark.parametrize("key, problem", [
    (None, "not set"), ("", "not set"), ("dev-only-change-me", "known default"),
    ("test", "known default"), ("short-but-random-Zq8", "too short"),
    ("a" * 64, "repeats itself"), ("ab" * 32, "repeats itself"),
    # Keys as secrets.token_hex(32) and token_urlsafe(32) make them, written out: the
    # parameters must be the same in every test worker.
    ("9f1c2e7a4b8d0c3f6e5a1b2c7d9e0f4a3b6c8d1e2f5a7b9c0d3e6f8a1b4c7d2e", None),
    ("GVG8ArvNQu2IJluLrJKoWKpvg7mZzG1a-YKT4zPml6s", None),
])
def test_secret_key_strength(key, problem):
    found = secret_key_problem(key)

    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("url, ok", [
    ("https://comptoir.le-puy.fr", True), ("https://91.121.10.20", True),
    ("http://comptoir.le-puy.fr", False), ("https://localhost:5000", False),
    ("https://127.0.0.1", False), ("https://192.168.1.20", False), ("https://[::1]", False),
    ("https://comptoir.test", False), ("", False),
])
def test_public_url_must_be_https_and_reachable_from_outside(url, ok):
    assert check_public_url({"PUBLIC_URL": url}, {}).ok is ok


def test_one_worker_needs_no_redis_but_several_do():
    memory = {"RATELIMIT_STORAGE_URI": "memory://"}

    assert check_rate_limit_store(memory, {"WEB_CONCURRENCY": "1"}).ok
    assert not check_rate_limit_store(memory, {"WEB_CONCURRENCY": "3"}).ok
    assert not check_rate_limit_store(memory, {}).ok  # bin/serve's default: several
    assert default_workers(1) == 3 and default_workers(2) == 5 and default_workers(64) == 12


def test_a_redis_store_that_does_not_answer_fails():
    result = check_rate_limit_store(
        {"RATELIMIT_STORAGE_URI": "redis://:pa55word@127.0.0.1:9/0"}, {"WEB_CONCURRENCY": "4"})

    assert not result.ok and "does not answer" in result.detail
    assert "pa55word" not in result.detail


@needs_redis
def test_a_redis_store_that_answers_passes():
    result = check_rate_limit_store({"RATELIMIT_STORAGE_URI": REDIS_URL},
                                    {"WEB_CONCURRENCY": "4"})

    assert result.ok and "shared by 4 workers" in result.detail


@pytest.mark.skipif(not PG_ADMIN_URL, reason="COMPTOIR_TEST_POSTGRES is unset")
def test_a_postgresql_database_not_migrated_fails_with_the_command(database_uri, clock,
                                                                  monkeypatch, production):
    name = f"comptoir_doctor_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg_conninfo(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        empty = database_url(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
        from app.ops.doctor import check_database
        result = check_database({"SQLALCHEMY_DATABASE_URI": empty}, {})
    finally:
        with psycopg.connect(_pg_conninfo(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert not result.ok and "not migrated" in result.detail
    assert "db upgrade" in result.fix


def test_an_unreachable_postgresql_fails_without_its_password():
    from app.ops.doctor import check_database
    result = check_database({"SQLALCHEMY_DATABASE_URI":
                             "postgresql+psycopg://comptoir:s3cret-pw@127.0.0.1:9/comptoir"}, {})

    assert not result.ok and "does not answer" in result.detail
    assert "s3cret-pw" not in result.detail + result.fix


def test_doctor_runs_without_the_app_for_when_it_refuses_to_start(tmp_path):
    """`python -m app.ops.doctor`: the same checks, from the environment alone."""
    env = {**os.environ, "SECRET_KEY": "dev-only-change-me",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "COMPTOIR_PAYMENTS": "offline",
           "COMPTOIR_SMS": "log", "COMPTOIR_PUBLIC_URL": "http://127.0.0.1:5000",
           "WEB_CONCURRENCY": "1"}
    env.pop("COMPTOIR_METRICS_TOKEN", None)

    done = subprocess.run([sys.executable, "-m", "app.ops.doctor"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 1, done.stderr
    assert "FAIL  secret key: SECRET_KEY is a known default" in done.stdout
    assert "FAIL  database:" in done.stdout and "not PostgreSQL" in done.stdout
