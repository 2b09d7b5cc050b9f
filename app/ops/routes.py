"""GET /healthz, /readyz (load balancers, systemd, an uptime check) and /metrics
(Prometheus). No session, no CSRF, no rate limit; nothing secret in the answers."""
import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, jsonify, request

from app.database import utcnow
from app.extensions import db
from app.ops import metrics
from app.ops.readiness import readiness

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers: nothing else is looked at (a database outage must not get
    every worker restarted)."""
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    state = readiness(db.session, current_app.config)
    response = jsonify(state.json())
    response.status_code = 200 if state.ready else 503
    return _no_store(response)


@bp.get("/metrics")
def prometheus_metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)  # not configured: the endpoint does not exist
    if not metrics.token_matches(token, request.headers.get("Authorization")):
        return Response("a bearer token is needed (COMPTOIR_METRICS_TOKEN)\n", status=401,
                        mimetype="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = metrics.exposition(_scheduler_age)
    return _no_store(Response(body, content_type=content_type))


def _scheduler_age() -> float | None:
    from app.ops.models import SchedulerRun
    try:
        last = db.session.scalar(sa.select(sa.func.max(SchedulerRun.finished_at)))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return None
    db.session.rollback()
    return None if last is None else round((utcnow() - last).total_seconds(), 3)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
