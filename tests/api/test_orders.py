"""Following an order with its tracking token, and cancelling it before the shop confirms."""
import pytest

from app.orders import services as orders
from tests.api.conftest import create_checkout, error_of, paid_checkout
from tests.factories import stock_of


def _track(client, order):
    return client.get(f"/api/v1/orders/{order['id']}",
                      headers={"X-Tracking-Token": order["tracking_token"]})


def test_tracking_shows_the_order_its_lines_and_its_history(client, clock, shop, bread, cake):
    [order] = paid_checkout(client, {shop: [(bread, 3), (cake, 1)]}, clock.now)["orders"]

    response = _track(client, order)

    assert response.status_code == 200
    body = response.json
    assert {k: body[k] for k in ("id", "status", "shop", "slot", "total_cents")} == {
        "id": order["id"], "status": "placed", "shop": "boulangerie",
        "slot": "2026-11-24T10:00:00+01:00", "total_cents": 2590}
    assert [{k: line[k] for k in ("product_id", "name", "quantity", "confirmed_quantity",
                                  "unit_price_cents")} for line in body["lines"]] == [
        {"product_id": bread.id, "name": "Baguette tradition", "quantity": 3,
         "confirmed_quantity": None, "unit_price_cents": 130},
        {"product_id": cake.id, "name": "Tarte aux myrtilles", "quantity": 1,
         "confirmed_quantity": None, "unit_price_cents": 2200}]
    assert all(isinstance(line["id"], int) for line in body["lines"])
    assert [(e["type"], e["at"]) for e in body["events"]] == [
        ("pending_payment", "2026-11-24T09:00:00+01:00"), ("placed", "2026-11-24T09:00:00+01:00")]
    assert body["confirmed_total_cents"] is None
    assert body["shop_address"] == "3 rue des Tables, Le Puy-en-Velay"


def test_tracking_shows_what_the_shop_confirmed(client, clock, payments, shop, bread, cake):
    [order] = paid_checkout(client, {shop: [(bread, 3), (cake, 1)]}, clock.now)["orders"]
    lines = _track(client, order).json["lines"]
    orders.confirm_lines(order["id"], shop.id, [(lines[0]["id"], 2)], now=clock.now,
                         provider=payments)

    body = _track(client, order).json

    assert body["status"] == "confirmed"
    assert [line["confirmed_quantity"] for line in body["lines"]] == [2, 1]
    assert body["confirmed_total_cents"] == 2 * 130 + 2200
    assert [e["type"] for e in body["events"]][-2:] == ["line_short", "confirmed"]


@pytest.mark.parametrize("headers", [{}, {"X-Tracking-Token": ""},
                                     {"X-Tracking-Token": "pas-le-bon"},
                                     {"X-Tracking-Token": "\xe9t\xe9"}])
def test_an_order_without_its_token_does_not_exist(client, clock, shop, bread, headers):
    [order] = paid_checkout(client, {shop: [(bread, 1)]}, clock.now)["orders"]

    response = client.get(f"/api/v1/orders/{order['id']}", headers=headers)

    assert error_of(response)[:2] == (404, "not_found")


def test_another_orders_token_does_not_open_this_one(client, clock, shop, bread):
    [mine] = paid_checkout(client, {shop: [(bread, 1)]}, clock.now)["orders"]
    [theirs] = paid_checkout(client, {shop: [(bread, 1)]}, clock.now)["orders"]

    response = client.get(f"/api/v1/orders/{theirs['id']}",
                          headers={"X-Tracking-Token": mine["tracking_token"]})

    assert response.status_code == 404


def test_the_shopper_cancels_before_confirmation_and_the_authorisation_is_released(
        client, clock, payments, shop, bread):
    checkout = paid_checkout(client, {shop: [(bread, 4)]}, clock.now)
    [order] = checkout["orders"]

    response = client.post(f"/api/v1/orders/{order['id']}/cancel",
                           headers={"X-Tracking-Token": order["tracking_token"]})

    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    assert response.json["events"][-1]["type"] == "cancelled"
    assert stock_of(bread) == 20
    assert [c[0] for c in payments.calls] == ["authorize", "void"]
    again = client.post(f"/api/v1/orders/{order['id']}/cancel",
                        headers={"X-Tracking-Token": order["tracking_token"]})
    assert error_of(again) == (409, "invalid_state", "status")


def test_an_unpaid_order_can_be_cancelled_too(client, clock, shop, bread):
    [order] = create_checkout(client, {shop: [(bread, 4)]}, clock.now).json["orders"]

    response = client.post(f"/api/v1/orders/{order['id']}/cancel",
                           headers={"X-Tracking-Token": order["tracking_token"]})

    assert response.json["status"] == "cancelled" and stock_of(bread) == 20


def test_once_the_shop_confirmed_the_shopper_must_call_it(client, clock, payments, shop, bread):
    [order] = paid_checkout(client, {shop: [(bread, 2)]}, clock.now)["orders"]
    orders.confirm_lines(order["id"], shop.id, [], now=clock.now, provider=payments)

    response = client.post(f"/api/v1/orders/{order['id']}/cancel",
                           headers={"X-Tracking-Token": order["tracking_token"]})

    assert error_of(response) == (409, "invalid_state", "status")
    assert _track(client, order).json["status"] == "confirmed"


def test_cancelling_without_the_token_is_404_and_changes_nothing(client, clock, shop, bread):
    [order] = paid_checkout(client, {shop: [(bread, 2)]}, clock.now)["orders"]

    response = client.post(f"/api/v1/orders/{order['id']}/cancel",
                           headers={"X-Tracking-Token": "devine"})

    assert response.status_code == 404
    assert _track(client, order).json["status"] == "placed" and stock_of(bread) == 18
