"""The manager's figures for a period, compared with the one before, read from the daily
aggregates that the jobs keep (refresh_daily_figures, a sweep of app.jobs.sweeps.run_once).

An order counts on the town day it was placed (created_at, town time), in its current
state: every state is counted, so a total is always the sum of its states. Revenue is what
collected orders brought in (their confirmed amount, captured at the counter); pickups are
the collected orders, that is the in-store visits the marketplace brought."""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import unit_of_work
from app.errors import Invalid
from app.extensions import db
from app.figures.models import DailyHourFigure, DailyShopFigure
from app.orders.models import COLLECTED, NO_SHOW, ORDER_STATES, Order, OrderLine
from app.shops.models import Shop
from app.timeutil import day_bounds, local, local_today

RECENT_DAYS = 45     # days recomputed by each sweep: orders change state after placement
MAX_DAYS = 3 * 366   # the longest period one page or answer covers
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EVENING_HOURS = (20, 21, 22)  # 20:00-23:00 town time: orders placed while shops are closed


# --- the sweep: recompute recent days ---------------------------------------------------

def _amount():
    confirmed = (sa.select(sa.func.coalesce(sa.func.sum(
        sa.func.coalesce(OrderLine.confirmed_quantity, 0) * OrderLine.unit_price_cents), 0))
        .where(OrderLine.order_id == Order.id).scalar_subquery())
    return sa.case((Order.status == COLLECTED, confirmed), else_=Order.total_cents)


def refresh_daily_figures(now: datetime, days: int = RECENT_DAYS) -> int:
    """Recompute the aggregates of the last `days` town days (today included) from the
    orders: idempotent (rows of those days are replaced). Returns the days recomputed."""
    first = local_today(now) - timedelta(days=days - 1)
    since = day_bounds(first)[0]
    with unit_of_work():
        if db.session.get_bind().dialect.name == "postgresql":
            # Two job processes at once: one after the other (SQLite's writers queue anyway).
            db.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                               {"key": "refresh_daily_figures"})
        rows = db.session.execute(
            sa.select(Order.shop_id, Order.status, Order.created_at, _amount())
            .where(Order.created_at >= since)).all()
        shop_days: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        hours: dict[tuple, int] = defaultdict(int)
        for shop_id, status, created_at, amount in rows:
            placed = local(created_at)
            cell = shop_days[(placed.date(), shop_id)]
            cell[status] += 1
            if status == COLLECTED:
                cell["revenue_cents"] += amount or 0
            hours[(placed.date(), placed.hour)] += 1
        db.session.execute(sa.delete(DailyShopFigure).where(DailyShopFigure.day >= first))
        db.session.execute(sa.delete(DailyHourFigure).where(DailyHourFigure.day >= first))
        if shop_days:
            empty = dict.fromkeys((*ORDER_STATES, "revenue_cents"), 0)
            db.session.execute(sa.insert(DailyShopFigure), [
                {"day": d, "shop_id": s, **empty, **cell} for (d, s), cell in shop_days.items()])
        if hours:
            db.session.execute(sa.insert(DailyHourFigure), [
                {"day": d, "hour": h, "orders": n} for (d, h), n in hours.items()])
    return days


# --- the period -------------------------------------------------------------------------

@dataclass
class Period:
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def parse_period(start: str | None, end: str | None, now: datetime) -> Period:
    """from/to as YYYY-MM-DD, both included; missing: the last 7 days up to today."""
    today = local_today(now)
    def day(value, field_name, default):
        if not value or not value.strip():
            return default
        try:
            parsed = date.fromisoformat(value.strip()) if DAY.fullmatch(value.strip()) else None
        except ValueError:
            parsed = None
        if parsed is None or not FIRST_DAY <= parsed <= LAST_DAY:
            raise Invalid(_("Date attendue au format AAAA-MM-JJ."), field=field_name,
                          code="invalid_date")
        return parsed
    last = day(end, "to", today)
    first = day(start, "from", last - timedelta(days=6))
    if first > last:
        raise Invalid(_("La fin de la période précède son début."), field="to",
                      code="invalid_period")
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid(_("Période trop longue : %(n)s jours au plus.", n=MAX_DAYS),
                      field="from", code="invalid_period")
    return Period(first, last)


