"""A 30-shop town's full day and month in the payout statements, and how long a month's
statement takes to build.

    python bench/statements.py [--db sqlite|postgresql] [--orders 25] [--shops 30]

Builds a throw-away database (as bench/checkout.py does), then:

  1. one full day (Tue 2026-11-24) THROUGH THE SERVICES: per shop `--orders` checkouts
     (a third of them also buy at a second shop), paid, confirmed (one line in ten short),
     collected, captured by process_settlements (which writes the ledger), and one order
     in thirty partly refunded with refund_order;
  2. the rest of November by FAST DIRECT INSERTS of equivalent rows: that day's ledger
     entries copied to each other day of the month (same orders, same amounts, their own
     sources), i.e. what 30 such days would have recorded;
  3. times build_statements for the month (with and without the lines), the CSV and the
     SEPA file, and prints the day's statement per shop.
"""
import argparse
import logging
import random
import secrets
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.checkout import temporary_database  # noqa: E402

NOW = datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)  # a Tuesday, 08:00 in Paris
IBAN = "FR7630006000011234567890189"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--shops", type=int, default=30)
    parser.add_argument("--orders", type=int, default=25, help="checkouts per shop and day")
    args = parser.parse_args()
    with temporary_database(args.db) as uri:
        run(uri, args)


def run(uri: str, args) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": secrets.token_hex(32),
                      "ASSOCIATION_NAME": "Association des commercants",
                      "ASSOCIATION_IBAN": "FR7630004000031234567890143",
                      "ASSOCIATION_BIC": "BNPAFRPP"})
    logging.disable(logging.INFO)
    with app.app_context():
        upgrade(revision="heads")
        started = time.perf_counter()
        orders = one_day(app, args.shops, args.orders)
        day_seconds = time.perf_counter() - started
        started = time.perf_counter()
        copied = rest_of_month()
        copy_seconds = time.perf_counter() - started
        report(args, orders, day_seconds, copied, copy_seconds)
        db.session.remove()
        db.engine.dispose()


def one_day(app, shop_count: int, per_shop: int) -> int:
    import sqlalchemy as sa

    from app.catalog.models import Product
    from app.database import unit_of_work
    from app.catalog.search import search_text_for
    from app.errors import DomainError
    from app.extensions import db
    from app.ledger.refunds import refund_order
    from app.ledger.services import set_bank_details
    from app.orders import services as orders
    from app.orders.requests import parse_checkout
    from app.pickup.services import next_bookable_slots
    from app.shops.services import create_shop
    from app.timeutil import iso

    rng = random.Random(2026)
    payments = app.extensions["comptoir.payments"]
    shops = []
    for i in range(shop_count):
        shop = create_shop(slug=f"boutique-{i:02d}", name=f"Boutique {i:02d}",
                           seats_per_slot=100, commission_bps=rng.choice((300, 500, 800)))
        if i % 10 != 9:  # one shop in ten has not given its IBAN yet
            set_bank_details(shop.slug, iban=IBAN, bic="AGRIFRPP", account_holder=shop.name)
        products = [Product(shop_id=shop.id, name=f"Article {j}", price_cents=rng.randint(90, 4500),
                            on_hand=100_000, active=True, search_text=search_text_for(f"Article {j}"))
                    for j in range(8)]
        db.session.add_all(products)
        db.session.commit()
        slots = [s.start for s in next_bookable_slots(shop, NOW, days=1)[0][1]]
        shops.append((shop.slug, [p.id for p in products], slots))  # plain values: sessions come and go

    count = 0
    for i in range(shop_count * per_shop):
        picked = [shops[i % shop_count]]
        if rng.random() < 1 / 3:
            picked.append(shops[(i + 1 + rng.randrange(shop_count - 1)) % shop_count])
        payload = {"customer": {"name": "Client", "phone": f"06{i:08d}"[:10]}, "orders": [
            {"shop": slug, "slot": iso(rng.choice(slots)),
             "lines": [{"product_id": product_id, "quantity": rng.randint(1, 3)}
                       for product_id in rng.sample(products, rng.randint(1, 3))]}
            for slug, products, slots in picked]}
        checkout = orders.create_checkout(parse_checkout(payload), now=NOW, provider=payments,
                                          payload=payload).checkout
        orders.pay_checkout(checkout.id, "test_ok", now=NOW, provider=payments)
        plan = [(order.id, order.shop_id,
                 [(line.id, line.quantity - 1 if rng.random() < 0.1 else line.quantity)
                  for line in order.lines]) for order in checkout.orders]
        for order_id, shop_id, confirmed in plan:
            done = orders.confirm_lines(order_id, shop_id, confirmed, now=NOW,
                                        provider=payments)
            if done.status == "confirmed":
                orders.collect(order_id, shop_id, now=NOW, provider=payments)
                count += 1
        # A short line marks its product sold out; the shop restocks it for the next shopper.
        with unit_of_work():
            db.session.execute(sa.update(Product).where(Product.stock < 1000)
                               .values(on_hand=Product.held + 100_000))
        for order_id, _shop_id, _confirmed in plan:
            if rng.random() < 1 / 30:
                try:
                    refund_order(order_id, actor="bench", reason="geste", now=NOW,
                                 provider=payments, amount_cents=100)
                except DomainError:
                    pass  # that order was cancelled (every line short)
        db.session.remove()
    return count


