"""The merchant side: a bearer token, one shop's queue and catalogue, nothing of the others."""
import pytest

from app.extensions import db
from app.orders.models import OrderEvent
from app.payments.models import PaymentTransaction
from tests.api.conftest import bearer, count, error_of
from tests.factories import (PASSWORD, make_manager, make_merchant, make_product, make_shop,
                             place_order, stock_of)


@pytest.fixture
def order(clock, payments, shop, bread, cake):
    """A paid order of 3 baguettes and a tart, for today 10:00."""
    return place_order({shop: [(bread, 3), (cake, 1)]}, clock.now, payments).orders[0]


@pytest.fixture
def other_shop(app):
    return make_shop("fromagerie", "Fromagerie Vidal")


def _lines(order):
    return [line.id for line in order.lines]


# --- tokens ------------------------------------------------------------------------------

def test_a_merchant_gets_a_token_that_opens_its_queue(client, shop):
    make_merchant(shop)

    response = client.post("/api/v1/auth/token",
                           json={"email": "Boulangerie@example.fr ", "password": PASSWORD})

    assert response.status_code == 200
    assert (response.json["role"], response.json["shop"]) == ("merchant", "boulangerie")
    queue = client.get("/api/v1/merchant/orders",
                       headers={"Authorization": f"Bearer {response.json['token']}"})
    assert queue.status_code == 200 and queue.json == []


def test_a_manager_gets_a_token_but_no_merchant_endpoint(client, shop):
    make_manager()

    token = client.post("/api/v1/auth/token",
                        json={"email": "manager@example.fr", "password": PASSWORD}).json

    assert (token["role"], token["shop"]) == ("manager", None)
    response = client.get("/api/v1/merchant/orders",
                          headers={"Authorization": f"Bearer {token['token']}"})
    assert error_of(response)[:2] == (403, "forbidden")


@pytest.mark.parametrize("body, status, field", [
    ({"email": "boulangerie@example.fr", "password": "mauvais-mot"}, 401, "password"),
    ({"email": "personne@example.fr", "password": PASSWORD}, 401, "password"),
    ({"email": "boulangerie@example.fr"}, 422, "password"),
    ({"email": 12, "password": PASSWORD}, 422, "email"),
    (["boulangerie@example.fr", PASSWORD], 400, None),
])
def test_wrong_credentials_get_no_token(client, shop, body, status, field):
    make_merchant(shop)

    response = client.post("/api/v1/auth/token", json=body)

    assert (response.status_code, response.json["error"].get("field")) == (status, field)
    assert "token" not in response.json


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Bearer n'importe-quoi",
                                    "Basic Ym91bGFuZ2VyaWU6c2VjcmV0", "Bearer \xe9\xe9"])
def test_merchant_endpoints_need_a_valid_bearer_token(client, shop, bread, header):
    headers = {} if header is None else {"Authorization": header}

    for method, url in [("get", "/api/v1/merchant/orders"), ("get", "/api/v1/merchant/products"),
                        ("post", "/api/v1/merchant/orders/1/ready"),
                        ("patch", f"/api/v1/merchant/products/{bread.id}")]:
        response = getattr(client, method)(url, headers=headers, json={"stock": 0})
        assert error_of(response)[:2][0] == 401, url
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stock_of(bread) == 20


def test_a_token_dies_with_a_password_change(client, shop):
    merchant = make_merchant(shop)
    headers = bearer(merchant)
    merchant.set_password("un-tout-autre-mot")
    db.session.commit()

    response = client.get("/api/v1/merchant/orders", headers=headers)

    assert error_of(response) == (401, "invalid_token", None)


# --- the queue ---------------------------------------------------------------------------

def test_the_queue_lists_orders_to_handle_by_slot_with_the_customer(client, clock, payments,
                                                                    auth, shop, bread, order):
    tomorrow = place_order({shop: [(bread, 1)]}, clock.now.replace(day=25), payments,
                           name="Léa Roux", phone="06 98 76 54 32").orders[0]
    unpaid = place_order({shop: [(bread, 1)]}, clock.now, payments, pay=False,
                         phone="06 55 44 33 22").orders[0]

    queue = client.get("/api/v1/merchant/orders", headers=auth).json

    assert [o["id"] for o in queue] == [order.id, tomorrow.id]
    assert unpaid.id not in [o["id"] for o in queue]
    first = queue[0]
    assert first["customer"] == {"name": "Claire Dupont", "phone": "+33612345678"}
    assert {k: first[k] for k in ("status", "shop", "slot", "total_cents")} == {
        "status": "placed", "shop": "boulangerie", "slot": "2026-11-24T10:00:00+01:00",
        "total_cents": 2590}
    assert [line["quantity"] for line in first["lines"]] == [3, 1]
    assert [e["type"] for e in first["events"]] == ["pending_payment", "placed"]
    assert queue[1]["slot"] == "2026-11-25T10:00:00+01:00"


