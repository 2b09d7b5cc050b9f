"""The manager's figures for a period, compared with the one before, read from the daily
aggregates that the jobs keep (refresh_daily_figures, a sweep of app.jobs.sweeps.run_once).

An order counts on the town day it was placed (created_at, town time), in its current
state: every state is counted, so a total is always the sum of its states. Revenue is what
collected orders brought in (their confirmed amount, captured at the counter); pickups are
the collected orders, that is the in-store visits the marketplace brought.

The rest (issue 13, item 7), each on its own day:
- short lines: lines the shop confirmed with fewer than ordered (confirm_lines), on the
  order's day, and the cents they did not bring ((ordered - confirmed) x unit price);
- vouchers sold by the association (the day sold: count, face value, what was paid) and
  spent at each shop (the ledger's voucher sales, on the day the checkout was settled);
- SMS as /gestion/sms counts them (the day they left, or were given up): sent, segments,
  failed or undelivered; the cost is segments x COMPTOIR_SMS_SEGMENT_PRICE_CENTS;
- shoppers: a shopper is a customer (orders.customer_id: one phone number) with a paid
  order (any state but pending_payment and expired, which are baskets never paid); one is
  returning in a period if they had such an order before its start (at that shop, for a
  shop's row; anywhere, for the town's).

The jobs' sweep recomputes the days touched since its last run (usually today, or since
yesterday), and the last RECENT_DAYS days (45) at its first run of each town day, in case
something changed that leaves no trace by time: measured with bench/figures.py at Le Puy's
size (250 shops, 3 orders a shop and day), see bench/README.md."""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.database import unit_of_work
from app.errors import Invalid
from app.extensions import db
from app.figures.models import (DailyHourFigure, DailyShopFigure, DailyShopper,
                                DailyTownFigure, FiguresState)
from app.ledger.models import COMMISSION, SHARE, LedgerEntry
from app.ledger.services import voucher_source
from app.notify.figures import ATTEMPTED as SMS_ATTEMPTED
from app.notify.models import NOT_TOLD as SMS_NOT_TOLD
from app.notify.models import SmsMessage
from app.orders.models import (COLLECTED, NEVER_PAID, NO_SHOW, ORDER_STATES, Order,
                               OrderEvent, OrderLine)
from app.shops.models import Shop
from app.timeutil import day_bounds, local, local_today, town_tz
from app.vouchers.models import Voucher, VoucherSale

RECENT_DAYS = 45     # recomputed by a town day's first sweep: orders change state after placement
# Writes dated (by their transaction's clock) before a sweep's run, committed after it.
TOUCH_MARGIN = timedelta(hours=1)
MAX_DAYS = 3 * 366   # the longest period one page or answer covers
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EVENING_HOURS = (20, 21, 22)  # 20:00-23:00 town time: orders placed while shops are closed
# The aggregates' version: a sweep finding figures_state behind rebuilds every day once.
FIGURES_VERSION = 2  # 2: short lines, vouchers, SMS, returning shoppers
SHOP_EXTRAS = ("short_lines", "short_cents", "vouchers_spent_cents", "sms_sent",
               "sms_segments", "sms_failed")  # DailyShopFigure's columns besides the orders
TOWN_COLUMNS = ("vouchers_sold", "vouchers_sold_cents", "vouchers_paid_cents",
                "association_sms_sent", "association_sms_segments", "association_sms_failed")


# --- the sweep: recompute recent days ---------------------------------------------------

def _amount():
    confirmed = (sa.select(sa.func.coalesce(sa.func.sum(
        sa.func.coalesce(OrderLine.confirmed_quantity, 0) * OrderLine.unit_price_cents), 0))
        .where(OrderLine.order_id == Order.id).scalar_subquery())
    return sa.case((Order.status == COLLECTED, confirmed), else_=Order.total_cents)


