"""The scheduler's runs, recorded for readiness and the metrics (app.ops.models)."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.database import unit_of_work
from app.extensions import db
from app.ops.models import SchedulerRun
from app.ops.readiness import process_name

KEEP = timedelta(days=1)  # only the latest run is read; a day of history for a look back


def record_run(started: datetime, finished: datetime, reports) -> None:
    with unit_of_work():
        db.session.add(SchedulerRun(
            started_at=started, finished_at=finished, process=process_name(),
            handled=sum(report.handled for report in reports),
            failed_sweeps=sum(bool(getattr(report, "failed", False)) for report in reports)))
        db.session.execute(sa.delete(SchedulerRun).where(SchedulerRun.finished_at
                                                         < finished - KEEP))