def test_the_queue_of_a_day_by_status(client, clock, payments, auth, shop, bread, order):
    tomorrow = place_order({shop: [(bread, 1)]}, clock.now.replace(day=25), payments,
                           phone="06 98 76 54 32").orders[0]
    client.post(f"/api/v1/merchant/orders/{order.id}/cancel", json={"reason": "four en panne"},
                headers=auth)

    today = client.get("/api/v1/merchant/orders?date=2026-11-24", headers=auth).json
    cancelled = client.get("/api/v1/merchant/orders?status=cancelled", headers=auth).json
    placed_tomorrow = client.get("/api/v1/merchant/orders?date=2026-11-25&status=placed",
                                 headers=auth).json

    assert [(o["id"], o["status"]) for o in today] == [(order.id, "cancelled")]
    assert [o["id"] for o in cancelled] == [order.id]
    assert [o["id"] for o in placed_tomorrow] == [tomorrow.id]
    assert client.get("/api/v1/merchant/orders", headers=auth).json[0]["id"] == tomorrow.id


def test_a_days_queue_leaves_out_unpaid_baskets_unless_asked(client, clock, payments, auth,
                                                             shop, bread, order):
    unpaid = place_order({shop: [(bread, 1)]}, clock.now, payments, pay=False,
                         phone="06 55 44 33 22").orders[0]

    today = client.get("/api/v1/merchant/orders?date=2026-11-24", headers=auth).json
    asked = client.get("/api/v1/merchant/orders?date=2026-11-24&status=pending_payment",
                       headers=auth).json

    assert [o["id"] for o in today] == [order.id]
    assert [o["id"] for o in asked] == [unpaid.id]


@pytest.mark.parametrize("query, field", [("status=perdue", "status"),
                                          ("date=2026-13-45", "date"),
                                          ("date=24/11/2026", "date")])
def test_the_queue_names_a_bad_filter(client, auth, query, field):
    response = client.get(f"/api/v1/merchant/orders?{query}", headers=auth)
    assert (response.status_code, response.json["error"]["field"]) == (422, field)


# --- working an order --------------------------------------------------------------------

def test_confirming_short_lines_marks_the_product_sold_out(client, auth, bread, cake, order):
    bread_line, cake_line = _lines(order)

    response = client.post(f"/api/v1/merchant/orders/{order.id}/confirm", headers=auth,
                           json={"lines": [{"id": bread_line, "quantity": 2},
                                           {"id": cake_line, "quantity": 1}]})

    assert response.status_code == 200
    body = response.json
    assert body["status"] == "confirmed"
    assert [line["confirmed_quantity"] for line in body["lines"]] == [2, 1]
    assert body["confirmed_total_cents"] == 2 * 130 + 2200
    assert stock_of(bread) == 0 and stock_of(cake) == 2
    assert body["customer"]["name"] == "Claire Dupont"


def test_confirming_nothing_in_stock_cancels_and_releases_the_money(client, payments, auth,
                                                                    bread, cake, order):
    bread_line, cake_line = _lines(order)

    response = client.post(f"/api/v1/merchant/orders/{order.id}/confirm", headers=auth,
                           json={"lines": [{"id": bread_line, "quantity": 0},
                                           {"id": cake_line, "quantity": 0}]})

    assert response.json["status"] == "cancelled"
    assert [c[0] for c in payments.calls] == ["authorize", "void"]
    assert count(PaymentTransaction) == 2  # the authorisation and its void, no capture


@pytest.mark.parametrize("lines, status, field", [
    ([{"id": "BREAD", "quantity": 4}], 422, "lines[0].quantity"),
    ([{"id": "BREAD", "quantity": -1}], 422, "lines[0].quantity"),
    ([{"id": "BREAD", "quantity": "2"}], 422, "lines[0].quantity"),
    ([{"id": 999_999, "quantity": 1}], 422, "lines[0].id"),
    ([{"id": [1], "quantity": 1}], 422, "lines[0].id"),
    ([{"id": "BREAD", "quantity": 1}, {"id": "BREAD", "quantity": 1}], 422, "lines[1].id"),
    (["BREAD"], 400, "lines[0]"),
    ({"id": 1}, 400, "lines"),
])
def test_a_bad_confirmation_names_the_line_and_changes_nothing(client, auth, bread, order,
                                                               lines, status, field):
    bread_line = _lines(order)[0]
    body = [({**line, "id": bread_line} if isinstance(line, dict) and line.get("id") == "BREAD"
             else bread_line if line == "BREAD" else line) for line in lines] \
        if isinstance(lines, list) else lines
    events = count(OrderEvent)

    response = client.post(f"/api/v1/merchant/orders/{order.id}/confirm", headers=auth,
                           json={"lines": body})

    assert (response.status_code, response.json["error"]["field"]) == (status, field)
    assert count(OrderEvent) == events and stock_of(bread) == 17