def refresh_daily_figures(now: datetime, days: int | None = None) -> int:
    """Recompute the aggregates of town days up to today from the orders, the shops' short
    lines, vouchers and SMS: idempotent (rows of those days are replaced). `days`: the
    last that many days. None, the jobs' sweep: the days touched since its last run (see
    _first_touched), or the last RECENT_DAYS at the first sweep of a town day. Once after
    an upgrade that brings new figures (figures_state behind FIGURES_VERSION), every day
    since the first order, sale or SMS. Returns the days recomputed."""
    today = local_today(now)
    with unit_of_work():
        if db.session.get_bind().dialect.name == "postgresql":
            # Two job processes at once: one after the other (SQLite's writers queue anyway).
            db.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                               {"key": "refresh_daily_figures"})
        state = db.session.get(FiguresState, 1)
        first = today - timedelta(days=(days or RECENT_DAYS) - 1)
        if state is None or state.version < FIGURES_VERSION:
            first = min(first, _earliest_day() or first)
        elif days is None and local(state.refreshed_at).date() == today:
            first = min(today, _first_touched(state.refreshed_at - TOUCH_MARGIN))
        since = day_bounds(first)[0]
        shop_days: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        town_days: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        hours: dict[tuple, int] = defaultdict(int)
        visits: set[tuple[int, date, int]] = set()  # (customer, day, shop)
        tz = town_tz()
        rows = db.session.execute(
            sa.select(Order.shop_id, Order.customer_id, Order.status, Order.created_at,
                      _amount())
            .where(Order.created_at >= since)).all()
        for shop_id, customer_id, status, created_at, amount in rows:
            placed = created_at.astimezone(tz)
            cell = shop_days[(placed.date(), shop_id)]
            cell[status] += 1
            if status == COLLECTED:
                cell["revenue_cents"] += amount or 0
            hours[(placed.date(), placed.hour)] += 1
            if status not in NEVER_PAID:
                visits.add((customer_id, placed.date(), shop_id))
        _count_the_rest(since, tz, shop_days, town_days)
        shoppers = _shopper_days(visits, first)
        db.session.execute(sa.delete(DailyShopFigure).where(DailyShopFigure.day >= first))
        db.session.execute(sa.delete(DailyHourFigure).where(DailyHourFigure.day >= first))
        db.session.execute(sa.delete(DailyTownFigure).where(DailyTownFigure.day >= first))
        db.session.execute(sa.delete(DailyShopper).where(DailyShopper.day >= first))
        if shop_days:
            empty = dict.fromkeys((*ORDER_STATES, "revenue_cents", *SHOP_EXTRAS), 0)
            db.session.execute(sa.insert(DailyShopFigure.__table__), [
                {"day": d, "shop_id": s, **empty, **cell} for (d, s), cell in shop_days.items()])
        if hours:
            db.session.execute(sa.insert(DailyHourFigure.__table__), [
                {"day": d, "hour": h, "orders": n} for (d, h), n in hours.items()])
        if town_days:
            empty = dict.fromkeys(TOWN_COLUMNS, 0)
            db.session.execute(sa.insert(DailyTownFigure.__table__), [
                {"day": d, **empty, **cell} for d, cell in town_days.items()])
        for start in range(0, len(shoppers), 5000):
            db.session.execute(sa.insert(DailyShopper.__table__), shoppers[start:start + 5000])
        if state is None:
            db.session.add(FiguresState(id=1, version=FIGURES_VERSION, refreshed_at=now))
        else:
            state.version, state.refreshed_at = FIGURES_VERSION, now
    return (today - first).days + 1


def _first_touched(since: datetime) -> date:
    """The first town day whose figures may have changed since `since`. What was written
    since is dated since (orders placed, vouchers sold, ledger entries, SMS queued): on
    its day or later. What changed since, on an older day: an order's state (each change
    writes an OrderEvent) and an SMS's status (status_at)."""
    firsts = [db.session.scalar(
        sa.select(sa.func.min(Order.created_at))
        .join(OrderEvent, OrderEvent.order_id == Order.id).where(OrderEvent.at >= since)),
        db.session.scalar(sa.select(sa.func.min(
            sa.func.coalesce(SmsMessage.sent_at, SmsMessage.created_at)))
            .where(SmsMessage.status_at >= since))]
    return min(local(instant).date() for instant in [since, *firsts] if instant is not None)