def rest_of_month() -> int:
    """The day's entries, copied to every other day of November (their own sources)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.ledger.models import LedgerEntry

    rows = db.session.execute(sa.select(LedgerEntry.shop_id, LedgerEntry.order_id,
                                        LedgerEntry.source, LedgerEntry.kind,
                                        LedgerEntry.amount_cents, LedgerEntry.rate_bps,
                                        LedgerEntry.at)).all()
    copied = 0
    for day in range(1, 31):
        shift = timedelta(days=day - 24)
        if not shift:
            continue
        db.session.execute(sa.insert(LedgerEntry), [
            {"shop_id": r.shop_id, "order_id": r.order_id, "source": f"{r.source}@{day}",
             "kind": r.kind, "amount_cents": r.amount_cents, "rate_bps": r.rate_bps,
             "at": r.at + shift} for r in rows])
        copied += len(rows)
    db.session.commit()
    return copied


def timed(fn, repeat=3):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        spent = time.perf_counter() - started
        best = spent if best is None else min(best, spent)
    return result, best


def report(args, orders, day_seconds, copied, copy_seconds) -> None:
    from flask import current_app

    from app.extensions import db
    from app.ledger.sepa import credit_transfer_xml, debtor_from_config
    from app.ledger.statements import Period, build_statements, parse_period, statements_csv
    from app.money import euros
    from app.timeutil import day_bounds

    start, end = day_bounds(NOW.date())
    day = build_statements(Period("2026-11-24", NOW.date(), start, end))
    print(f"database: {args.db}; {args.shops} shops, {args.shops * args.orders} checkouts, "
          f"{orders} collected orders in one day through the services ({day_seconds:.1f} s)")
    print("The day in the statements (Tue 24 Nov 2026):")
    print(f"  {'shop':<13}{'sales':>6}{'gross':>13}{'refunds':>11}{'commission':>12}"
          f"{'net':>13}  payable")
    for s in day.shops:
        sales = sum(1 for line in s.lines if not line.is_refund)
        print(f"  {s.shop.slug:<13}{sales:>6}{euros(s.gross_cents):>13}"
              f"{euros(s.refunds_cents):>11}{euros(s.commission_cents):>12}"
              f"{euros(s.net_cents):>13}  {'yes' if s.payable else 'no: ' + s.bank_problem}")
    print(f"  {'TOTAL':<13}{sum(1 for s in day.shops for l in s.lines if not l.is_refund):>6}"
          f"{euros(day.total('gross_cents')):>13}{euros(day.total('refunds_cents')):>11}"
          f"{euros(day.total('commission_cents')):>12}{euros(day.total('net_cents')):>13}")
    print(f"Month: {copied} ledger entries copied to the other 29 days ({copy_seconds:.1f} s)")
    period = parse_period("2026-11")
    db.session.remove()
    month, with_lines = timed(lambda: build_statements(period))
    _totals, without = timed(lambda: build_statements(period, with_lines=False))
    _csv, csv_time = timed(lambda: statements_csv(month))
    xml, sepa_time = timed(lambda: credit_transfer_xml(
        month, debtor_from_config(current_app.config), now=NOW))
    lines = sum(len(s.lines) for s in month.shops)
    print(f"Month 2026-11: gross {euros(month.total('gross_cents'))}, refunds "
          f"{euros(month.total('refunds_cents'))}, commission "
          f"{euros(month.total('commission_cents'))}, net owed {euros(month.total('net_cents'))}; "
          f"{len(month.payable)} transfers, {len(month.not_payable)} shops not payable")
    print(f"build month statement with {lines} lines: {with_lines * 1000:.0f} ms; "
          f"totals only: {without * 1000:.0f} ms; CSV {csv_time * 1000:.1f} ms; "
          f"SEPA file ({len(xml)} bytes) {sepa_time * 1000:.1f} ms")


if __name__ == "__main__":
    main()
