"""The long-running scheduler process: runs every sweep on an interval (APScheduler)."""
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.database import utcnow
from app.jobs.sweeps import run_once

log = logging.getLogger("comptoir.jobs")


def run_sweeps(app: Flask) -> None:
    with app.app_context():
        reports = run_once(utcnow(), sms=app.extensions["comptoir.sms"],
                           payments=app.extensions["comptoir.payments"])
        for report in reports:
            if report.handled:
                log.info("%s: %s", report.name, report.handled)


def run_scheduler(app: Flask) -> None:
    # Several scheduler processes may run: each sweep claims its rows in the database.
    # APScheduler logs every run at INFO; the sweeps' own lines (and the SMS) are what matter.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(run_sweeps, "interval", args=[app], id="sweeps", coalesce=True,
                      max_instances=1, seconds=app.config["SCHEDULER_INTERVAL_SECONDS"],
                      next_run_time=utcnow())
    log.info("scheduler started, sweeps every %ss", app.config["SCHEDULER_INTERVAL_SECONDS"])
    scheduler.start()