def _earliest_day() -> date | None:
    """The first town day anything counted happened (a rebuild starts there)."""
    firsts = [db.session.scalar(sa.select(sa.func.min(column))) for column in (
        Order.created_at, VoucherSale.sold_at, LedgerEntry.at,
        sa.func.coalesce(SmsMessage.sent_at, SmsMessage.created_at))]
    days = [local(instant).date() for instant in firsts if instant is not None]
    return min(days, default=None)


def _count_the_rest(since: datetime, tz, shop_days: dict, town_days: dict) -> None:
    """Short lines (the order's day and shop), vouchers spent (the ledger's day and shop),
    vouchers sold (the town's day), SMS (the shop's, or the association's)."""
    missing = OrderLine.quantity - OrderLine.confirmed_quantity
    for shop_id, created_at, lines, cents in db.session.execute(
            sa.select(Order.shop_id, Order.created_at, sa.func.count(),
                      sa.func.sum(missing * OrderLine.unit_price_cents))
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(Order.created_at >= since, OrderLine.confirmed_quantity.is_not(None),
                   OrderLine.confirmed_quantity < OrderLine.quantity)
            .group_by(Order.id, Order.shop_id, Order.created_at)):
        cell = shop_days[(created_at.astimezone(tz).date(), shop_id)]
        cell["short_lines"] += lines
        cell["short_cents"] += int(cents)
    for shop_id, at, cents in db.session.execute(
            sa.select(LedgerEntry.shop_id, LedgerEntry.at, LedgerEntry.amount_cents)
            .where(LedgerEntry.at >= since, LedgerEntry.kind.in_((SHARE, COMMISSION)),
                   LedgerEntry.source.like(voucher_source("%")))):
        shop_days[(at.astimezone(tz).date(), shop_id)]["vouchers_spent_cents"] += cents
    for sold_at, face, paid in db.session.execute(
            sa.select(VoucherSale.sold_at, Voucher.amount_cents, VoucherSale.paid_cents)
            .join(Voucher, Voucher.id == VoucherSale.voucher_id)
            .where(VoucherSale.sold_at >= since)):
        cell = town_days[sold_at.astimezone(tz).date()]
        cell["vouchers_sold"] += 1
        cell["vouchers_sold_cents"] += face
        cell["vouchers_paid_cents"] += paid
    at = sa.func.coalesce(SmsMessage.sent_at, SmsMessage.created_at)
    for shop_id, when, segments, status in db.session.execute(
            sa.select(SmsMessage.shop_id, at, SmsMessage.segments, SmsMessage.status)
            # status_at >= sent_at >= created_at: the index finds them, `at` decides.
            .where(SmsMessage.status.in_(SMS_ATTEMPTED), SmsMessage.status_at >= since,
                   at >= since, SmsMessage.channel.is_(None))):  # a Web Push is free
        day = when.astimezone(tz).date()
        cell, prefix = ((shop_days[(day, shop_id)], "") if shop_id is not None
                        else (town_days[day], "association_"))
        cell[prefix + "sms_sent"] += 1
        cell[prefix + "sms_segments"] += segments
        cell[prefix + "sms_failed"] += status in SMS_NOT_TOLD


