"""Daily aggregates kept by the jobs (app.figures.services.refresh_daily_figures): one row per
town day (the day the order was placed, town time) and shop, a count per order state; and
one per town day and hour of placement; one per town day for what belongs to no shop (vouchers
sold, the association's SMS); one per shopper, shop and day they ordered (returning shoppers).
The manager's figures read these, never the raw orders."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime
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
    # Lines of that day's orders the shop confirmed short (fewer than ordered), and what
    # they would have brought: (ordered - confirmed) x unit price.
    short_lines: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    short_cents: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Gift vouchers spent at the shop, on the day the checkout was settled (the ledger's
    # "voucher:" sales, as the shops' statements count them).
    vouchers_spent_cents: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # The shop's SMS that left that day, or were given up (as /gestion/sms counts them):
    # their segments, and how many did not reach the phone (failed or undelivered).
    sms_sent: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    sms_segments: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    sms_failed: so.Mapped[int] = so.mapped_column(default=0, server_default="0")


class DailyHourFigure(db.Model):
    """Orders of the whole town by the hour they were placed (town time), every state."""

    __tablename__ = "daily_hour_figures"
    __table_args__ = (sa.CheckConstraint("hour >= 0 AND hour <= 23", name="hour"),)

    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    hour: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    orders: so.Mapped[int]


class DailyTownFigure(db.Model):
    """What belongs to the town's day and to no shop: the association's voucher sales (on
    the day sold) and its own SMS (campaigns: shop_id None in the outbox)."""

    __tablename__ = "daily_town_figures"

    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    vouchers_sold: so.Mapped[int] = so.mapped_column(default=0)
    vouchers_sold_cents: so.Mapped[int] = so.mapped_column(default=0)  # their face value
    vouchers_paid_cents: so.Mapped[int] = so.mapped_column(default=0)  # what buyers paid
    association_sms_sent: so.Mapped[int] = so.mapped_column(default=0)
    association_sms_segments: so.Mapped[int] = so.mapped_column(default=0)
    association_sms_failed: so.Mapped[int] = so.mapped_column(default=0)


class DailyShopper(db.Model):
    """One row per shopper (orders.customer_id: one phone number), shop and town day they
    placed a paid order there (any state but pending_payment and expired), with the day
    before it they last did so: at that shop, and (on the day's first row of the shopper,
    by shop id, `town_first`) at any shop. A period's shoppers are then counted without
    DISTINCT: the rows in it whose previous day is before its start, or none, are each
    shopper's first visit of the period; a previous day means they are returning."""

    __tablename__ = "daily_shoppers"
    # On SQLite, rows kept in key order (day first): a period is read in one sweep of the
    # table, not through an index and a lookup per row.
    __table_args__ = (sa.Index("ix_daily_shoppers_customer_day", "customer_id", "day"),
                      {"sqlite_with_rowid": False})

    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"), primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"),
                                                   primary_key=True)
    previous_day: so.Mapped[date | None] = so.mapped_column(sa.Date)
    town_first: so.Mapped[bool] = so.mapped_column(default=False)
    previous_town_day: so.Mapped[date | None] = so.mapped_column(sa.Date)


class FiguresState(db.Model):
    """One row: which version of the aggregates the sweep last built, and when. A version
    behind the code's (new figures, after an upgrade) makes the next sweep rebuild every
    day once, so that older periods have the new figures too."""

    __tablename__ = "figures_state"

    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    version: so.Mapped[int]
    refreshed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
