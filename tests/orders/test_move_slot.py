"""The shop moves an order to another slot: the seat follows, the shopper is told by SMS in
their language, the history says from when to when; a slot the shop does not offer, a
full one or an order that has ended is refused and nothing changes."""
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.notify.models import SmsMessage
from app.orders import services as orders
from app.orders.event_text import event_text
from app.orders.models import Order
from app.orders.requests import parse_checkout
from app.pickup.models import SlotSeats
from app.timeutil import iso, parse_instant
from tests.factories import make_product, make_shop, place_order

TUE_10, TUE_11 = "2026-11-24T10:00:00+01:00", "2026-11-24T11:00:00+01:00"


def at(text: str) -> datetime:
    return parse_instant(text)


def seats(shop) -> dict[str, int]:
    """Seats taken per slot start (town time), empty slots left out."""
    rows = db.session.execute(sa.select(SlotSeats.slot_start, SlotSeats.taken)
                              .where(SlotSeats.shop_id == shop.id, SlotSeats.taken > 0))
    return {iso(start): taken for start, taken in rows}


def order_for(shop, product, slot: str, now, payments, phone: str) -> Order:
    body = {"customer": {"name": "Paul Roux", "phone": phone},
            "orders": [{"shop": shop.slug, "slot": slot,
                        "lines": [{"product_id": product.id, "quantity": 1}]}]}
    checkout = orders.create_checkout(parse_checkout(body), now=now, provider=payments).checkout
    orders.pay_checkout(checkout.id, "test_ok", now=now, provider=payments)
    return checkout.orders[0]


def sms(order_id: int, kind: str) -> list[SmsMessage]:
    return list(db.session.scalars(sa.select(SmsMessage).where(
        SmsMessage.order_id == order_id, SmsMessage.kind == kind).order_by(SmsMessage.id)))


def move(order, slot: str, now, shop=None):
    return orders.move_slot(order.id, at(slot), shop_id=(shop or order.shop).id,
                            actor=orders.shop_actor((shop or order.shop).id), now=now)


@pytest.fixture
def bakery(app):
    return make_shop(phone="04 71 09 12 34", seats_per_slot=2)


@pytest.fixture
def order(clock, payments, bakery):
    bread = make_product(bakery, "Baguette tradition", 130)
    return place_order({bakery: [(bread, 2)]}, clock.now, payments).orders[0]


def test_moving_an_order_moves_its_seat_tells_the_shopper_and_records_it(
        app, clock, payments, bakery, order):
    assert order.slot_start == at(TUE_10)
    orders.confirm_lines(order.id, bakery.id, [], now=clock.now, provider=payments)

    moved = move(order, TUE_11, clock.now)

    db.session.expire_all()
    order = db.session.get(Order, moved.id)
    assert (order.status, order.slot_start, order.slot_end) == (
        "confirmed", at(TUE_11), at("2026-11-24T11:15:00+01:00"))
    assert seats(bakery) == {TUE_11: 1}
    event = order.events[-1]
    assert (event.type, event.actor, event.code, event.params) == (
        "slot_moved", f"shop:{bakery.id}", "slot_moved",
        {"from": "2026-11-24T09:00:00+00:00", "to": "2026-11-24T10:00:00+00:00"})
    with app.test_request_context():  # put into words where shown, in the town's time
        assert "10:00" in event_text(event) and "11:00" in event_text(event)
    [message] = sms(order.id, "moved")
    assert message.body == (f"Boulangerie Martin : retrait de la commande {order.id} déplacé "
                            f"au mar. 24/11 à 11:00. Un souci ? Appelez le 04 71 09 12 34")
    assert (message.to, message.slot_start, message.status) == (
        "+33612345678", at(TUE_11), "queued")


def test_an_english_shopper_is_told_in_english(clock, bakery, order):
    order.customer.language = "en"
    db.session.commit()

    move(order, "2026-11-25T09:30:00+01:00", clock.now)

    [message] = sms(order.id, "moved")
    assert message.body == (f"Boulangerie Martin: pick-up of order {order.id} moved to "
                            f"Wed 25/11 at 09:30. Not convenient? Call +33 4 71 09 12 34")


def test_moving_back_and_forth_tells_the_shopper_each_time(clock, bakery, order):
    for slot in (TUE_11, TUE_10, TUE_11):
        move(order, slot, clock.now)

    assert [m.slot_start for m in sms(order.id, "moved")] == [at(TUE_11), at(TUE_10),
                                                              at(TUE_11)]
    assert seats(bakery) == {TUE_11: 1}


def test_moving_to_the_slot_it_has_changes_nothing_and_tells_nobody(clock, bakery, order):
    move(order, TUE_10, clock.now)

    assert seats(bakery) == {TUE_10: 1}
    assert sms(order.id, "moved") == []
    assert [e.type for e in db.session.get(Order, order.id).events][-1] == "placed"


def test_a_full_slot_is_refused_and_nothing_changes(clock, payments, bakery, order):
    bread = make_product(bakery, "Ficelle", 100)
    for phone in ("06 11 11 11 11", "06 22 22 22 22"):  # two seats per slot
        order_for(bakery, bread, TUE_11, clock.now, payments, phone)
    assert seats(bakery) == {TUE_10: 1, TUE_11: 2}

    with pytest.raises(Conflict) as refused:
        move(order, TUE_11, clock.now)

    assert (refused.value.code, refused.value.field) == ("slot_full", "slot")
    db.session.expire_all()
    assert db.session.get(Order, order.id).slot_start == at(TUE_10)
    assert seats(bakery) == {TUE_10: 1, TUE_11: 2}
    assert sms(order.id, "moved") == []


@pytest.mark.parametrize("slot", [
    "2026-11-24T10:07:00+01:00",   # not on the shop's grid
    "2026-11-24T09:45:00+01:00",   # within the preparation time
    "2026-11-24T19:00:00+01:00",   # the shop closes at 19:00
    "2026-11-29T10:00:00+01:00",   # a Sunday: closed
    "2027-01-05T10:00:00+01:00",   # beyond the booking horizon
])
def test_a_slot_the_shop_does_not_offer_now_is_refused(clock, bakery, order, slot):
    with pytest.raises(Invalid) as refused:
        move(order, slot, clock.now)

    assert (refused.value.code, refused.value.field) == ("slot_unavailable", "slot")
    db.session.expire_all()
    assert db.session.get(Order, order.id).slot_start == at(TUE_10)
    assert seats(bakery) == {TUE_10: 1}


@pytest.mark.parametrize("end", ["collect", "cancel"])
def test_an_order_that_has_ended_keeps_its_slot(clock, payments, bakery, order, end):
    if end == "collect":
        orders.confirm_lines(order.id, bakery.id, [], now=clock.now, provider=payments)
        orders.collect(order.id, bakery.id, now=clock.now, provider=payments)
    else:
        orders.cancel_by_shop(order.id, bakery.id, "four en panne", now=clock.now,
                              provider=payments)

    with pytest.raises(Conflict) as refused:
        move(order, TUE_11, clock.now)

    assert refused.value.code == "invalid_state"
    assert sms(order.id, "moved") == []


def test_another_shops_order_does_not_exist(clock, order):
    cheese = make_shop("fromagerie", "Fromagerie du Plot")

    with pytest.raises(NotFound):
        move(order, TUE_11, clock.now, shop=cheese)

    db.session.expire_all()
    assert db.session.get(Order, order.id).slot_start == at(TUE_10)