def _shopper_days(visits: set[tuple[int, date, int]], first: date) -> list[dict]:
    """DailyShopper rows for the visits from `first` on, each with the day before it the
    shopper last ordered at that shop and (on their day's first row) anywhere, looking
    back before `first` in the rows kept for the older days. Read before those of the
    window are deleted."""
    last_at: dict[tuple[int, int], date] = {}
    last_anywhere: dict[int, date] = {}
    # The rows about to be replaced know it already: a shopper's first row of the window
    # at a shop (its previous day before `first`, or none) names their visit before it;
    # their first row anywhere, their visit anywhere. Only the others are looked up.
    known_pairs, known_customers = set(), set()
    before = DailyShopper.previous_day < first
    town_before = DailyShopper.previous_town_day < first
    for customer, shop, previous, town_first, previous_town in db.session.execute(
            sa.select(DailyShopper.customer_id, DailyShopper.shop_id,
                      DailyShopper.previous_day, DailyShopper.town_first,
                      DailyShopper.previous_town_day)
            .where(DailyShopper.day >= first, sa.or_(
                DailyShopper.previous_day.is_(None), before,
                sa.and_(DailyShopper.town_first, sa.or_(
                    DailyShopper.previous_town_day.is_(None), town_before))))):
        if previous is None or previous < first:
            known_pairs.add((customer, shop))
            if previous is not None:
                last_at[(customer, shop)] = previous
        if town_first and (previous_town is None or previous_town < first):
            known_customers.add(customer)
            if previous_town is not None:
                last_anywhere[customer] = previous_town
    customers = sorted({customer for customer, _day, shop in visits
                        if customer not in known_customers
                        or (customer, shop) not in known_pairs})
    for start in range(0, len(customers), 1000):
        for customer, shop, day in db.session.execute(
                sa.select(DailyShopper.customer_id, DailyShopper.shop_id,
                          sa.func.max(DailyShopper.day))
                .where(DailyShopper.customer_id.in_(customers[start:start + 1000]),
                       DailyShopper.day < first)
                .group_by(DailyShopper.customer_id, DailyShopper.shop_id)):
            last_at[(customer, shop)] = day
            last_anywhere[customer] = max(day, last_anywhere.get(customer, day))
    rows, seen = [], None
    for customer, day, shop in sorted(visits):  # a shopper's days in order, shops by id
        town_first = (customer, day) != seen
        seen = (customer, day)
        previous_town_day = None
        if town_first:
            previous_town_day = last_anywhere.get(customer)
            last_anywhere[customer] = day
        rows.append({"day": day, "shop_id": shop, "customer_id": customer,
                     "previous_day": last_at.get((customer, shop)), "town_first": town_first,
                     "previous_town_day": previous_town_day})
        last_at[(customer, shop)] = day
    return rows


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


ADDED_UP = ("revenue_cents", *SHOP_EXTRAS, "sms_cost_cents")  # summed over shops


@dataclass
class ShopFigures:
    shop_id: int | None
    name: str
    slug: str | None = None
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORDER_STATES, 0))
    revenue_cents: int = 0
    short_lines: int = 0
    short_cents: int = 0           # not taken because of the short lines
    vouchers_spent_cents: int = 0
    sms_sent: int = 0
    sms_segments: int = 0
    sms_failed: int = 0            # failed or undelivered: did not reach the phone
    sms_cost_cents: int = 0        # sms_segments x the segment's price
    # Not added up: a shopper of two shops is one shopper of the town (set apart).
    shoppers: int = 0
    returning_shoppers: int = 0

    @property
    def orders(self) -> int:
        return sum(self.by_status.values())

    @property
    def pickups(self) -> int:
        return self.by_status[COLLECTED]

    @property
    def no_shows(self) -> int:
        return self.by_status[NO_SHOW]

    @property
    def returning_share(self) -> float | None:
        """Percent of the period's shoppers who had ordered before it (None: nobody)."""
        return (round(100 * self.returning_shoppers / self.shoppers, 1)
                if self.shoppers else None)

    def add(self, other: "ShopFigures") -> None:
        for status, n in other.by_status.items():
            self.by_status[status] += n
        for name in ADDED_UP:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Figures:
    period: Period
    shops: list[ShopFigures]
    total: ShopFigures
    # hours[weekday][hour]: orders placed, weekday 0 = Monday, town time
    hours: list[list[int]]
    # The association's own SMS (campaigns); counted in total, in no shop.
    association: ShopFigures = field(default_factory=lambda: ShopFigures(None, ""))
    vouchers_sold: int = 0
    vouchers_sold_cents: int = 0  # face value
    vouchers_paid_cents: int = 0  # what the buyers paid the association
    segment_price_cents: int = 0

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