@dataclass
class ShopFigures:
    shop_id: int | None
    name: str
    slug: str | None = None
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORDER_STATES, 0))
    revenue_cents: int = 0

    @property
    def orders(self) -> int:
        return sum(self.by_status.values())

    @property
    def pickups(self) -> int:
        return self.by_status[COLLECTED]

    @property
    def no_shows(self) -> int:
        return self.by_status[NO_SHOW]

    def add(self, other: "ShopFigures") -> None:
        for status, n in other.by_status.items():
            self.by_status[status] += n
        self.revenue_cents += other.revenue_cents


@dataclass
class Figures:
    period: Period
    shops: list[ShopFigures]
    total: ShopFigures
    # hours[weekday][hour]: orders placed, weekday 0 = Monday, town time
    hours: list[list[int]]

    @property
    def evening_orders(self) -> int:
        return sum(row[h] for row in self.hours for h in EVENING_HOURS)

    @property
    def placed_orders(self) -> int:
        return sum(map(sum, self.hours))

    @property
    def evening_share(self) -> float | None:
        """Percent of the orders placed 20:00-23:00 town time (None: no order)."""
        placed = self.placed_orders
        return round(100 * self.evening_orders / placed, 1) if placed else None


def period_figures(period: Period) -> Figures:
    shops = {shop_id: ShopFigures(shop_id, name, slug) for shop_id, name, slug in
             db.session.execute(sa.select(Shop.id, Shop.name, Shop.slug)
                                .order_by(Shop.name, Shop.id))}
    columns = [getattr(DailyShopFigure, state) for state in ORDER_STATES]
    for shop_id, revenue, *counts in db.session.execute(
            sa.select(DailyShopFigure.shop_id, sa.func.sum(DailyShopFigure.revenue_cents),
                      *(sa.func.sum(column) for column in columns))
            .where(DailyShopFigure.day >= period.start, DailyShopFigure.day <= period.end)
            .group_by(DailyShopFigure.shop_id)):
        row = shops[shop_id]
        for state, n in zip(ORDER_STATES, counts):
            row.by_status[state] += int(n)
        row.revenue_cents += int(revenue)
    total = ShopFigures(None, _("Total"))
    for row in shops.values():
        total.add(row)
    hours = [[0] * 24 for _weekday in range(7)]
    for day, hour, orders in db.session.execute(
            sa.select(DailyHourFigure.day, DailyHourFigure.hour, DailyHourFigure.orders)
            .where(DailyHourFigure.day >= period.start, DailyHourFigure.day <= period.end)):
        hours[day.weekday()][hour] += orders
    return Figures(period, list(shops.values()), total, hours)


@dataclass
class Comparison:
    current: Figures
    previous: Figures

    def __post_init__(self):
        self._previous = {row.shop_id: row for row in self.previous.shops}

    def previous_of(self, shop_id) -> ShopFigures:
        if shop_id is None:
            return self.previous.total
        return self._previous.get(shop_id) or ShopFigures(shop_id, "")


def compare(period: Period) -> Comparison:
    return Comparison(period_figures(period), period_figures(period.previous()))


def change(current: int, previous: int) -> float | None:
    """Percent change from the previous period (None when it had nothing)."""
    return round(100 * (current - previous) / previous, 1) if previous else None


# --- tables as rows (CSV and API) --------------------------------------------------------

SHOP_COLUMNS = ("shop", "orders", *ORDER_STATES, "pickups", "no_shows", "revenue_cents",
                "previous_orders", "previous_revenue_cents")


def shop_table(comparison: Comparison) -> list[list]:
    rows = []
    for row in [*comparison.current.shops, comparison.current.total]:
        before = comparison.previous_of(row.shop_id)
        rows.append([row.name, row.orders, *(row.by_status[s] for s in ORDER_STATES),
                     row.pickups, row.no_shows, row.revenue_cents, before.orders,
                     before.revenue_cents])
    return rows


HOUR_COLUMNS = ("weekday", *(f"{h:02d}h" for h in range(24)))


def presets(today: date) -> list[tuple[str, Period]]:
    """The periods a manager asks for most: a day, a week, a month, a year."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return [(_("Aujourd'hui"), Period(today, today)),
            (_("7 jours"), Period(today - timedelta(days=6), today)),
            (_("Ce mois-ci"), Period(month_start, today)),
            (_("Mois dernier"), Period(last_month_end.replace(day=1), last_month_end)),
            (_("12 mois"), Period(today - timedelta(days=364), today))]


def hour_table(figures: Figures, weekdays: list[str]) -> list[list]:
    return [[weekdays[d], *figures.hours[d]] for d in range(7)]
