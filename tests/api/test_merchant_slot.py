"""POST /merchant/orders/{id}/slot: the shop moves an order to another slot it offers; the
shopper is told by SMS. A slot not offered is 422, a full one or an ended order 409, and
another shop's order does not exist."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify.models import SmsMessage
from tests.api.conftest import bearer, error_of
from tests.factories import make_merchant, make_shop, place_order

TUE_10, TUE_11 = "2026-11-24T10:00:00+01:00", "2026-11-24T11:00:00+01:00"


@pytest.fixture
def order(clock, payments, shop, bread):
    return place_order({shop: [(bread, 2)]}, clock.now, payments).orders[0]


def move(client, order, auth, slot):
    return client.post(f"/api/v1/merchant/orders/{order.id}/slot", json={"slot": slot},
                       headers=auth)


def test_the_merchant_moves_an_order_and_sees_it_on_its_new_slot(client, auth, order):
    response = move(client, order, auth, TUE_11)

    assert response.status_code == 200
    assert (response.json["id"], response.json["slot"], response.json["slot_end"]) == (
        order.id, TUE_11, "2026-11-24T11:15:00+01:00")
    assert response.json["events"][-1]["type"] == "slot_moved"
    queue = client.get("/api/v1/merchant/orders", headers=auth).json
    assert [(o["id"], o["slot"]) for o in queue] == [(order.id, TUE_11)]
    told = db.session.scalars(sa.select(SmsMessage.body).where(SmsMessage.kind == "moved"))
    assert [body.split(" déplacé ")[1] for body in told] == ["au mar. 24/11 à 11:00."]


@pytest.mark.parametrize("body, status, code, field", [
    ({"slot": "2026-11-24T10:07:00+01:00"}, 422, "slot_unavailable", "slot"),
    ({"slot": "2026-11-29T10:00:00+01:00"}, 422, "slot_unavailable", "slot"),  # Sunday
    ({"slot": "demain matin"}, 422, "invalid_slot", "slot"),
    ({"slot": 1700000000}, 422, "required", "slot"),
    ({}, 422, "required", "slot"),
    (["2026-11-24T11:00:00+01:00"], 400, "malformed", None),
])
def test_a_slot_the_shop_does_not_offer_is_refused(client, auth, order, body, status, code,
                                                   field):
    response = client.post(f"/api/v1/merchant/orders/{order.id}/slot", json=body,
                           headers=auth)

    assert error_of(response) == (status, code, field)
    assert client.get("/api/v1/merchant/orders", headers=auth).json[0]["slot"] == TUE_10


def test_a_full_slot_and_an_ended_order_are_conflicts(client, clock, payments, auth, shop,
                                                      bread, order):
    shop.seats_per_slot = 1
    db.session.commit()
    other = place_order({shop: [(bread, 1)]}, clock.now, payments,
                        phone="06 98 76 54 32").orders[0]
    taken = other.slot_start.isoformat()  # 10:00 being full, the first slot offered

    assert error_of(move(client, order, auth, taken)) == (409, "slot_full", "slot")

    client.post(f"/api/v1/merchant/orders/{order.id}/cancel", json={"reason": "four en panne"},
                headers=auth)
    assert error_of(move(client, order, auth, TUE_11))[:2] == (409, "invalid_state")


def test_another_shops_order_does_not_exist(client, order):
    cheese = make_shop("fromagerie", "Fromagerie Vidal")

    response = move(client, order, bearer(make_merchant(cheese)), TUE_11)

    assert error_of(response)[:2] == (404, "not_found")
