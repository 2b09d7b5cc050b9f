"""A year of a 250-shop town in the manager's figures: how long the page and its service
take, read from the daily aggregates, against a direct SQL sum of the same figures over the
raw orders.

    python bench/figures.py [--db sqlite|postgresql] [--shops 250] [--orders 3] [--rounds 5]

Builds a throw-away database (as bench/checkout.py does) and inserts, by fast direct
inserts, a year of orders up to Tue 2026-11-24: per shop and day `--orders` orders placed
at random hours (more in the evening), in every state (mostly collected, with their
confirmed lines, one in ten short of a unit), by 3,000 shoppers; two SMS per paid order
(1 or 2 segments, one in fifty failed or undelivered) and the association's campaigns;
about 15 vouchers sold a day, and one collected order in twenty paid by a voucher (its
ledger entry). Then:

  1. runs the sweep refresh_daily_figures over the 365 days (the rebuild after the
     upgrade), then the jobs' sweep of the last 45 days (what runs every sweep interval),
     and times both;
  2. times, `--rounds` times each (median): compare() for the year (the service: the year
     and the year before), GET /gestion/chiffres for the year (the page, signed in as the
     manager), and a direct SQL sum of the same figures over the raw orders (per shop and
     state: count and collected amount; per weekday and hour of placement; short lines,
     vouchers sold and spent, SMS, shoppers and returning shoppers per shop and for the
     town), for the same two periods;
  3. checks that the service and the direct sum agree, and prints the three timings and
     the ratios (target: the page under 500 ms).
"""
import argparse
import logging
import random
import secrets
import statistics
import sys
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.checkout import temporary_database  # noqa: E402

NOW = datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)  # a Tuesday, 08:00 in Paris
TZ = ZoneInfo("Europe/Paris")
PASSWORD = "bench-pass-12345"
STATES_WEIGHTS = {"collected": 70, "cancelled": 8, "no_show": 5, "expired": 7, "placed": 3,
                  "confirmed": 3, "ready": 2, "pending_payment": 2}
HOURS = list(range(7, 23))
HOUR_WEIGHTS = [2, 4, 6, 6, 7, 5, 4, 4, 5, 6, 7, 6, 5, 6, 5, 3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--shops", type=int, default=250)
    parser.add_argument("--orders", type=int, default=3, help="orders per shop and day")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with temporary_database(args.db) as uri:
        run(uri, args)


def run(uri: str, args) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True,
                      "SECRET_KEY": secrets.token_hex(32), "WTF_CSRF_ENABLED": False})
    app.extensions["comptoir.clock"] = lambda: NOW
    logging.disable(logging.INFO)
    with app.app_context():
        upgrade(revision="heads")
        started = time.perf_counter()
        orders = build_year(args.shops, args.orders)
        build = time.perf_counter() - started
        from app.figures.services import refresh_daily_figures
        started = time.perf_counter()
        refresh_daily_figures(NOW, days=365)
        sweep = time.perf_counter() - started
        recent = statistics.median(
            timed_once(lambda: refresh_daily_figures(NOW, days=45)) for _ in range(3))
        touch_recent_orders()
        incremental = statistics.median(
            timed_once(lambda: refresh_daily_figures(NOW + timedelta(seconds=30)))
            for _ in range(3))
        touched = refresh_daily_figures(NOW + timedelta(seconds=30))
        report(app, args, orders, build, sweep, (recent, incremental, touched))
        db.session.remove()
        db.engine.dispose()


