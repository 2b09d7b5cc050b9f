"""Daily aggregates kept by the jobs (app.figures.services.refresh_daily_figures): one row per
town day (the day the order was placed, town time), shop and order state; and one per town
day and hour of placement. The manager's figures read these, never the raw orders."""
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db


class DailyShopFigure(db.Model):
    __tablename__ = "daily_shop_figures"
    __table_args__ = (sa.CheckConstraint("orders >= 0", name="orders"),)

    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"), primary_key=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    orders: so.Mapped[int]
    # Collected orders: the confirmed amount (what was captured); others: as ordered.
    amount_cents: so.Mapped[int]


class DailyHourFigure(db.Model):
    """Orders of the whole town by the hour they were placed (town time), every state."""

    __tablename__ = "daily_hour_figures"
    __table_args__ = (sa.CheckConstraint("hour >= 0 AND hour <= 23", name="hour"),)

    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    hour: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    orders: so.Mapped[int]
