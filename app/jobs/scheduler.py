"""The long-running scheduler process: runs every sweep on an interval (APScheduler)."""
import logging
from time import monotonic

from apscheduler.events import EVENT_JOB_SUBMITTED
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.database import utcnow
from app.jobs.sweeps import run_once
from app.ops.logs import new_id, request_id
from app.ops.metrics import SCHEDULER_LAG, observe_sweeps
from app.ops.runs import record_run

log = logging.getLogger("comptoir.jobs")


def run_sweeps(app: Flask) -> None:
    # One id for the run's log lines, as a request has (app/ops/logs.py).
    token = request_id.set(new_id("sweep-"))
    try:
        with app.app_context():
            started, clock_started = utcnow(), monotonic()
            reports = run_once(started, sms=app.extensions["comptoir.sms"],
                               payments=app.extensions["comptoir.payments"])
            for report in reports:
                if report.handled:
                    log.info("%s: %s", report.name, report.handled)
            observe_sweeps(reports, monotonic() - clock_started)
            # Readiness (GET /readyz) and the metrics read when a scheduler last ran.
            try:
                record_run(started, utcnow(), reports)
            except Exception:
                log.exception("this run was not recorded: GET /readyz will not see it")
    finally:
        request_id.reset(token)


def run_scheduler(app: Flask) -> None:
    # Several scheduler processes may run: each sweep claims its rows in the database.
    # APScheduler logs every run at INFO; the sweeps' own lines (and the SMS) are what matter.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(run_sweeps, "interval", args=[app], id="sweeps", coalesce=True,
                      max_instances=1, seconds=app.config["SCHEDULER_INTERVAL_SECONDS"],
                      next_run_time=utcnow())
    scheduler.add_listener(_lag, EVENT_JOB_SUBMITTED)
    log.info("scheduler started, sweeps every %ss", app.config["SCHEDULER_INTERVAL_SECONDS"])
    scheduler.start()


def _lag(event) -> None:
    """How late the run starts after its planned time (a run still going delays the next)."""
    if event.scheduled_run_times:
        SCHEDULER_LAG.observe(max(0.0, (utcnow() - max(event.scheduled_run_times))
                                  .total_seconds()))