def timed_once(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def touch_recent_orders() -> None:
    """What half an hour of the town leaves for the jobs' next sweep: 300 orders of the
    last three days moved on 20 minutes ago (an event each)."""
    import sqlalchemy as sa

    from app.database import unit_of_work
    from app.extensions import db
    from app.orders.models import Order, OrderEvent

    since = NOW - timedelta(days=3)
    ids = list(db.session.scalars(sa.select(Order.id).where(Order.created_at >= since)
                                  .order_by(Order.id).limit(300)))
    with unit_of_work():
        db.session.execute(sa.insert(OrderEvent), [
            {"order_id": i, "type": "ready", "from_status": "confirmed", "to_status": "ready",
             "actor": "bench", "at": NOW - timedelta(minutes=20)} for i in ids])


def build_year(shop_count: int, per_day: int) -> int:
    import sqlalchemy as sa

    from app.accounts.services import create_user
    from app.catalog.models import Product
    from app.database import unit_of_work
    from app.extensions import db
    from app.ledger.models import SHARE, LedgerEntry
    from app.notify.models import SmsMessage
    from app.orders.models import Checkout, Customer, Order, OrderLine
    from app.shops.models import Shop
    from app.vouchers.models import Voucher, VoucherSale

    create_user(email="gestion@bench.fr", password=PASSWORD, role="manager")
    with unit_of_work():
        db.session.execute(sa.insert(Shop), [
            {"slug": f"boutique-{i}", "name": f"Boutique {i:03d}", "address": "Le Puy"}
            for i in range(shop_count)])
    shop_ids = list(db.session.scalars(sa.select(Shop.id).order_by(Shop.id)))
    with unit_of_work():
        db.session.execute(sa.insert(Product), [
            {"shop_id": s, "name": "Pain", "price_cents": 250, "on_hand": 100, "active": True,
             "search_text": "pain"} for s in shop_ids])
        db.session.execute(sa.insert(Customer), [
            {"id": i + 1, "phone": f"+336{i:08d}", "name": f"Client {i}"} for i in range(3000)])
    product_of = dict(db.session.execute(sa.select(Product.shop_id, Product.id)).all())
    rng = random.Random(13)
    states, weights = list(STATES_WEIGHTS), list(STATES_WEIGHTS.values())
    first = (NOW.astimezone(TZ).date() - timedelta(days=364))
    checkouts, orders, lines, next_id = [], [], [], 1
    messages, ledger, vouchers, sales = [], [], [], []
    for offset in range(365):
        day = first + timedelta(days=offset)
        for shop_id in shop_ids:
            for _n in range(per_day):
                hour = rng.choices(HOURS, HOUR_WEIGHTS)[0]
                placed = datetime.combine(day, dtime(hour, rng.randrange(60)), TZ) \
                    .astimezone(timezone.utc)
                if placed > NOW:
                    continue
                status = rng.choices(states, weights)[0]
                qty = rng.randint(1, 4)
                customer = rng.randrange(3000) + 1
                slot = placed + timedelta(hours=20)
                checkouts.append({"id": next_id, "customer_id": customer, "status": "placed",
                                  "total_cents": qty * 250, "hold_expires_at": placed,
                                  "payment_provider": "offline", "created_at": placed})
                orders.append({"id": next_id, "checkout_id": next_id, "shop_id": shop_id,
                               "customer_id": customer, "status": status, "slot_start": slot,
                               "slot_end": slot + timedelta(minutes=15),
                               "total_cents": qty * 250, "tracking_token": f"t{next_id}",
                               "created_at": placed})
                lines.append({"order_id": next_id, "product_id": product_of[shop_id],
                              "name": "Pain", "unit_price_cents": 250, "quantity": qty,
                              "confirmed_quantity": (qty - (rng.random() < .1))
                              if status == "collected" else None})
                if status not in ("pending_payment", "expired"):
                    for kind, minutes in (("placed", 1), ("ready", 300)):
                        sent = placed + timedelta(minutes=minutes)
                        if sent > NOW:
                            continue
                        fate = rng.choices(("delivered", "sent", "undelivered", "failed"),
                                           (80, 18, 1, 1))[0]
                        messages.append({
                            "to": f"+336{customer:08d}", "body": "x", "kind": kind,
                            "order_id": next_id, "shop_id": shop_id,
                            "segments": rng.choice((1, 1, 2)),
                            "dedupe_key": f"{kind}:{next_id}", "status": fate,
                            "send_after": sent, "created_at": sent, "attempts": 1,
                            "sent_at": None if fate == "failed" else sent, "status_at": sent})
                if status == "collected" and rng.random() < .05:
                    ledger.append({"shop_id": shop_id, "order_id": next_id,
                                   "source": f"voucher:{next_id}", "kind": SHARE,
                                   "amount_cents": 250, "rate_bps": 0, "at": slot})
                next_id += 1
        for n in range(15):
            sold = datetime.combine(day, dtime(10, n), TZ).astimezone(timezone.utc)
            if sold > NOW:
                continue
            vouchers.append({"id": len(vouchers) + 1, "code": f"B{len(vouchers):015d}",
                             "batch": "bench", "amount_cents": 2000, "available_cents": 2000,
                             "expires_on": date(2027, 12, 31), "issued_by": "bench",
                             "issued_at": sold, "sold_at": sold})
            sales.append({"voucher_id": len(vouchers), "buyer_name": "Mairie",
                          "paid_cents": 2000 - 100 * (n % 2), "method": "cheque",
                          "sold_by": "bench", "sold_at": sold})
        if day.weekday() == 2:  # the association's campaign, on Wednesdays
            for n in range(200):
                sent = datetime.combine(day, dtime(11), TZ).astimezone(timezone.utc)
                if sent <= NOW:
                    messages.append({
                        "to": f"+336{n:08d}", "body": "x", "kind": "promo", "order_id": None,
                        "shop_id": None, "segments": 2, "dedupe_key": f"promo:{day}:{n}",
                        "status": "delivered", "send_after": sent, "created_at": sent,
                        "attempts": 1, "sent_at": sent, "status_at": sent})
    chunk = 20000
    for model, rows in ((Checkout, checkouts), (Order, orders), (OrderLine, lines),
                        (SmsMessage, messages), (LedgerEntry, ledger), (Voucher, vouchers),
                        (VoucherSale, sales)):
        for start in range(0, len(rows), chunk):
            with unit_of_work():
                db.session.execute(sa.insert(model), rows[start:start + chunk])
    return len(orders)


def direct_sum(start: date, end: date):
    """The same figures straight from the orders: per shop and state, count and the
    collected orders' confirmed amount; orders per weekday and hour of placement."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.orders.models import Order, OrderLine
    from app.timeutil import day_bounds

    since, until = day_bounds(start)[0], day_bounds(end)[1]
    confirmed = (sa.select(sa.func.coalesce(sa.func.sum(
        sa.func.coalesce(OrderLine.confirmed_quantity, 0) * OrderLine.unit_price_cents), 0))
        .where(OrderLine.order_id == Order.id).scalar_subquery())
    per_shop = db.session.execute(
        sa.select(Order.shop_id, Order.status, sa.func.count(), sa.func.sum(
            sa.case((Order.status == "collected", confirmed), else_=0)))
        .where(Order.created_at >= since, Order.created_at < until)
        .group_by(Order.shop_id, Order.status)).all()
    hours = [[0] * 24 for _ in range(7)]
    for (placed,) in db.session.execute(sa.select(Order.created_at).where(
            Order.created_at >= since, Order.created_at < until)):
        local = placed.astimezone(TZ)
        hours[local.weekday()][local.hour] += 1
    return per_shop, hours, direct_more(since, until)


def direct_more(since: datetime, until: datetime) -> dict:
    """Issue 13, item 7, straight from the orders, lines, ledger, vouchers and outbox:
    {figure: {shop id (None: the association, or the town): value}}."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.ledger.models import LedgerEntry
    from app.notify.models import SmsMessage
    from app.orders.models import NEVER_PAID, Order, OrderLine
    from app.vouchers.models import Voucher, VoucherSale

    placed = (Order.created_at >= since, Order.created_at < until)
    figures = {}
    short = db.session.execute(
        sa.select(Order.shop_id, sa.func.count(), sa.func.sum(
            (OrderLine.quantity - OrderLine.confirmed_quantity) * OrderLine.unit_price_cents))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(*placed, OrderLine.confirmed_quantity < OrderLine.quantity)
        .group_by(Order.shop_id)).all()
    figures["short_lines"] = {shop: n for shop, n, _c in short}
    figures["short_cents"] = {shop: int(c) for shop, _n, c in short}
    figures["vouchers_spent_cents"] = dict(db.session.execute(
        sa.select(LedgerEntry.shop_id, sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.at >= since, LedgerEntry.at < until,
               LedgerEntry.kind.in_(("share", "commission")),
               LedgerEntry.source.like("voucher:%")).group_by(LedgerEntry.shop_id)).all())
    figures["vouchers_sold"] = tuple(int(x or 0) for x in db.session.execute(
        sa.select(sa.func.count(), sa.func.sum(Voucher.amount_cents),
                  sa.func.sum(VoucherSale.paid_cents))
        .join(Voucher, Voucher.id == VoucherSale.voucher_id)
        .where(VoucherSale.sold_at >= since, VoucherSale.sold_at < until)).one())
    at = sa.func.coalesce(SmsMessage.sent_at, SmsMessage.created_at)
    sms = db.session.execute(
        sa.select(SmsMessage.shop_id, sa.func.count(), sa.func.sum(SmsMessage.segments),
                  sa.func.sum(sa.case((SmsMessage.status.in_(("failed", "undelivered")), 1),
                                      else_=0)))
        .where(SmsMessage.status.in_(("sent", "delivered", "undelivered", "failed")),
               at >= since, at < until).group_by(SmsMessage.shop_id)).all()
    figures["sms"] = {shop: (n, int(seg), int(failed)) for shop, n, seg, failed in sms}
    paid = Order.status.not_in(NEVER_PAID)
    for key, columns in (("shoppers", (Order.shop_id, Order.customer_id)),
                         ("town_shoppers", (Order.customer_id,))):
        firsts = (sa.select(*columns, sa.func.min(Order.created_at).label("first"))
                  .where(paid).group_by(*columns).subquery())
        active = sa.select(*columns).where(paid, *placed).distinct().subquery()
        joined = sa.and_(*(firsts.c[c.key] == active.c[c.key] for c in columns))
        returning = sa.func.sum(sa.case((firsts.c.first < since, 1), else_=0))
        group = [active.c.shop_id] if len(columns) == 2 else []
        rows = db.session.execute(
            sa.select(*group, sa.func.count(), returning)
            .select_from(active.join(firsts, joined)).group_by(*group)).all()
        figures[key] = {(row[0] if group else None): (row[-2], int(row[-1] or 0))
                        for row in rows}
    return figures


def timed(rounds: int, fn) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def check_more(current, more: dict) -> None:
    """The added figures: the service against the direct SQL, shop by shop."""
    def of(name):
        return {row.shop_id: getattr(row, name) for row in current.shops if getattr(row, name)}

    for name in ("short_lines", "short_cents", "vouchers_spent_cents"):
        assert of(name) == {s: v for s, v in more[name].items() if v}, f"{name} differ"
    assert (current.vouchers_sold, current.vouchers_sold_cents,
            current.vouchers_paid_cents) == more["vouchers_sold"], "vouchers sold differ"
    sms = {row.shop_id: (row.sms_sent, row.sms_segments, row.sms_failed)
           for row in current.shops if row.sms_sent}
    association = current.association
    sms[None] = (association.sms_sent, association.sms_segments, association.sms_failed)
    assert sms == more["sms"], "SMS differ"
    assert {row.shop_id: (row.shoppers, row.returning_shoppers) for row in current.shops
            if row.shoppers} == more["shoppers"], "shoppers differ"
    assert {None: (current.total.shoppers, current.total.returning_shoppers)} \
        == more["town_shoppers"], "town shoppers differ"


def report(app, args, orders: int, build: float, sweep: float, sweeps: tuple) -> None:
    from app.extensions import db
    from app.figures.services import Period, compare

    end = NOW.astimezone(TZ).date()
    period = Period(end - timedelta(days=364), end)
    before = period.previous()
    service_ms, comparison = timed(args.rounds, lambda: (db.session.expire_all(),
                                                         compare(period))[1])
    client = app.test_client()
    client.post("/connexion", data={"email": "gestion@bench.fr", "password": PASSWORD})
    url = f"/gestion/chiffres?from={period.start}&to={period.end}"
    assert client.get(url).status_code == 200, "the manager could not open the page"
    page_ms, response = timed(args.rounds, lambda: client.get(url))
    size = len(response.get_data())
    sql_ms, (per_shop, hours, more) = timed(args.rounds, lambda: (
        direct_sum(period.start, period.end), direct_sum(before.start, before.end))[0])
    current = comparison.current
    by_state = {(row.shop_id, s): n for row in current.shops
                for s, n in row.by_status.items() if n}
    assert by_state == {(s, st): n for s, st, n, _c in per_shop}, "counts differ"
    assert current.total.revenue_cents == sum(c or 0 for *_x, c in per_shop), "revenue differs"
    assert current.hours == hours, "hours differ"
    check_more(current, more)
    # A shorter period, where shoppers return from the months before: agree too.
    month = Period(end - timedelta(days=29), end)
    _c, _h, month_more = direct_sum(month.start, month.end)
    month_figures = compare(month).current
    check_more(month_figures, month_more)

    print(f"database: {args.db}, {args.shops} shops, {orders} orders over 365 days "
          f"(built in {build:.1f} s)")
    recent, incremental, touched = sweeps
    print(f"sweeps (median of 3): the rebuild over the year {sweep:.1f} s (once, after the "
          f"upgrade); the last 45 days {recent:.2f} s (a town day's first sweep); the days "
          f"touched since the last sweep ({touched} here) {incremental:.2f} s (every sweep)")
    print(f"year {period.start} .. {period.end} vs the year before, median of {args.rounds}:")
    print(f"  service compare():            {service_ms:8.1f} ms")
    print(f"  page GET /gestion/chiffres:    {page_ms:8.1f} ms ({size // 1024} KiB)")
    print(f"  direct SQL over raw orders:    {sql_ms:8.1f} ms")
    print(f"  {current.total.orders} orders, revenue {current.total.revenue_cents} cents, "
          f"evening share {current.evening_share} %, {current.total.short_lines} short "
          f"lines, {current.vouchers_sold} vouchers sold, {current.total.sms_sent} SMS "
          f"({current.total.sms_cost_cents} cents), {current.total.shoppers} shoppers of whom "
          f"{current.total.returning_shoppers} returning: service and direct sum agree "
          f"(and over the last 30 days: {month_figures.total.returning_shoppers} of "
          f"{month_figures.total.shoppers} shoppers returning)")
    print(f"ratio service/sql: {service_ms / sql_ms:.2f}; page/sql: {page_ms / sql_ms:.2f}; "
          f"page {'under' if page_ms < 500 else 'OVER'} 500 ms")


if __name__ == "__main__":
    main()