def _between(column, period: Period):
    return (column >= period.start, column <= period.end)


def period_figures(period: Period, segment_price_cents: int | None = None) -> Figures:
    """The period's figures from the aggregates. `segment_price_cents`: an SMS segment's
    price (default: the COMPTOIR_SMS_SEGMENT_PRICE_CENTS setting)."""
    if segment_price_cents is None:
        segment_price_cents = current_app.config["SMS_SEGMENT_PRICE_CENTS"]
    shops = {shop_id: ShopFigures(shop_id, name, slug) for shop_id, name, slug in
             db.session.execute(sa.select(Shop.id, Shop.name, Shop.slug)
                                .order_by(Shop.name, Shop.id))}
    columns = [getattr(DailyShopFigure, name) for name in (*ORDER_STATES, *SHOP_EXTRAS)]
    for shop_id, revenue, *sums in db.session.execute(
            sa.select(DailyShopFigure.shop_id, sa.func.sum(DailyShopFigure.revenue_cents),
                      *(sa.func.sum(column) for column in columns))
            .where(*_between(DailyShopFigure.day, period))
            .group_by(DailyShopFigure.shop_id)):
        row = shops[shop_id]
        for state, n in zip(ORDER_STATES, sums):
            row.by_status[state] += int(n)
        for name, n in zip(SHOP_EXTRAS, sums[len(ORDER_STATES):]):
            setattr(row, name, int(n))
        row.revenue_cents += int(revenue)
        row.sms_cost_cents = row.sms_segments * segment_price_cents
    town = db.session.execute(
        sa.select(*(sa.func.coalesce(sa.func.sum(getattr(DailyTownFigure, name)), 0)
                    for name in TOWN_COLUMNS))
        .where(*_between(DailyTownFigure.day, period))).one()
    sold, sold_cents, paid_cents, *association_sms = map(int, town)
    association = ShopFigures(None, _("Association"))
    association.sms_sent, association.sms_segments, association.sms_failed = association_sms
    association.sms_cost_cents = association.sms_segments * segment_price_cents
    total = ShopFigures(None, _("Total"))
    for row in (*shops.values(), association):
        total.add(row)
    _count_shoppers(period, shops, total)
    hours = [[0] * 24 for _weekday in range(7)]
    for day, hour, orders in db.session.execute(
            sa.select(DailyHourFigure.day, DailyHourFigure.hour, DailyHourFigure.orders)
            .where(*_between(DailyHourFigure.day, period))):
        hours[day.weekday()][hour] += orders
    return Figures(period, list(shops.values()), total, hours, association, sold, sold_cents,
                   paid_cents, segment_price_cents)


def _count_shoppers(period: Period, shops: dict[int, ShopFigures], town: ShopFigures):
    """Each shopper's first row of the period has no previous day, or one before the
    period: those rows are the period's shoppers, once each; with a previous day, they
    are returning. The same on the town's rows (town_first) for the town. Two filtered
    counts (COUNT of a column skips its NULLs) rather than one pass of CASEs: on SQLite,
    a year of 250 shops is read in about a third of the time."""
    in_period = _between(DailyShopper.day, period)
    for shop_id, shoppers, returning in db.session.execute(
            sa.select(DailyShopper.shop_id, sa.func.count(),
                      sa.func.count(DailyShopper.previous_day))
            .where(*in_period, sa.or_(DailyShopper.previous_day.is_(None),
                                      DailyShopper.previous_day < period.start))
            .group_by(DailyShopper.shop_id)):
        shops[shop_id].shoppers = shoppers
        shops[shop_id].returning_shoppers = returning
    town.shoppers, town.returning_shoppers = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(DailyShopper.previous_town_day))
        .where(*in_period, DailyShopper.town_first,
               sa.or_(DailyShopper.previous_town_day.is_(None),
                      DailyShopper.previous_town_day < period.start))).one()


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

    def before(self, row: ShopFigures) -> ShopFigures:
        """The same row in the period before: a shop's, the association's or the total."""
        if row is self.current.association:
            return self.previous.association
        return self.previous_of(row.shop_id)