def test_ready_then_collected_twice_is_charged_once(client, payments, auth, order):
    client.post(f"/api/v1/merchant/orders/{order.id}/confirm", headers=auth, json={"lines": []})

    ready = client.post(f"/api/v1/merchant/orders/{order.id}/ready", headers=auth)
    collected = [client.post(f"/api/v1/merchant/orders/{order.id}/collect", headers=auth)
                 for _ in range(2)]

    assert ready.json["status"] == "ready"
    assert [r.status_code for r in collected] == [200, 200]
    assert collected[1].json["status"] == "collected"
    assert [c for c in payments.calls if c[0] == "capture"] == [
        ("capture", f"settle:{order.checkout_id}", 3 * 130 + 2200)]


def test_an_order_cannot_skip_the_confirmation(client, auth, order):
    for action in ("ready", "collect"):
        response = client.post(f"/api/v1/merchant/orders/{order.id}/{action}", headers=auth)
        assert error_of(response) == (409, "invalid_state", "status")


def test_the_shop_cancels_with_a_reason(client, payments, auth, bread, order):
    response = client.post(f"/api/v1/merchant/orders/{order.id}/cancel", headers=auth,
                           json={"reason": "Four en panne"})

    assert response.json["status"] == "cancelled"
    assert response.json["cancel_reason"] == "Four en panne"
    assert stock_of(bread) == 20
    assert [c[0] for c in payments.calls] == ["authorize", "void"]


@pytest.mark.parametrize("body, status", [({}, 422), ({"reason": "  "}, 422),
                                          ({"reason": 3}, 422), ({"reason": "x" * 301}, 422),
                                          ("Four en panne", 400)])
def test_cancelling_needs_a_reason(client, auth, order, body, status):
    response = client.post(f"/api/v1/merchant/orders/{order.id}/cancel", headers=auth, json=body)

    assert response.status_code == status
    assert response.json["error"].get("field") == ("reason" if status == 422 else None)
    assert client.get("/api/v1/merchant/orders", headers=auth).json[0]["status"] == "placed"


def test_another_shops_order_does_not_exist(client, clock, payments, auth, other_shop, order):
    cheese = make_product(other_shop, "Fourme d'Ambert", 890, stock=5)
    theirs = place_order({other_shop: [(cheese, 1)]}, clock.now, payments).orders[0]

    for action, body in [("confirm", {"lines": []}), ("ready", None), ("collect", None),
                         ("cancel", {"reason": "pas à nous"})]:
        response = client.post(f"/api/v1/merchant/orders/{theirs.id}/{action}", headers=auth,
                               json=body)
        assert error_of(response)[:2] == (404, "not_found"), action
    assert [o["id"] for o in client.get("/api/v1/merchant/orders", headers=auth).json] == [
        order.id]
    assert client.post("/api/v1/merchant/orders/999999/ready", headers=auth).status_code == 404


# --- the catalogue -----------------------------------------------------------------------

def test_the_catalogue_lists_every_product_of_the_shop_only(client, auth, shop, other_shop,
                                                            bread, cake):
    hidden = make_product(shop, "Brioche retirée", 450, stock=0, active=False)
    make_product(other_shop, "Fourme d'Ambert", 890)

    products = client.get("/api/v1/merchant/products", headers=auth).json

    assert [(p["id"], p["stock"], p["active"]) for p in products] == [
        (bread.id, 20, True), (hidden.id, 0, False), (cake.id, 3, True)]


def test_a_merchant_changes_price_stock_and_availability(client, auth, bread):
    response = client.patch(f"/api/v1/merchant/products/{bread.id}", headers=auth,
                            json={"price_cents": 140, "stock": 35, "active": False})

    assert response.status_code == 200
    assert {k: response.json[k] for k in ("id", "price_cents", "stock", "active", "available")} \
        == {"id": bread.id, "price_cents": 140, "stock": 35, "active": False, "available": False}
    names = [p["name"] for p in client.get("/api/v1/products").json["items"]]
    assert "Baguette tradition" not in names


@pytest.mark.parametrize("body, status, field", [
    ({"price_cents": -1}, 422, "price_cents"),
    ({"price_cents": 1.2}, 422, "price_cents"),
    ({"stock": 10**9}, 422, "stock"),
    ({"stock": "5"}, 422, "stock"),
    ({"active": "yes"}, 422, "active"),
    ({"colour": "blue"}, 422, "colour"),
    ([1], 400, None),
])
def test_a_bad_product_change_is_named_and_nothing_changes(client, auth, bread, body, status,
                                                           field):
    response = client.patch(f"/api/v1/merchant/products/{bread.id}", headers=auth, json=body)

    assert (response.status_code, response.json["error"].get("field")) == (status, field)
    db.session.refresh(bread)
    assert (bread.price_cents, bread.stock, bread.active) == (130, 20, True)


def test_another_shops_product_does_not_exist(client, auth, other_shop):
    cheese = make_product(other_shop, "Fourme d'Ambert", 890, stock=5)

    response = client.patch(f"/api/v1/merchant/products/{cheese.id}", headers=auth,
                            json={"stock": 0})

    assert error_of(response)[:2] == (404, "not_found")
    assert stock_of(cheese) == 5
