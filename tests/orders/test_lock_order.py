"""One lock order for every writer (app/database.py, PRODUCTS, SEATS, VOUCHERS): the
deadlock that a hold running out and a new checkout (or two holds running out) used to
meet on PostgreSQL, forced by hand.

Before, releasing a hold gave stock back order by order with each order's seat in between
(bread, the bakery's seat, cheese, the cheese shop's seat) while hold_basket took every
product by id, then the seats. Writer A, the sweep expiring a two-shop checkout, is
stopped just before it gives back the one product it shares with writer B; B then runs
until it commits or waits on a lock, and A goes on. In the old order A held the bakery's
seat by then and B held the cheese: PostgreSQL killed one of them (40P01). In the one
order both commit. The second test runs the same interleaving with the unit's queued
writes in the order they were queued (the old order) and shows PostgreSQL's deadlock: the
order, not luck or timing, is what keeps them apart.

Each writer runs in its own thread and app context, so on its own session and connection;
threading.Event pauses them, and pg_stat_activity tells when B waits on a lock."""
import threading
import time

import psycopg
import pytest
import sqlalchemy as sa

from app.catalog import services as catalog
from app.catalog.models import Product
from app.database import UnitOfWork, is_deadlock
from app.extensions import db
from app.orders import services as orders
from app.orders.models import (CHECKOUT_EXPIRED, CHECKOUT_PENDING, EXPIRED, PENDING_PAYMENT,
                               Checkout, Order, OrderEvent)
from app.orders.requests import parse_checkout
from app.pickup.models import SlotSeats
from app.timeutil import parse_instant
from tests.conftest import PG_ADMIN_URL
from tests.factories import make_product, make_shop

pytestmark = [
    pytest.mark.parametrize("database_uri", [pytest.param("postgresql", marks=pytest.mark.skipif(
        not PG_ADMIN_URL, reason="COMPTOIR_TEST_POSTGRES is unset: SQLite has one writer at a "
                                 "time and cannot deadlock; the lock order needs PostgreSQL "
                                 "(e.g. postgresql://postgres@127.0.0.1:5432/test)"))],
        indirect=True),
    pytest.mark.real_commits,  # two connections, each committing what the other must see
]

SLOT = "2026-11-25T10:00:00+01:00"  # Wednesday 10:00, in both shops
MADE_AT = parse_instant("2026-11-24T09:00:00+01:00")  # Tuesday: holds last 15 minutes
RUNS_OUT = parse_instant("2026-11-24T09:30:00+01:00")
WAIT = 20  # seconds: far more than any step needs; a hang fails instead of blocking


def basket(lines_by_shop, phone):
    """A checkout over several shops, its orders in the order given (order ids follow it)."""
    body = {"customer": {"name": "Claire Dupont", "phone": phone},
            "orders": [{"shop": shop.slug, "slot": SLOT,
                        "lines": [{"product_id": p.id, "quantity": q} for p, q in lines]}
                       for shop, lines in lines_by_shop]}
    return parse_checkout(body)


def hold(lines_by_shop, payments, phone, now=MADE_AT) -> int:
    return orders.create_checkout(basket(lines_by_shop, phone), now=now,
                                  provider=payments).checkout_id


class Town:
    """A bakery (bread, croissants) and a cheese shop (cheese), 10 of each on the shelf."""

    def __init__(self):
        self.bakery = make_shop("boulangerie", "Boulangerie Martin")
        self.cheese_shop = make_shop("fromagerie", "Fromagerie du Puy")
        self.bread = make_product(self.bakery, "Baguette", 130, stock=10)
        self.croissant = make_product(self.bakery, "Croissant", 110, stock=10)
        self.cheese = make_product(self.cheese_shop, "Fourme d'Ambert", 690, stock=10)


