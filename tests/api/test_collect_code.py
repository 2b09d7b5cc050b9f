"""The till app may send the code it scanned: checked when given; the contract's call
without a body still hands over."""
from app.orders import services as orders
from tests.api.conftest import error_of
from tests.web.merchant_helpers import order_at


def _ready(shop, product, clock, payments):
    order = order_at(shop, [(product, 1)], clock.now, payments)
    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)
    orders.mark_ready(order.id, shop.id, now=clock.now)
    return order


def test_a_wrong_code_is_refused_and_the_right_one_hands_over(client, shop, bread, auth,
                                                              clock, payments):
    order = _ready(shop, bread, clock, payments)
    wrong = "0000" if order.pickup_code != "0000" else "1111"
    url = f"/api/v1/merchant/orders/{order.id}/collect"

    refused = client.post(url, json={"pickup_code": wrong}, headers=auth)
    assert error_of(refused) == (422, "wrong_pickup_code", "pickup_code")
    assert client.post(url, json={"pickup_code": 4821}, headers=auth).status_code == 422

    collected = client.post(url, json={"pickup_code": order.pickup_code}, headers=auth)
    assert collected.status_code == 200 and collected.json["status"] == "collected"


def test_without_a_code_the_contracts_call_still_hands_over(client, shop, bread, auth, clock,
                                                            payments):
    order = _ready(shop, bread, clock, payments)

    collected = client.post(f"/api/v1/merchant/orders/{order.id}/collect", headers=auth)

    assert collected.status_code == 200 and collected.json["status"] == "collected"
