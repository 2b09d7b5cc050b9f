"""Is this process fit to serve? The database answers, its schema is the one the code
expects (the latest migration), and a scheduler ran its sweeps recently.

The schema check works on a bare SQLAlchemy connection too, so that the web server can
run it at start (gunicorn.conf.py) before any app exists, and `flask doctor` on its own."""
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from app.database import utcnow

log = logging.getLogger("comptoir.ops")

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
UPGRADE = "run `flask --app wsgi db upgrade`"


@lru_cache(maxsize=1)
def expected_heads() -> frozenset[str]:
    """The latest migration(s) of the code, read from migrations/versions."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def schema_problem(connection: sa.Connection) -> str | None:
    """None when the database is at the code's latest migration; else what is wrong, in
    words an operator can act on."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return f"database not migrated (no schema yet): {UPGRADE}"
    current = frozenset(connection.execute(sa.text("SELECT version_num FROM alembic_version"))
                        .scalars())
    expected = expected_heads()
    if current == expected:
        return None
    if not current:
        return f"database not migrated (no schema yet): {UPGRADE}"
    unknown = current - _known_revisions()
    if unknown:
        return (f"database schema at {', '.join(sorted(unknown))}, which this code does not "
                f"know (a newer release migrated it?); deploy that release or restore")
    return (f"database schema at {', '.join(sorted(current))}, the code expects "
            f"{', '.join(sorted(expected))}: {UPGRADE}")


@lru_cache(maxsize=1)
def _known_revisions() -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(script.revision for script in
                     ScriptDirectory.from_config(config).walk_revisions())


def schema_problem_at(url: str, *, timeout_seconds: int = 5) -> str | None:
    """schema_problem on a connection of its own (no app needed): what the web server
    checks at start. A database that does not answer is a problem too."""
    args = {"connect_timeout": timeout_seconds} if url.startswith("postgresql") else {}
    engine = sa.create_engine(url, connect_args=args, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return schema_problem(connection)
    except sa.exc.SQLAlchemyError as error:
        return f"database unreachable: {_short(error)}"
    finally:
        engine.dispose()


def _short(error: Exception) -> str:
    """The driver's first line, without the SQL or the URL (no password in a log)."""
    orig = getattr(error, "orig", None) or error
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]


def scheduler_max_age(config) -> timedelta:
    """How long without a scheduler run before the site is not ready: a few sweep
    intervals (a slow run, a restart), at least two minutes."""
    seconds = config.get("READY_SCHEDULER_MAX_AGE_SECONDS") or max(
        120, 4 * int(config.get("SCHEDULER_INTERVAL_SECONDS", 30)))
    return timedelta(seconds=int(seconds))


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass
class Readiness:
    ready: bool
    checks: dict = field(default_factory=dict)  # name -> {"ok": bool, ...}
    reason: str | None = None  # the first failing check, in words

    def json(self) -> dict:
        answer = {"status": "ready" if self.ready else "not_ready", "checks": self.checks}
        if self.reason:
            answer["reason"] = self.reason
        return answer


def readiness(session, config, now: datetime | None = None) -> Readiness:
    """The checks of GET /readyz, on the app's session, in order; each says what it
    found. Nothing secret: no URL, no host name, no error text from the driver."""
    from app.ops.models import SchedulerRun
    now = now or utcnow()
    checks: dict = {}
    reasons: list[str] = []
    try:
        connection = session.connection()
        connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        session.rollback()
        # The driver's words name hosts and users: for the log, not for anyone asking.
        log.warning("GET /readyz: database unreachable: %s", _short(error))
        reason = "database unreachable (the server's log says why)"
        checks["database"] = {"ok": False, "error": reason}
        return Readiness(False, checks, reason)
    checks["database"] = {"ok": True}
    problem = schema_problem(connection)
    checks["schema"] = {"ok": problem is None, "expected": sorted(expected_heads())}
    if problem:
        checks["schema"]["error"] = problem
        reasons.append(problem)
        session.rollback()
        return Readiness(False, checks, reasons[0])
    last = session.scalar(sa.select(sa.func.max(SchedulerRun.finished_at)))
    session.rollback()  # a read only: nothing held while the answer goes out
    limit = scheduler_max_age(config)
    scheduler = {"ok": False, "max_age_seconds": int(limit.total_seconds())}
    if last is None:
        scheduler["error"] = ("the scheduler has never run: start "
                              "`flask --app wsgi jobs scheduler` beside the web server")
    else:
        age = (now - last).total_seconds()
        scheduler["last_run_age_seconds"] = round(age, 1)
        if age > limit.total_seconds():
            scheduler["error"] = (f"the scheduler last ran {int(age)} s ago (more than "
                                  f"{int(limit.total_seconds())} s): is "
                                  f"`flask --app wsgi jobs scheduler` running?")
        else:
            scheduler["ok"] = True
    checks["scheduler"] = scheduler
    if not scheduler["ok"]:
        reasons.append(scheduler["error"])
    return Readiness(not reasons, checks, reasons[0] if reasons else None)