def a_sweep_and_a_checkout(town, payments):
    """A: the sweep expires a checkout of bread (bakery) and cheese (cheese shop). B: a new
    checkout of croissants and cheese, for the same slot in both shops. The old order:
    A bread, bakery seat, [pause] cheese...; B croissant, cheese, bakery seat: a cycle."""
    expiring = hold([(town.bakery, [(town.bread, 2)]), (town.cheese_shop, [(town.cheese, 1)])],
                    payments, "06 12 34 56 01")
    new = {}
    writer_a = lambda: orders.expire_checkout(expiring, now=RUNS_OUT)  # noqa: E731

    def writer_b():
        new["id"] = hold([(town.bakery, [(town.croissant, 1)]),
                          (town.cheese_shop, [(town.cheese, 1)])],
                         payments, "06 12 34 56 02", now=RUNS_OUT)
    return writer_a, writer_b, expiring, new


def two_sweeps(town, payments):
    """A and B: two sweeps, each expiring a checkout of bread and cheese, made in opposite
    shop order (so B's cheese order has the lower id). The old order: A bread, bakery
    seat, [pause] cheese...; B cheese, cheese shop seat, bread: a cycle."""
    first = hold([(town.bakery, [(town.bread, 2)]), (town.cheese_shop, [(town.cheese, 1)])],
                 payments, "06 12 34 56 01")
    second = hold([(town.cheese_shop, [(town.cheese, 3)]), (town.bakery, [(town.bread, 1)])],
                  payments, "06 12 34 56 02")
    writer_a = lambda: orders.expire_checkout(first, now=RUNS_OUT)  # noqa: E731
    writer_b = lambda: orders.expire_checkout(second, now=RUNS_OUT)  # noqa: E731
    return writer_a, writer_b, first, second


def interleave(app, monkeypatch, town, writer_a, writer_b) -> tuple[dict, str]:
    """Run A until it is about to give back the cheese (the product both writers lock),
    then B until it ends or waits on a lock, then let A go on. Returns each writer's
    outcome ("committed" or the exception it raised) and what B did while A was paused
    ("finished" or "waited")."""
    a_paused, a_go, b_finished = threading.Event(), threading.Event(), threading.Event()
    outcomes = {}
    give_back = catalog.return_stock

    def return_stock_pausing(product_id, quantity):
        if threading.current_thread().name == "A" and product_id == town.cheese.id \
                and not a_paused.is_set():
            a_paused.set()
            assert a_go.wait(WAIT), "A was never let go"
        give_back(product_id, quantity)

    # The catalogue's handler looks the function up when an order changes state.
    monkeypatch.setattr(catalog, "return_stock", return_stock_pausing)

    def run(name, writer, finished=None):
        with app.app_context():
            try:
                writer()
                outcomes[name] = "committed"
            except Exception as error:  # the outcome the test asserts on
                outcomes[name] = error
            finally:
                db.session.remove()
                if finished is not None:
                    finished.set()

    threads = [threading.Thread(target=run, args=("A", writer_a), name="A"),
               threading.Thread(target=run, args=("B", writer_b, b_finished), name="B")]
    try:
        threads[0].start()
        assert a_paused.wait(WAIT) or "A" in outcomes, outcomes
        threads[1].start()
        b_did = b_state(b_finished)
    finally:
        a_go.set()
        for thread in threads:
            thread.join(WAIT * 2)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert a_paused.is_set(), outcomes  # A did reach the shared product while holding others
    db.session.expire_all()
    return outcomes, b_did


