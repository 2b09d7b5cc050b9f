"""GET /api/v1/merchant/orders/state: an app polls it cheaply (ETag, 304 while nothing
changed) and reads the queue again only when its version moves."""
from app.orders import services as orders
from tests.api.conftest import bearer, error_of
from tests.factories import make_merchant, make_product, make_shop, place_order

URL = "/api/v1/merchant/orders/state"


def test_the_version_moves_with_the_queue_and_304_while_it_does_not(client, shop, bread, auth,
                                                                    clock, payments):
    order = place_order({shop: [(bread, 1)]}, clock.now, payments).orders[0]

    first = client.get(URL, headers=auth)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert first.get_json() | {"version": "v"} == {"version": "v", "to_do": 1, "done": 0,
                                                    "date": "2026-11-24"}
    assert first.headers["ETag"] == f'"{first.get_json()["version"]}"'
    same = client.get(URL, headers={**auth, "If-None-Match": first.headers["ETag"]})
    assert same.status_code == 304

    orders.cancel_by_shop(order.id, shop.id, "Four en panne", now=clock.now, provider=payments)
    moved = client.get(URL, headers={**auth, "If-None-Match": first.headers["ETag"]})
    assert moved.status_code == 200
    assert (moved.get_json()["to_do"], moved.get_json()["done"]) == (0, 1)
    assert moved.get_json()["version"] != first.get_json()["version"]


def test_another_shops_orders_do_not_move_it(client, shop, bread, auth, clock, payments):
    butcher = make_shop("boucherie", "Boucherie Roux")
    ham = make_product(butcher, "Jambon", 450)
    first = client.get(URL, headers=auth)

    place_order({butcher: [(ham, 1)]}, clock.now, payments)

    assert client.get(URL, headers={**auth, "If-None-Match": first.headers["ETag"]}) \
        .status_code == 304
    theirs = client.get(URL, headers=bearer(make_merchant(butcher)))
    assert theirs.get_json()["to_do"] == 1


def test_a_bad_date_or_no_token_is_refused(client, auth):
    assert error_of(client.get(URL, query_string={"date": "2026-13-01"}, headers=auth)) \
        == (422, "invalid_date", "date")
    assert client.get(URL).status_code == 401
