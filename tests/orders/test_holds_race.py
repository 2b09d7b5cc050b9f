"""Holds under concurrency: shoppers racing for the last units and the last seats.

Every checkout runs in its own thread with its own app context, hence its own session and
database connection, all released together by a barrier: on PostgreSQL they really run at
once, on SQLite the database queues the writers. Either way the database decides."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.catalog.models import Product
from app.errors import Conflict, DomainError
from app.extensions import db
from app.jobs.sweeps import run_once
from app.orders.models import Checkout, Customer, Order, OrderEvent, OrderLine
from app.orders.requests import parse_checkout
from app.orders.services import create_checkout
from app.pickup.models import SlotSeats
from app.pickup.services import bookable_slots
from app.timeutil import iso
from tests.factories import make_product, make_shop, stock_of


def payload(shop, slot, lines, phone):
    return {"customer": {"name": "Client pressé", "phone": phone},
            "orders": [{"shop": shop.slug, "slot": iso(slot),
                        "lines": [{"product_id": p.id, "quantity": q} for p, q in lines]}]}


def phone(i: int) -> str:
    return f"06 12 34 {i // 100:02d} {i % 100:02d}"


def race(app, attempts):
    """Run every attempt at the same moment, each on its own connection; returns one
    outcome per attempt: "ok", or the (code, field) of the refusal."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(i, attempt):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                attempt()
                outcomes[i] = "ok"
            except DomainError as refused:
                outcomes[i] = (refused.code, refused.field)
            except Exception as crash:  # a 500 in production: the test must show it
                outcomes[i] = ("crash", repr(crash))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a checkout hung"
    return outcomes


def checkout_attempt(body, now, payments):
    return lambda: create_checkout(parse_checkout(body), now=now, provider=payments)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def seats_taken(shop, start) -> int:
    return db.session.scalar(sa.select(SlotSeats.taken).where(
        SlotSeats.shop_id == shop.id, SlotSeats.slot_start == start)) or 0


def expire_all_holds(now, sms, payments):
    reports = {r.name: r.handled for r in run_once(now, sms=sms, payments=payments)}
    db.session.expire_all()
    return reports


@pytest.mark.real_commits
def test_24_shoppers_race_for_5_units_and_exactly_5_get_one(app, clock, payments, sms):
    shop = make_shop(seats_per_slot=30)
    cake = make_product(shop, "Tarte aux myrtilles", 2200, stock=5)
    slot = bookable_slots(shop, clock.now.date(), clock.now)[0].start
    bodies = [payload(shop, slot, [(cake, 1)], phone(i)) for i in range(24)]
    db.session.commit()  # on SQLite an open transaction of ours would hold the write lock

    outcomes = race(app, [checkout_attempt(body, clock.now, payments) for body in bodies])

    assert outcomes.count("ok") == 5, outcomes
    assert outcomes.count(("out_of_stock", "orders[0].lines[0].quantity")) == 19, outcomes
    assert stock_of(cake) == 0
    assert count(Checkout) == count(Order) == count(Customer) == 5
    assert seats_taken(shop, slot) == 5

    holds_end = db.session.scalar(sa.select(sa.func.max(Checkout.hold_expires_at)))
    reports = expire_all_holds(holds_end + timedelta(seconds=1), sms, payments)

    assert reports["release_expired_holds"] == 5
    assert stock_of(cake) == 5
    assert seats_taken(shop, slot) == 0
    assert set(db.session.scalars(sa.select(Order.status))) == {"expired"}


@pytest.mark.real_commits
def test_10_shoppers_race_for_a_slot_with_4_seats(app, clock, payments, sms):
    shop = make_shop(seats_per_slot=4)
    # One product each, so that only the slot is contended, not a product row.
    shelf = [make_product(shop, f"Pain n°{i}", 200, stock=10) for i in range(10)]
    slot = bookable_slots(shop, clock.now.date(), clock.now)[0].start
    bodies = [payload(shop, slot, [(product, 1)], phone(i)) for i, product in enumerate(shelf)]
    db.session.commit()

    outcomes = race(app, [checkout_attempt(body, clock.now, payments) for body in bodies])

    assert outcomes.count("ok") == 4, outcomes
    assert outcomes.count(("slot_full", "orders[0].slot")) == 6, outcomes
    assert seats_taken(shop, slot) == 4
    assert sum(stock_of(p) for p in shelf) == 100 - 4  # the refused took no stock either
    assert slot not in [s.start for s in bookable_slots(shop, clock.now.date(), clock.now)]

    holds_end = db.session.scalar(sa.select(sa.func.max(Checkout.hold_expires_at)))
    expire_all_holds(holds_end + timedelta(seconds=1), sms, payments)

    assert seats_taken(shop, slot) == 0
    assert sum(stock_of(p) for p in shelf) == 100
    assert bookable_slots(shop, clock.now.date(), clock.now)[0].remaining == 4


def test_a_checkout_refused_on_its_second_line_writes_nothing(app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=10)
    cake = make_product(shop, "Tarte aux myrtilles", 2200, stock=1)
    slot = bookable_slots(shop, clock.now.date(), clock.now)[0].start

    with pytest.raises(Conflict) as refused:
        create_checkout(parse_checkout(payload(shop, slot, [(bread, 2), (cake, 2)], phone(1))),
                        now=clock.now, provider=payments)

    assert (refused.value.code, refused.value.field) == ("out_of_stock",
                                                        "orders[0].lines[1].quantity")
    assert "Plus que 1 en stock" in refused.value.message
    db.session.expire_all()
    assert stock_of(bread) == 10 and stock_of(cake) == 1
    for model in (Customer, Checkout, Order, OrderLine, OrderEvent):
        assert count(model) == 0, model.__name__
    assert seats_taken(shop, slot) == 0


def test_a_basket_refused_at_its_second_shop_leaves_the_first_shop_untouched(
        app, clock, payments):
    bakery = make_shop(seats_per_slot=1)
    cheese = make_shop("fromagerie", "Fromagerie du Plot", seats_per_slot=1)
    bread = make_product(bakery, "Baguette", 130, stock=10)
    brie = make_product(cheese, "Brie", 610, stock=10)
    slot = bookable_slots(cheese, clock.now.date(), clock.now)[0].start
    create_checkout(parse_checkout(payload(cheese, slot, [(brie, 1)], phone(2))),
                    now=clock.now, provider=payments)  # the cheese shop's slot is now full
    body = {"customer": {"name": "Claire", "phone": phone(3)},
            "orders": [{"shop": bakery.slug, "slot": iso(slot),
                        "lines": [{"product_id": bread.id, "quantity": 3}]},
                       {"shop": cheese.slug, "slot": iso(slot),
                        "lines": [{"product_id": brie.id, "quantity": 1}]}]}

    with pytest.raises(Conflict) as refused:
        create_checkout(parse_checkout(body), now=clock.now, provider=payments)

    assert (refused.value.code, refused.value.field) == ("slot_full", "orders[1].slot")
    db.session.expire_all()
    assert stock_of(bread) == 10 and stock_of(brie) == 9
    assert seats_taken(bakery, slot) == 0
    assert count(Checkout) == count(Customer) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 2
