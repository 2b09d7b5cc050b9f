"""Daily aggregates kept by the jobs (app.figures.services.refresh_daily_figures): one row per
town day (the day the order was placed, town time) and shop, a count per order state; and
one per town day and hour of placement. The manager's figures read these, never the raw orders."""
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db


class DailyShopFigure(db.Model):
    """One row per town day and shop: its orders in each state (one column per state of
    app.orders.models.ORDER_STATES) and the confirmed amount of the collected ones. One
    row per day and shop, not per state: a year of 250 shops is 91,250 rows to sum."""

    __tablename__ = "daily_shop_figures"

    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"), primary_key=True)
    pending_payment: so.Mapped[int] = so.mapped_column(default=0)
    placed: so.Mapped[int] = so.mapped_column(default=0)
    confirmed: so.Mapped[int] = so.mapped_column(default=0)
    ready: so.Mapped[int] = so.mapped_column(default=0)
    collected: so.Mapped[int] = so.mapped_column(default=0)
    expired: so.Mapped[int] = so.mapped_column(default=0)
    cancelled: so.Mapped[int] = so.mapped_column(default=0)
    no_show: so.Mapped[int] = so.mapped_column(default=0)
    # The collected orders' confirmed amount (what was captured at the counter).
    revenue_cents: so.Mapped[int] = so.mapped_column(default=0)


class DailyHourFigure(db.Model):
    """Orders of the whole town by the hour they were placed (town time), every state."""

    __tablename__ = "daily_hour_figures"
    __table_args__ = (sa.CheckConstraint("hour >= 0 AND hour <= 23", name="hour"),)

    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    hour: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    orders: so.Mapped[int]
