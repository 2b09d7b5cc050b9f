"""POST /checkouts and its payment: holds, idempotency, every bad input named, nothing
written on error."""
import copy

import pytest

from app.orders.models import Checkout, Customer, Order, OrderEvent, OrderLine
from app.payments.models import PaymentTransaction
from tests.api.conftest import count, create_checkout, error_of
from tests.factories import checkout_payload, make_product, make_shop, stock_of


def test_checkout_holds_stock_and_a_seat_and_answers_the_contract(client, clock, shop, bread,
                                                                  cake):
    response = create_checkout(client, {shop: [(bread, 3), (cake, 1)]}, clock.now)

    assert response.status_code == 201
    body = response.json
    assert set(body) >= {"id", "status", "total_cents", "hold_expires_at", "payment", "orders"}
    assert body["status"] == "pending_payment"
    assert body["total_cents"] == 3 * 130 + 2200
    assert body["hold_expires_at"] == "2026-11-24T09:15:00+01:00"
    assert body["payment"]["provider"] == "offline"
    [order] = body["orders"]
    assert set(order) >= {"id", "shop", "slot", "status", "total_cents", "tracking_token"}
    assert (order["shop"], order["slot"], order["status"], order["total_cents"]) == (
        "boulangerie", "2026-11-24T10:00:00+01:00", "pending_payment", 2590)
    assert len(order["tracking_token"]) >= 16
    assert stock_of(bread) == 17 and stock_of(cake) == 2


def test_a_basket_over_two_shops_makes_one_order_per_shop(client, clock, shop, bread):
    cheese_shop = make_shop("fromagerie", "Fromagerie Vidal")
    cheese = make_product(cheese_shop, "Fourme d'Ambert", 890, stock=5)

    body = create_checkout(client, {shop: [(bread, 2)], cheese_shop: [(cheese, 1)]},
                           clock.now).json

    assert body["total_cents"] == 260 + 890
    assert [(o["shop"], o["total_cents"]) for o in body["orders"]] == [
        ("boulangerie", 260), ("fromagerie", 890)]
    assert len({o["tracking_token"] for o in body["orders"]}) == 2


def test_same_key_same_body_gives_the_same_checkout_and_takes_stock_once(client, clock, shop,
                                                                         bread):
    first = create_checkout(client, {shop: [(bread, 2)]}, clock.now, key="panier-42")
    again = create_checkout(client, {shop: [(bread, 2)]}, clock.now, key="panier-42")

    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert stock_of(bread) == 18
    assert count(Checkout) == 1 and count(Order) == 1


def test_same_key_other_body_is_a_conflict(client, clock, shop, bread):
    create_checkout(client, {shop: [(bread, 2)]}, clock.now, key="panier-42")

    response = create_checkout(client, {shop: [(bread, 5)]}, clock.now, key="panier-42")

    assert error_of(response) == (409, "idempotency_key_reused", "Idempotency-Key")
    assert stock_of(bread) == 18 and count(Checkout) == 1


@pytest.mark.parametrize("key", ["x" * 101, "clé-é", "   "])
def test_an_unusable_idempotency_key_is_refused(client, clock, shop, bread, key):
    response = client.post("/api/v1/checkouts", json=checkout_payload({shop: [(bread, 1)]},
                                                                      clock.now),
                           headers={"Idempotency-Key": key.encode().decode("latin-1")})
    assert error_of(response) == (422, "invalid_idempotency_key", "Idempotency-Key")
    assert count(Checkout) == 0


def _set(path, value):
    """A change to the valid payload: put `value` at `path` (a list of keys and indexes)."""
    def change(payload):
        target = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _drop(path):
    def change(payload):
        target = payload
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


