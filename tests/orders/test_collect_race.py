"""Handing over under concurrency: a merchant's phone that sends "collect" five times at
once, and two shops of one basket handing over at the same instant. Each attempt runs on
its own connection (see test_holds_race.race); the shopper must be charged once, exactly
the confirmed amount."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.orders import services as orders
from app.orders.models import Order, OrderEvent
from app.payments.models import PaymentTransaction
from tests.factories import make_product, make_shop, place_order
from tests.orders.test_holds_race import race

pytestmark = pytest.mark.real_commits  # every test races threads (see race)


def _captures():
    return db.session.execute(sa.select(PaymentTransaction.amount_cents,
                                        PaymentTransaction.status)
                              .where(PaymentTransaction.kind == "capture")).all()


def _ready(order, shop, clock, payments):
    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)
    orders.mark_ready(order.id, shop.id, now=clock.now)


def test_collect_pressed_five_times_at_once_captures_once(app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=10)
    checkout = place_order({shop: [(bread, 4)]}, clock.now, payments)
    order_id, shop_id = checkout.orders[0].id, shop.id
    _ready(checkout.orders[0], shop, clock, payments)
    db.session.commit()  # free SQLite's write lock for the racers

    outcomes = race(app, [lambda: orders.collect(order_id, shop_id, now=clock.now,
                                                 provider=payments)] * 5)

    assert outcomes == ["ok"] * 5  # the repeats are answered, not refused
    assert _captures() == [(520, "succeeded")]
    assert [call for call in payments.calls if call[0] == "capture"] == [
        ("capture", f"settle:{checkout.id}", 520)]
    collected_events = db.session.scalars(sa.select(OrderEvent.type).where(
        OrderEvent.order_id == order_id, OrderEvent.type == "collected")).all()
    assert collected_events == ["collected"]


def test_two_shops_of_one_basket_hand_over_at_once_one_capture_of_both(app, clock, payments):
    bakery, butcher = make_shop("boulangerie"), make_shop("boucherie", "Boucherie Vidal")
    bread = make_product(bakery, "Baguette tradition", 130, stock=10)
    pate = make_product(butcher, "Pâté de campagne", 390, stock=10)
    checkout = place_order({bakery: [(bread, 2)], butcher: [(pate, 1)]}, clock.now, payments)
    by_shop = {order.shop_id: order for order in checkout.orders}
    for shop in (bakery, butcher):
        _ready(by_shop[shop.id], shop, clock, payments)
    pairs = [(by_shop[shop.id].id, shop.id) for shop in (bakery, butcher)]
    db.session.commit()

    outcomes = race(app, [
        (lambda o=o, s=s: orders.collect(o, s, now=clock.now, provider=payments))
        for o, s in pairs])

    assert outcomes == ["ok", "ok"]
    assert db.session.scalars(sa.select(Order.status)).all() == ["collected", "collected"]
    # Neither shop's transaction may miss that the other one ended the basket.
    assert _captures() == [(2 * 130 + 390, "succeeded")]
