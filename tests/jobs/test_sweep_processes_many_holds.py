"""Three `flask --app wsgi jobs run-once` at once over more than a thousand baskets left
unpaid in several shops, as at the evening's rush, while shoppers keep checking out over
the same products and slots: before the one lock order (app/database.py) two processes of
three died with DeadlockDetected. Now every process ends well, every hold is released
once, and stock and seats come back to the unit.

One run pages through every hold due (sweeps.BATCH at a time), so the first run of the
three releases them all; a second run sends what the shoppers' payments queued meanwhile."""
import os
import random
import re
import secrets
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from time import monotonic
from typing import NamedTuple

import pytest
import sqlalchemy as sa

from app.catalog.models import Product
from app.errors import DomainError
from app.extensions import db
from app.notify.models import SmsMessage
from app.orders import services as orders
from app.orders.models import (CHECKOUT_EXPIRED, EXPIRED, Checkout, Order, OrderEvent,
                               OrderLine)
from app.orders.requests import parse_checkout
from app.pickup.models import SlotSeats
from app.timeutil import iso, parse_instant
from tests.conftest import PG_ADMIN_URL
from tests.factories import make_product, make_shop

# Processes at work for tens of seconds: started first (tests/conftest.py).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HOLDS = 1_000  # the issue saw the deadlocks over 1,181 and asks for 1,000 or more
PROCESSES = 3
SHOPPERS = 2  # threads checking out in this process while the first sweeps run
BASKETS = 100  # each, at most: enough to overlap the sweeps, not to slow them all along
MADE_AT = parse_instant("2026-11-24T09:00:00+01:00")  # Tuesday; holds last 15 minutes
RUN_AT = "2026-11-24T10:00:00+01:00"  # every hold made at 09:00 has run out
FIRST_SLOT = parse_instant("2026-11-25T10:00:00+01:00")
SLOTS = [FIRST_SLOT + timedelta(minutes=15 * k) for k in range(20)]  # Wednesday 10:00-14:45
ON_HAND = 100_000


def phone(i: int) -> str:
    return f"06 12 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"


class Shop(NamedTuple):
    """What a basket needs of a shop, as plain values that any thread may read."""
    id: int
    slug: str
    products: tuple[int, ...]


def given_a_town() -> list[Shop]:
    """Four shops of three products each; a slot takes up to 100 orders per shop."""
    town = []
    for s in range(4):
        shop = make_shop(f"boutique-{s}", f"Boutique {s}", seats_per_slot=100)
        products = [make_product(shop, f"Produit {s}.{p}", 100 + p, stock=ON_HAND)
                    for p in range(3)]
        town.append(Shop(shop.id, shop.slug, tuple(p.id for p in products)))
    return town


def a_basket(town: list[Shop], i: int, rng: random.Random) -> dict:
    """Two or three shops, in a shuffled order, each with one to three of its products in
    a shuffled order, all for one slot: baskets share products and seats every which way."""
    slot = SLOTS[i % len(SLOTS)]
    return {"customer": {"name": "Client du soir", "phone": phone(i)},
            "orders": [{"shop": shop.slug, "slot": iso(slot),
                        "lines": [{"product_id": product_id, "quantity": rng.randint(1, 3)}
                                  for product_id in rng.sample(shop.products, rng.randint(1, 3))]}
                       for shop in rng.sample(town, 2 + i % 2)]}


def held_by(body: dict, town: list[Shop]) -> tuple[Counter, Counter]:
    """What a basket holds: units per product id, seats per (shop id, slot start)."""
    shop_ids = {shop.slug: shop.id for shop in town}
    units, seats = Counter(), Counter()
    for order in body["orders"]:
        seats[shop_ids[order["shop"]], parse_instant(order["slot"])] += 1
        for line in order["lines"]:
            units[line["product_id"]] += line["quantity"]
    return units, seats


def hold(body: dict, payments, now) -> int:
    return orders.create_checkout(parse_checkout(body), now=now, provider=payments).checkout_id


class Shoppers:
    """Threads that check out and pay over the same products and slots until stopped (or
    BASKETS each), each on its own app context and connection. A refusal or a crash is
    recorded: the shoppers of the issue got a 500 when their checkout was a deadlock's
    victim."""

    def __init__(self, app, town, payments, count: int):
        self.app, self.town, self.payments = app, town, payments
        self.stop = threading.Event()
        self.held, self.failures = [], []  # (units, seats) of each hold made; what failed
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(count)]

    def run(self, n: int) -> None:
        rng = random.Random(1000 + n)
        now = parse_instant(RUN_AT)
        i = 100_000 * (n + 1)
        with self.app.app_context():
            for _ in range(BASKETS):
                if self.stop.is_set():
                    break
                body, i = a_basket(self.town, i, rng), i + 1
                try:
                    checkout_id = hold(body, self.payments, now)
                    self.held.append(held_by(body, self.town))
                    orders.pay_checkout(checkout_id, "test_ok", now=now, provider=self.payments)
                except DomainError as refused:
                    self.failures.append(("refused", refused.code, refused.field))
                except Exception as crash:  # a 500 in production
                    self.failures.append(("crash", repr(crash)))
                finally:
                    db.session.remove()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in self.threads), "a shopper hung"