def compare(period: Period, segment_price_cents: int | None = None) -> Comparison:
    return Comparison(period_figures(period, segment_price_cents),
                      period_figures(period.previous(), segment_price_cents))


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


# The tables added by issue 13, item 7: one row per shop (every shop), then the total.
SHORT_COLUMNS = ("shop", "short_lines", "short_cents", "previous_short_lines",
                 "previous_short_cents")
VOUCHER_COLUMNS = ("shop", "vouchers_spent_cents", "previous_vouchers_spent_cents")
SHOPPER_COLUMNS = ("shop", "shoppers", "returning_shoppers", "returning_share",
                   "previous_shoppers", "previous_returning_shoppers")
# The SMS: a row per shop, the association's, then the total.
SMS_COLUMNS = ("sender", "sms_sent", "sms_segments", "sms_failed", "sms_cost_cents",
               "previous_sms_sent", "previous_sms_cost_cents")
# The town's figures of the page's summary, one a row.
TOTAL_COLUMNS = ("figure", "period", "previous")


def _rows(comparison: Comparison, cells, with_association: bool = False) -> list[list]:
    current = comparison.current
    rows = [*current.shops, *([current.association] if with_association else []),
            current.total]
    return [[row.name, *cells(row, comparison.before(row))] for row in rows]


def short_table(comparison: Comparison) -> list[list]:
    return _rows(comparison, lambda row, before: (
        row.short_lines, row.short_cents, before.short_lines, before.short_cents))


def voucher_table(comparison: Comparison) -> list[list]:
    return _rows(comparison, lambda row, before: (
        row.vouchers_spent_cents, before.vouchers_spent_cents))


def shopper_table(comparison: Comparison) -> list[list]:
    return _rows(comparison, lambda row, before: (
        row.shoppers, row.returning_shoppers,
        "" if row.returning_share is None else row.returning_share,
        before.shoppers, before.returning_shoppers))


def sms_table(comparison: Comparison) -> list[list]:
    return _rows(comparison, lambda row, before: (
        row.sms_sent, row.sms_segments, row.sms_failed, row.sms_cost_cents, before.sms_sent,
        before.sms_cost_cents), with_association=True)


def totals_table(comparison: Comparison) -> list[list]:
    """The summary: codes in the first column (the figures' names in the API)."""
    def figures(f: Figures) -> dict:
        t = f.total
        return {"orders": t.orders, **t.by_status, "pickups": t.pickups,
                "no_shows": t.no_shows, "revenue_cents": t.revenue_cents,
                "evening_orders": f.evening_orders,
                "evening_share": "" if f.evening_share is None else f.evening_share,
                "vouchers_sold": f.vouchers_sold, "vouchers_sold_cents": f.vouchers_sold_cents,
                "vouchers_paid_cents": f.vouchers_paid_cents,
                "vouchers_spent_cents": t.vouchers_spent_cents, "short_lines": t.short_lines,
                "short_cents": t.short_cents, "shoppers": t.shoppers,
                "returning_shoppers": t.returning_shoppers,
                "returning_share": "" if t.returning_share is None else t.returning_share,
                "sms_sent": t.sms_sent, "sms_segments": t.sms_segments,
                "sms_failed": t.sms_failed, "sms_cost_cents": t.sms_cost_cents,
                "sms_segment_price_cents": f.segment_price_cents}
    now, before = figures(comparison.current), figures(comparison.previous)
    return [[name, value, before[name]] for name, value in now.items()]


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
