"""The live queue at /marchand: its state (/marchand/etat) answers 304 while nothing
changed and a new version when an order is paid, cancelled or moved; its list
(/marchand/liste) is the page's own rendering, to do apart from done."""
import re

from app.orders import services as orders
from app.timeutil import parse_instant
from tests.factories import make_merchant, make_product, make_shop, place_order
from tests.web.merchant_helpers import log_in, order_at, page

TUE_11 = "2026-11-24T11:00:00+01:00"


def given_a_bakery(client):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=50)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    return shop, bread


def state(client, etag: str | None = None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get("/marchand/etat", headers=headers)


def ids_in(html: str, section: str) -> list[int]:
    part = re.search(rf'data-testid="{section}">(.*?)</div>\n', html, re.S)
    if part is None:
        return []
    return [int(i) for i in re.findall(r'data-testid="queue-order" data-order-id="(\d+)"',
                                       part.group(1))]


def test_the_state_is_small_never_cached_and_304_while_nothing_changed(app, client, clock,
                                                                      payments):
    shop, bread = given_a_bakery(client)
    order_at(shop, [(bread, 1)], clock.now, payments)

    first = state(client)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-store"
    body = first.get_json()
    assert body["to_do"] == 1 and body["done"] == 0 and body["day"] == "2026-11-24"
    assert first.headers["ETag"] == f'"{body["version"]}"'

    again = state(client, first.headers["ETag"])
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["Cache-Control"] == "no-store"


def test_the_version_moves_when_an_order_is_paid_cancelled_or_moved(app, client, clock,
                                                                    payments):
    shop, bread = given_a_bakery(client)
    order = order_at(shop, [(bread, 1)], clock.now, payments)
    versions = [state(client).get_json()["version"]]

    newcomer = order_at(shop, [(bread, 2)], clock.now, payments, slot=2, phone="0622222222")
    answer = state(client, f'"{versions[-1]}"')
    assert answer.status_code == 200 and answer.get_json()["to_do"] == 2
    versions.append(answer.get_json()["version"])

    orders.move_slot(newcomer.id, parse_instant(TUE_11), shop_id=shop.id,
                     actor=orders.shop_actor(shop.id), now=clock.now)
    answer = state(client, f'"{versions[-1]}"')
    assert answer.status_code == 200 and answer.get_json()["to_do"] == 2
    versions.append(answer.get_json()["version"])

    orders.cancel_by_shop(order.id, shop.id, "Four en panne", now=clock.now, provider=payments)
    answer = state(client, f'"{versions[-1]}"')
    assert answer.status_code == 200
    assert (answer.get_json()["to_do"], answer.get_json()["done"]) == (1, 1)
    versions.append(answer.get_json()["version"])

    assert len(set(versions)) == 4


def test_another_shops_orders_and_unpaid_baskets_leave_the_state_alone(app, client, clock,
                                                                       payments):
    shop, bread = given_a_bakery(client)
    butcher = make_shop("boucherie", "Boucherie Roux")
    ham = make_product(butcher, "Jambon", 450)
    first = state(client)

    order_at(butcher, [(ham, 1)], clock.now, payments, phone="0633333333")
    place_order({shop: [(bread, 1)]}, clock.now, payments, pay=False, phone="0644444444")

    assert state(client, first.headers["ETag"]).status_code == 304
    assert "Jambon" not in client.get("/marchand/liste").get_data(as_text=True)


def test_the_list_puts_what_is_to_do_apart_from_what_is_done(app, client, clock, payments):
    shop, bread = given_a_bakery(client)
    to_do = order_at(shop, [(bread, 1)], clock.now, payments, slot=1, phone="0611111111")
    done = order_at(shop, [(bread, 1)], clock.now, payments, slot=0, phone="0622222222")
    orders.cancel_by_shop(done.id, shop.id, "Rupture", now=clock.now, provider=payments)

    for html in (page(client, "/marchand"), page(client, "/marchand/liste")):
        assert ids_in(html, "queue-to-do") == [to_do.id]
        assert ids_in(html, "queue-done") == [done.id]
        assert 'data-testid="to-do-count">1<' in html and 'data-testid="done-count">1<' in html

    response = client.get("/marchand/liste")
    assert response.headers["Cache-Control"] == "no-store"
    assert "<html" not in response.get_data(as_text=True)  # the fragment, not a page


def test_the_title_counts_what_is_to_do_and_the_page_knows_where_to_poll(app, client, clock,
                                                                        payments):
    shop, bread = given_a_bakery(client)
    assert "<title>Commandes · Boulangerie Martin" in page(client, "/marchand")
    order_at(shop, [(bread, 1)], clock.now, payments)
    order_at(shop, [(bread, 1)], clock.now, payments, slot=1, phone="0622222222")
    app.config["QUEUE_POLL_SECONDS"] = 3

    html = page(client, "/marchand?date=2026-11-24")

    assert "<title>(2) Commandes · Boulangerie Martin" in html
    assert 'data-state-url="/marchand/etat?date=2026-11-24"' in html
    assert 'data-list-url="/marchand/liste?date=2026-11-24"' in html
    assert 'data-poll-seconds="3"' in html
    assert re.search(r'<script src="/static/js/queue\.js\?v=\w+" defer></script>', html)

    # Opened without a date, the page follows today: its polls name no day
    html = page(client, "/marchand")
    assert 'data-state-url="/marchand/etat"' in html and 'data-list-url="/marchand/liste"' in html
    assert 'data-day="2026-11-24"' in html


def test_the_whole_row_is_the_orders_link_and_the_phone_a_link_apart(app, client, clock,
                                                                     payments):
    shop, bread = given_a_bakery(client)
    order = order_at(shop, [(bread, 2)], clock.now, payments, name="Léa Martin")

    html = page(client, "/marchand")

    row = re.search(r'<a class="queue-link" href="([^"]+)" data-testid="open-order">(.*?)</a>',
                    html, re.S)
    assert row.group(1) == f"/marchand/commandes/{order.id}"
    assert "Léa Martin" in row.group(2) and "2,60\u00a0€" in row.group(2)
    assert "tel:" not in row.group(2)  # no link inside the link
    assert 'href="tel:+33612345678"' in html


def test_a_bad_day_is_refused_by_the_state_and_the_list(app, client, clock, payments):
    given_a_bakery(client)
    response = client.get("/marchand/etat?date=2026-13-40")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid"
    assert client.get("/marchand/liste?status=nope").status_code == 400


def test_signed_out_visitors_get_no_state(app, client):
    assert client.get("/marchand/etat").status_code in (302, 401, 403)
    assert client.get("/marchand/liste").status_code in (302, 401, 403)
