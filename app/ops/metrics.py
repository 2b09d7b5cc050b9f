"""Prometheus metrics (prometheus_client), counted at the edges of the domain: the
requests' outcomes (route, status, checkout created), the scheduler's sweep reports
(app/jobs/scheduler.py), the payment rows the services write (one per call to the
provider and its outcome), and the SMS adapters' own log lines for refusals.

Several gunicorn workers and the scheduler are separate processes: with
PROMETHEUS_MULTIPROC_DIR set (bin/serve and gunicorn.conf.py do it) each writes its
values to files there and GET /metrics adds them up (prometheus_client's multiprocess
mode). Without it, each process counts for itself (the demo, the tests)."""
import hmac
import os

import sqlalchemy as sa
import sqlalchemy.orm as so
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter,
                               Histogram, generate_latest)
from prometheus_client.core import GaugeMetricFamily

from app.ops.logs import endpoint_of, route_of

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUEST_SECONDS = Histogram(
    "comptoir_request_duration_seconds", "Time to answer a request, by route (url rule).",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
REQUESTS = Counter("comptoir_requests", "Requests answered, by route and status.",
                   ["method", "route", "status"])
CHECKOUTS = Counter("comptoir_checkouts_created",
                    "Checkouts created (stock and seats held), by channel (web page, API).",
                    ["channel"])
HOLDS_EXPIRED = Counter("comptoir_holds_expired",
                        "Checkouts not paid in time whose hold the sweep released.")
SWEEP_ITEMS = Counter("comptoir_sweep_items", "Items each sweep handled.", ["sweep"])
SWEEP_FAILURES = Counter("comptoir_sweep_failures", "Sweeps that broke off (logged).",
                         ["sweep"])
SMS_SENT = Counter("comptoir_sms_sent", "SMS the provider accepted (outbox flush).")
SMS_FAILED = Counter(
    "comptoir_sms_failed",
    "SMS tries that failed, by reason: the provider's error code, 'unreachable', "
    "'error', or 'delivery:<code>' when the operator reported it undelivered.",
    ["reason"])
SETTLEMENTS = Counter("comptoir_settlements",
                      "Calls to the payment provider and their outcome, by kind "
                      "(authorize, capture, void, refund) and outcome (done, failed).",
                      ["kind", "outcome"])
SCHEDULER_LAG = Histogram(
    "comptoir_scheduler_lag_seconds",
    "How late a scheduler run started after its planned time.",
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600))
SCHEDULER_RUN_SECONDS = Histogram(
    "comptoir_scheduler_run_duration_seconds", "Time a run of every sweep took.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))


# --- requests -------------------------------------------------------------------------

def observe_request(environ, status: int, headers, seconds: float) -> None:
    """What a finished request tells (called by logs.RequestLogMiddleware)."""
    method = environ.get("REQUEST_METHOD", "")
    method = method if method in METHODS else "OTHER"
    route = route_of(environ)
    REQUEST_SECONDS.labels(method, route).observe(seconds)
    REQUESTS.labels(method, route, str(status)).inc()
    channel = _checkout_channel(endpoint_of(environ), method, status, dict(headers))
    if channel:
        CHECKOUTS.labels(channel).inc()


def _checkout_channel(endpoint, method, status, headers) -> str | None:
    """A checkout was created: the API's 201 (not an Idempotency-Key replay), or the
    checkout page sending the shopper on to pay."""
    if method != "POST":
        return None
    if endpoint == "api.create_checkout" and status == 201 \
            and headers.get("Idempotent-Replayed") != "true":
        return "api"
    if endpoint == "web.checkout" and status in (302, 303) \
            and "/paiement" in headers.get("Location", ""):
        return "web"
    return None


def observe_delivery_report(response) -> None:
    """Twilio's status callback saying a message did not arrive (api.twilio_status)."""
    from flask import request
    if request.endpoint != "api.twilio_status" or response.status_code != 200:
        return
    status = (response.get_json(silent=True) or {}).get("status")
    if status in ("failed", "undelivered"):
        code = request.form.get("ErrorCode") or ""
        SMS_FAILED.labels(f"delivery:{code}" if code.isdigit() and len(code) <= 6
                          else "delivery").inc()
    return None


# --- the scheduler --------------------------------------------------------------------

def observe_sweeps(reports, seconds: float) -> None:
    for report in reports:
        if report.handled:
            SWEEP_ITEMS.labels(report.name).inc(report.handled)
        if getattr(report, "failed", False):
            SWEEP_FAILURES.labels(report.name).inc()
        if report.name == "release_expired_holds":
            HOLDS_EXPIRED.inc(report.handled)
        elif report.name == "flush_sms_outbox":
            SMS_SENT.inc(report.handled)
    SCHEDULER_RUN_SECONDS.observe(seconds)


# --- payment rows: one per call to the provider and its outcome -------------------------

_PENDING = "comptoir.metrics.settlements"


def _payment_row_written(_mapper, _connection, row) -> None:
    """A payment row flushed; counted once its transaction commits."""
    session = so.object_session(row)
    if session is not None:
        session.info.setdefault(_PENDING, []).append(
            (row.kind, "done" if row.status == "succeeded" else "failed"))


def _committed(session) -> None:
    for kind, outcome in session.info.pop(_PENDING, ()):
        SETTLEMENTS.labels(kind, outcome).inc()


def _rolled_back(session) -> None:
    session.info.pop(_PENDING, None)


_listening = False


def listen_to_payment_rows() -> None:
    global _listening
    if _listening:
        return
    from app.payments.models import PaymentTransaction
    sa.event.listen(PaymentTransaction, "after_insert", _payment_row_written)
    sa.event.listen(so.Session, "after_commit", _committed)
    sa.event.listen(so.Session, "after_rollback", _rolled_back)
    _listening = True


# --- SMS tries that failed, from the outbox's own signal ------------------------------

def _sms_tried(result) -> None:
    """A failed try, by the provider's code (Twilio's 21211...), else refused or unavailable."""
    if result.ok:
        return
    code = result.error_code or ""
    SMS_FAILED.labels(code if code.isdigit() and len(code) <= 6
                      else "refused" if result.permanent else "unavailable").inc()


def listen_to_sms_tries() -> None:
    from app.notify.services import sms_tried
    sms_tried.connect(_sms_tried, weak=False)  # connecting twice keeps one receiver


# --- GET /metrics ---------------------------------------------------------------------

def token_matches(expected: str, authorization: str | None) -> bool:
    given = (authorization or "").removeprefix("Bearer ").strip()
    return bool(authorization and authorization.startswith("Bearer ")) and \
        hmac.compare_digest(given.encode(), expected.encode())


class SchedulerAge:
    """Read at scrape time from the database, so it tells even when no scheduler runs:
    seconds since any scheduler last finished a run."""

    def __init__(self, age_seconds):
        self.age_seconds = age_seconds  # () -> float | None

    def collect(self):
        age = self.age_seconds()
        family = GaugeMetricFamily(
            "comptoir_scheduler_last_run_age_seconds",
            "Seconds since a scheduler last finished a run of the sweeps (-1: never).")
        family.add_metric([], -1 if age is None else age)
        yield family


def exposition(age_seconds) -> tuple[bytes, str]:
    """The metrics of every process (multiprocess mode) or of this one, plus the ones
    read from the database."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Everything())
    registry.register(SchedulerAge(age_seconds))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Everything:
    """The process's default registry, inside a registry of the scrape's own."""

    def collect(self):
        return REGISTRY.collect()
