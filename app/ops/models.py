"""What the operations side keeps in the database: one row per run of the scheduler's
sweeps, so that any web worker can tell whether a scheduler is alive (GET /readyz)."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime
from app.extensions import db


class SchedulerRun(db.Model):
    """A run of every sweep by one scheduler process (app.jobs.scheduler). Rows older
    than a day are deleted by the runs themselves: only the latest ones are ever read."""

    __tablename__ = "ops_scheduler_runs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    finished_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    handled: so.Mapped[int] = so.mapped_column(default=0)  # items of every sweep together
    failed_sweeps: so.Mapped[int] = so.mapped_column(default=0)  # sweeps that broke off
    process: so.Mapped[str] = so.mapped_column(sa.String(80))  # host:pid