def b_state(finished: threading.Event) -> str:
    """"waited" once a backend of the test database waits on a lock (only B can: A is
    paused in Python), "finished" once B has ended."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    deadline = time.monotonic() + WAIT
    with psycopg.connect(url, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'").fetchone()[0]
            if waiting:
                return "waited"
            if finished.is_set():
                return "finished"
            time.sleep(0.02)
    raise AssertionError("B neither ended nor waited on a lock")


def available(product) -> int:
    return db.session.scalar(sa.select(Product.stock).where(Product.id == product.id))


def seats(shop) -> int:
    return db.session.scalar(sa.select(SlotSeats.taken).where(
        SlotSeats.shop_id == shop.id, SlotSeats.slot_start == parse_instant(SLOT)))


def states(checkout_id) -> tuple[str, list[str], list[int]]:
    """The checkout's status, its orders' statuses and how many 'expired' events each has."""
    checkout = db.session.get(Checkout, checkout_id)
    order_ids = [order.id for order in checkout.orders]
    expired_events = [db.session.scalar(sa.select(sa.func.count()).select_from(OrderEvent)
                                        .where(OrderEvent.order_id == order_id,
                                               OrderEvent.type == EXPIRED))
                      for order_id in order_ids]
    return (checkout.status, [db.session.get(Order, i).status for i in order_ids],
            expired_events)


@pytest.fixture
def town(app):
    town = Town()
    db.session.commit()  # the writers must see it, and no lock of ours may remain
    return town


def test_a_sweep_and_a_checkout_over_the_same_rows_both_commit(app, town, payments,
                                                               monkeypatch):
    writer_a, writer_b, expiring, new = a_sweep_and_a_checkout(town, payments)

    outcomes, b_did = interleave(app, monkeypatch, town, writer_a, writer_b)

    # A held the bread only: B took croissants, cheese and both seats, and committed first.
    assert (outcomes, b_did) == ({"A": "committed", "B": "committed"}, "finished")
    assert states(expiring) == (CHECKOUT_EXPIRED, [EXPIRED, EXPIRED], [1, 1])
    assert states(new["id"]) == (CHECKOUT_PENDING, [PENDING_PAYMENT, PENDING_PAYMENT], [0, 0])
    # A's hold is back on the shelf, B's is held: nothing lost, nothing given twice.
    assert (available(town.bread), available(town.croissant), available(town.cheese)) \
        == (10, 9, 9)
    assert (seats(town.bakery), seats(town.cheese_shop)) == (1, 1)


def test_two_sweeps_over_baskets_made_in_opposite_shop_order_both_commit(app, town, payments,
                                                                         monkeypatch):
    writer_a, writer_b, first, second = two_sweeps(town, payments)

    outcomes, b_did = interleave(app, monkeypatch, town, writer_a, writer_b)

    # B waited for the bread A held, and went on once A had committed.
    assert (outcomes, b_did) == ({"A": "committed", "B": "committed"}, "waited")
    assert states(first) == (CHECKOUT_EXPIRED, [EXPIRED, EXPIRED], [1, 1])
    assert states(second) == (CHECKOUT_EXPIRED, [EXPIRED, EXPIRED], [1, 1])
    assert (available(town.bread), available(town.cheese)) == (10, 10)
    assert (seats(town.bakery), seats(town.cheese_shop)) == (0, 0)


def run_in_the_order_queued(unit: UnitOfWork) -> None:
    """The old way: each order's stock, then its seat, then the next order's."""
    while unit._later:
        unit._later.pop(next(iter(unit._later)))()


@pytest.mark.parametrize("writers", [a_sweep_and_a_checkout, two_sweeps])
def test_without_the_lock_order_postgresql_deadlocks(app, town, payments, monkeypatch, writers):
    """The same interleaving with the queued writes unsorted: PostgreSQL finds the cycle
    and kills one writer (40P01); the other commits. This is what the tests above guard."""
    writer_a, writer_b, *_ = writers(town, payments)
    monkeypatch.setattr(UnitOfWork, "run_queued", run_in_the_order_queued)

    outcomes, b_did = interleave(app, monkeypatch, town, writer_a, writer_b)

    assert b_did == "waited"  # on the bakery's seat (or the bread) that A already held
    victims = [name for name, outcome in outcomes.items() if outcome != "committed"]
    assert len(victims) == 1, outcomes
    assert is_deadlock(outcomes[victims[0]]), outcomes
    assert "DeadlockDetected" in repr(outcomes[victims[0]])