def launch(database_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "COMPTOIR_TIMEZONE": "Europe/Paris",
           "COMPTOIR_SMS": "log", "COMPTOIR_PAYMENTS": "offline",
           "COMPTOIR_PUBLIC_URL": "http://comptoir.test", "PYTHONUNBUFFERED": "1",
           "SECRET_KEY": secrets.token_hex(32)}  # an operator's process: a real key
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run-once",
                             "--at", RUN_AT], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def run_at_once(url: str) -> tuple[list[int], list[str]]:
    """PROCESSES run-once at once; each must end well, without a deadlock even retried.
    Returns the holds each released and their stderr (the SMS they sent)."""
    processes = [launch(url) for _ in range(PROCESSES)]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err
        assert "deadlock" not in err.lower(), err
        assert not re.search(r"failed|Traceback", err), err  # an item or a sweep broke off
    reports = [dict(re.findall(r"^(\w+): (\d+)$", out, re.M)) for out, _ in outputs]
    return [int(report["release_expired_holds"]) for report in reports], \
        [err for _, err in outputs]


@pytest.mark.parametrize("database_uri", [pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_ADMIN_URL, reason="COMPTOIR_TEST_POSTGRES is unset: SQLite queues its writers and "
                             "cannot deadlock; the race needs PostgreSQL "
                             "(e.g. postgresql://postgres@127.0.0.1:5432/test)"))],
    indirect=True)
@pytest.mark.real_commits
def test_three_processes_release_a_thousand_multi_shop_holds_while_shoppers_check_out(
        app, payments):
    town = given_a_town()
    rng = random.Random(11)
    started = monotonic()
    expiring = [hold(a_basket(town, i, rng), payments, MADE_AT) for i in range(HOLDS)]
    built = monotonic() - started
    expiring_orders = count(sa.select(Order.id).where(Order.checkout_id.in_(expiring)))
    url = db.engine.url.render_as_string(hide_password=False)
    db.session.commit()  # the processes must see all of it, and no lock of ours may remain
    db.session.remove()

    started, runs, stderrs = monotonic(), [], []
    # The first run beside shoppers taking the same products and seats releases every hold;
    # the second one's flush sends what the shoppers' payments queued meanwhile.
    with Shoppers(app, town, payments, SHOPPERS) as shoppers:
        released, errs = run_at_once(url)
    runs.append((released, round(monotonic() - started, 1)))
    stderrs += errs
    released, errs = run_at_once(url)
    runs.append((released, round(monotonic() - started, 1)))
    stderrs += errs
    print(f"{HOLDS} holds ({expiring_orders} orders) built in {built:.1f} s; "
          f"released by {PROCESSES} processes at once, per run and seconds since the start: "
          f"{runs}; {len(shoppers.held)} checkouts made meanwhile")

    assert shoppers.failures == []
    assert len(shoppers.held) > 0  # they did check out while the sweeps ran
    # Every hold released once: by exactly one process, each order with one 'expired' event.
    assert sum(runs[0][0]) == HOLDS and sum(runs[1][0]) == 0, runs
    assert count(sa.select(Checkout.id).where(Checkout.id.in_(expiring),
                                              Checkout.status == CHECKOUT_EXPIRED)) == HOLDS
    assert count(sa.select(Order.id).where(Order.status == EXPIRED)) == expiring_orders
    events = Counter(db.session.scalars(sa.select(OrderEvent.order_id)
                                        .where(OrderEvent.type == EXPIRED)))
    assert len(events) == expiring_orders and set(events.values()) == {1}
    # Stock and seats exact: what the expired holds took is back, the shoppers' holds stay.
    units, seats = Counter(), Counter()
    for held_units, held_seats in shoppers.held:
        units.update(held_units)
        seats.update(held_seats)
    available = dict(db.session.execute(sa.select(Product.id, Product.stock)).all())
    assert available == {product_id: ON_HAND - units[product_id] for shop in town
                         for product_id in shop.products}
    taken = {(shop_id, start): n for shop_id, start, n in db.session.execute(
        sa.select(SlotSeats.shop_id, SlotSeats.slot_start, SlotSeats.taken)).all() if n}
    assert taken == dict(seats)
    assert db.session.scalar(sa.select(sa.func.sum(OrderLine.quantity)).join(Order)
                             .where(Order.status != EXPIRED)) == sum(units.values())
    # An expiry tells nobody; each shopper was told once that their order is placed, by
    # one process, though the sweeps were busy with the holds.
    assert count(sa.select(SmsMessage.id).join(Order, Order.id == SmsMessage.order_id)
                 .where(Order.status == EXPIRED)) == 0
    sent = Counter(int(i) for err in stderrs for i in re.findall(r"SMS #(\d+) to ", err))
    messages = dict(db.session.execute(sa.select(SmsMessage.id, SmsMessage.status)).all())
    assert sorted(sent) == sorted(messages) and set(sent.values()) == {1}
    assert set(messages.values()) == {"sent"}
    assert len(messages) == sum(sum(seats.values()) for _, seats in shoppers.held)  # per order