LINE0 = ["orders", 0, "lines", 0]
BAD_PAYLOADS = {
    "unknown product": (_set(LINE0 + ["product_id"], 999_999), 422,
                        "orders[0].lines[0].product_id"),
    "product id as text": (_set(LINE0 + ["product_id"], "1"), 422,
                           "orders[0].lines[0].product_id"),
    "quantity 0": (_set(LINE0 + ["quantity"], 0), 422, "orders[0].lines[0].quantity"),
    "quantity 10**9": (_set(LINE0 + ["quantity"], 10**9), 422, "orders[0].lines[0].quantity"),
    "quantity true": (_set(LINE0 + ["quantity"], True), 422, "orders[0].lines[0].quantity"),
    "quantity 1.5": (_set(LINE0 + ["quantity"], 1.5), 422, "orders[0].lines[0].quantity"),
    "second line bad": (_set(["orders", 0, "lines", 1, "quantity"], -2), 422,
                        "orders[0].lines[1].quantity"),
    "line not an object": (_set(LINE0, 7), 400, "orders[0].lines[0]"),
    "no lines": (_set(["orders", 0, "lines"], []), 422, "orders[0].lines"),
    "more than in stock": (_set(["orders", 0, "lines", 1, "quantity"], 4), 409,
                           "orders[0].lines[1].quantity"),
    "more than a checkout may take": (_set(LINE0 + ["quantity"], 21), 422,
                                      "orders[0].lines[0].quantity"),
    "slot not offered": (_set(["orders", 0, "slot"], "2026-11-24T07:00:00+01:00"), 422,
                         "orders[0].slot"),
    "slot within preparation": (_set(["orders", 0, "slot"], "2026-11-24T09:15:00+01:00"), 422,
                                "orders[0].slot"),
    "slot not a time": (_set(["orders", 0, "slot"], "demain midi"), 422, "orders[0].slot"),
    "unknown shop": (_set(["orders", 0, "shop"], "nulle-part"), 422, "orders[0].shop"),
    "no orders": (_set(["orders"], []), 422, "orders"),
    "orders not a list": (_set(["orders"], {"shop": "boulangerie"}), 400, "orders"),
    "phone abc": (_set(["customer", "phone"], "abc"), 422, "customer.phone"),
    "no name": (_drop(["customer", "name"]), 422, "customer.name"),
    "bad email": (_set(["customer", "email"], "claire@"), 422, "customer.email"),
    "NUL in name": (_set(["customer", "name"], "Claire\u0000"), 422, "customer.name"),
    "lone surrogate": (_set(["customer", "name"], "\ud800"), 422, "customer.name"),
    "no customer": (_drop(["customer"]), 400, "customer"),
}


@pytest.mark.parametrize("case", BAD_PAYLOADS, ids=list(BAD_PAYLOADS))
def test_bad_input_names_the_field_and_writes_nothing(client, clock, shop, bread, cake, case):
    change, status, field = BAD_PAYLOADS[case]
    payload = copy.deepcopy(checkout_payload({shop: [(bread, 1), (cake, 1)]}, clock.now))
    change(payload)

    response = client.post("/api/v1/checkouts", json=payload)

    assert (response.status_code, response.json["error"].get("field")) == (status, field)
    assert response.json["error"]["message"]
    assert stock_of(bread) == 20 and stock_of(cake) == 3
    assert [count(m) for m in (Checkout, Order, OrderLine, OrderEvent, Customer)] == [0] * 5


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ('{"customer": ', "application/json"),
    ("[1, 2]", "application/json"),
    ('"text"', "application/json"),
    ("null", "application/json"),
    ('{"customer": {}}', "text/plain"),
    ("", None),
    ("[" * 100_000 + "]" * 100_000, "application/json"),
])
def test_a_body_that_is_not_a_json_object_is_malformed(client, shop, data, content_type):
    response = client.post("/api/v1/checkouts", data=data, content_type=content_type)

    assert error_of(response)[:2] == (400, "malformed")
    assert count(Checkout) == 0


def test_the_last_seat_goes_to_one_checkout_only(client, clock):
    shop = make_shop("fromagerie", "Fromagerie Vidal", seats_per_slot=1)
    cheese = make_product(shop, "Fourme d'Ambert", 890, stock=5)
    taken = create_checkout(client, {shop: [(cheese, 1)]}, clock.now).json["orders"][0]["slot"]
    payload = checkout_payload({shop: [(cheese, 1)]}, clock.now, phone="0699887766")
    assert payload["orders"][0]["slot"] != taken  # the slot list no longer offers it
    payload["orders"][0]["slot"] = taken

    response = client.post("/api/v1/checkouts", json=payload)

    assert error_of(response) == (409, "slot_full", "orders[0].slot")
    assert stock_of(cheese) == 4 and count(Checkout) == 1


# --- paying ------------------------------------------------------------------------------

