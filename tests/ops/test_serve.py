"""The real production server: bin/serve runs gunicorn with 2 workers and the scheduler
on a fresh database (PostgreSQL when COMPTOIR_TEST_POSTGRES is set), migrating it first;
then a plain `gunicorn wsgi:app` on a database nobody migrated says so at start. Each is
started on a free port of 127.0.0.1 and stopped within a bounded time."""
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from config import database_url
from tests.conftest import PG_ADMIN_URL, _pg_conninfo
from tests.ops.helpers import samples, total

# Processes at work for tens of seconds: started first (tests/conftest.py).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TOKEN = secrets.token_hex(16)
START_SECONDS = 90  # install nothing, migrate, boot 2 workers and the scheduler: ~10 s here

pytestmark = pytest.mark.real_commits


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def fresh_database(tmp_path):
    """An empty database: PostgreSQL when the suite has one, else a SQLite file."""
    if not PG_ADMIN_URL:
        yield f"sqlite:///{tmp_path / 'served.db'}"
        return
    name = f"comptoir_serve_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg_conninfo(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    finally:
        with psycopg.connect(_pg_conninfo(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database: str, port: int, tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COMPTOIR_", "PROMETHEUS_", "GUNICORN_", "WEB_CONCURRENCY"))}
    return {**env, "DATABASE_URL": database, "PORT": str(port), "HOST": "127.0.0.1",
            "SECRET_KEY": secrets.token_hex(32), "COMPTOIR_METRICS_TOKEN": TOKEN,
            "COMPTOIR_PUBLIC_URL": "http://comptoir.test", "PYTHONUNBUFFERED": "1",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), **extra}


@contextmanager
def running(command: list[str], env: dict, tmp_path):
    """The server in its own process group; on leaving, SIGTERM to the group, SIGKILL
    if it is still there 30 s later. Yields (process, read_log)."""
    log = (tmp_path / "server.log").open("w+")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)

    def read_log() -> str:
        return (tmp_path / "server.log").read_text()
    try:
        yield process, read_log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def get(port: int, path: str, headers=None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(port: int, path: str, status: int, process, read_log) -> tuple[int, dict, bytes]:
    deadline = time.monotonic() + START_SECONDS
    last = None
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server stopped:\n{read_log()[-4000:]}"
        try:
            last = get(port, path)
            if last[0] == status:
                return last
        except OSError:
            pass  # not listening yet
        time.sleep(0.3)
    pytest.fail(f"{path} never answered {status} (last: {last})\n{read_log()[-4000:]}")


def test_bin_serve_runs_two_workers_and_the_scheduler_until_stopped(tmp_path):
    port = free_port()
    with fresh_database(tmp_path) as database, running(
            ["bin/serve"], server_env(database, port, tmp_path, WEB_CONCURRENCY="2"),
            tmp_path) as (process, read_log):
        health = wait_for(port, "/healthz", 200, process, read_log)
        ready = wait_for(port, "/readyz", 200, process, read_log)  # migrated, scheduler ran
        page = get(port, "/")
        shops = get(port, "/api/v1/shops", {"X-Request-ID": "serve-test-1"})
        for _ in range(20):
            assert get(port, "/healthz")[0] == 200
        status, _headers, body = get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
        unauthorised = get(port, "/metrics")[0]
        log = read_log()

        os.killpg(process.pid, signal.SIGTERM)
        stopped_in = time.monotonic()
        process.wait(timeout=30)
        stopped_in = time.monotonic() - stopped_in

    assert json.loads(health[2]) == {"status": "ok"}
    assert json.loads(ready[2])["status"] == "ready"
    assert page[0] == 200 and b"<html" in page[2].lower()
    assert shops[0] == 200 and shops[1]["X-Request-ID"] == "serve-test-1"
    assert (status, unauthorised) == (200, 401)
    lines = [json.loads(text) for text in log.splitlines() if text.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    found = samples(body.decode())
    # Added up across the 2 workers (every request they logged), and the scheduler's own
    # process counted too.
    probes = sum(line["path"] == "/healthz" for line in requests)
    assert probes >= 21
    assert total(found, "comptoir_requests_total", route="/healthz") == probes
    assert total(found, "comptoir_scheduler_run_duration_seconds_count") >= 1
    assert "Booting worker" in log and log.count("Booting worker") >= 2
    assert "memory://" in log and "2 workers" in log  # the warning, once, by the master
    assert any(line["path"] == "/api/v1/shops" and line["request_id"] == "serve-test-1"
               and line["status"] == 200 for line in requests)
    assert stopped_in < 30


def test_gunicorn_on_a_database_nobody_migrated_says_so_at_start(tmp_path):
    port = free_port()
    database = f"sqlite:///{tmp_path / 'never-migrated.db'}"
    command = [str(ROOT / ".venv/bin/gunicorn"), "-w", "1", "wsgi:app"]
    env = server_env(database, port, tmp_path)
    del env["PROMETHEUS_MULTIPROC_DIR"]  # gunicorn.conf.py makes a folder of its own
    with running(command, env, tmp_path) as (process, read_log):
        wait_for(port, "/healthz", 200, process, read_log)
        status, _headers, body = get(port, "/readyz")
        log = read_log()

    assert status == 503
    assert "database not migrated" in json.loads(body)["reason"]
    assert "[ERROR] Comptoir cannot serve: database not migrated (no schema yet): " \
           "run `flask --app wsgi db upgrade`" in log
    assert "memory://" not in log  # one worker: its limits are the only ones