def test_paying_places_every_order_and_paying_twice_changes_nothing(client, clock, payments,
                                                                    shop, bread):
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json
    token = created["orders"][0]["tracking_token"]

    first = client.post(f"/api/v1/checkouts/{created['id']}/pay",
                        json={"payment_method": "test_ok"}, headers={"X-Tracking-Token": token})
    second = client.post(f"/api/v1/checkouts/{created['id']}/pay",
                         json={"payment_method": "test_ok"}, headers={"X-Tracking-Token": token})

    assert first.status_code == second.status_code == 200
    assert first.json == second.json
    assert first.json["status"] == "placed"
    assert [o["status"] for o in first.json["orders"]] == ["placed"]
    assert first.json["orders"][0]["tracking_token"] == token
    assert [c[0] for c in payments.calls] == ["authorize"]
    assert stock_of(bread) == 18


def test_a_stranger_paying_a_checkout_does_not_see_its_tracking_tokens(client, clock, shop,
                                                                       bread):
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json

    paid = client.post(f"/api/v1/checkouts/{created['id']}/pay",
                       json={"payment_method": "test_ok"})

    assert paid.status_code == 200 and paid.json["status"] == "placed"
    assert "tracking_token" not in paid.json["orders"][0] and "payment" not in paid.json


def test_a_declined_card_is_402_and_the_hold_stays(client, clock, payments, shop, bread):
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json
    pay = f"/api/v1/checkouts/{created['id']}/pay"

    declined = client.post(pay, json={"payment_method": "test_declined"})

    assert error_of(declined) == (402, "payment_declined", "payment_method")
    assert stock_of(bread) == 18
    token = created["orders"][0]["tracking_token"]
    held = client.get(f"/api/v1/checkouts/{created['id']}", headers={"X-Tracking-Token": token})
    assert held.json["status"] == "pending_payment"
    assert held.json["hold_expires_at"] == created["hold_expires_at"]
    assert client.post(pay, json={"payment_method": "test_ok"}).json["status"] == "placed"
    assert count(PaymentTransaction) == 2  # the refusal stays on record


@pytest.mark.parametrize("body, status, field", [
    ({"payment_method": "cash"}, 422, "payment_method"),
    ({"payment_method": 1}, 422, "payment_method"),
    ({}, 422, "payment_method"),
    ([], 400, None),
])
def test_paying_with_no_usable_method_is_refused(client, clock, shop, bread, body, status,
                                                 field):
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json

    response = client.post(f"/api/v1/checkouts/{created['id']}/pay", json=body)

    assert (response.status_code, response.json["error"].get("field")) == (status, field)
    assert count(PaymentTransaction) == 0


def test_paying_after_the_hold_ran_out_is_a_conflict(client, clock, shop, bread):
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json
    clock.set("2026-11-24T09:16:00+01:00")

    response = client.post(f"/api/v1/checkouts/{created['id']}/pay",
                           json={"payment_method": "test_ok"})

    assert error_of(response)[:2] == (409, "hold_expired")


def test_paying_an_unknown_checkout_is_404(client, shop):
    response = client.post("/api/v1/checkouts/999/pay", json={"payment_method": "test_ok"})
    assert error_of(response)[:2] == (404, "not_found")


def test_a_checkout_is_shown_only_with_one_of_its_tracking_tokens(client, clock, shop, bread):
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json
    url = f"/api/v1/checkouts/{created['id']}"

    shown = client.get(url, headers={"X-Tracking-Token": created["orders"][0]["tracking_token"]})

    assert shown.status_code == 200 and shown.json == created
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"X-Tracking-Token": "nope"}).status_code == 404


@pytest.mark.parametrize("opens", [False, True])
def test_a_slot_on_a_public_holiday_is_refused_unless_the_shop_opens_that_day(
        client, clock, shop, bread, opens):
    """Christmas Day: closed by default, said on the slot's field (it was a 500: the
    checkout's light shop records had no holiday openings to read)."""
    from app.database import unit_of_work
    if opens:
        with unit_of_work():
            shop.holiday_openings = "christmas_day"
    clock.set("2026-12-23T09:00:00+01:00")
    payload = checkout_payload({shop: [(bread, 1)]}, clock.now)
    payload["orders"][0]["slot"] = "2026-12-25T10:00:00+01:00"

    response = client.post("/api/v1/checkouts", json=payload)

    if opens:
        assert response.status_code == 201
        assert response.json["orders"][0]["slot"] == "2026-12-25T10:00:00+01:00"
    else:
        status, _code, field = error_of(response)
        assert (status, field) == (422, "orders[0].slot")
        assert stock_of(bread) == 20
