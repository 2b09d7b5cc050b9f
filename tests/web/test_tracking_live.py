"""The state the open tracking page polls: what the shop did, the slot, whether the
shopper may still cancel; a late cancel told plainly."""
from app.orders import services as orders
from tests.factories import make_product, make_shop
from tests.web.merchant_helpers import csrf_token, order_at, page, text


def _given_an_order(clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=10)
    return shop, order_at(shop, [(bread, 2)], clock.now, payments)


def test_the_state_follows_the_shop_and_the_cancel_button_goes(client, clock, payments):
    shop, order = _given_an_order(clock, payments)
    url = f"/suivi/{order.tracking_token}/etat"

    placed = client.get(url)
    assert placed.headers["Cache-Control"] == "no-store"
    assert (placed.json["status"], placed.json["label"], placed.json["cancellable"],
            placed.json["ended"]) == ("placed", "reçue", True, False)
    assert placed.json["slot"]["label"] == "Retrait mardi 24 novembre à 10:00"
    assert placed.json["slot"]["start"] == "2026-11-24T10:00:00+01:00"

    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)
    confirmed = client.get(url).json
    assert (confirmed["status"], confirmed["label"], confirmed["cancellable"]) == \
        ("confirmed", "confirmée", False)
    assert confirmed["version"] != placed.json["version"]

    orders.mark_ready(order.id, shop.id, now=clock.now)
    ready = client.get(url).json
    assert (ready["status"], ready["label"]) == ("ready", "prête")
    assert ready["version"] != confirmed["version"]
    assert [e["label"] for e in ready["events"]][-2:] == ["Confirmée", "Prête"]
    assert client.get(url).json["version"] == ready["version"]  # nothing new: no redraw


def test_the_page_starts_from_the_version_it_drew_and_works_without_js(client, clock,
                                                                       payments):
    _, order = _given_an_order(clock, payments)

    html = page(client, f"/suivi/{order.tracking_token}")

    version = client.get(f"/suivi/{order.tracking_token}/etat").json["version"]
    assert f'data-version="{version}"' in html  # read by static/js/tracking.js (CSP: no inline script)
    assert f'<a href="/suivi/{order.tracking_token}" data-testid="refresh">Actualiser</a>' \
        in html
    assert 'aria-live="polite" data-testid="order-status">reçue<' in html


def test_a_wrong_token_finds_nothing(client, clock, payments):
    _given_an_order(clock, payments)

    for url in ("/suivi/not-a-token/etat", "/suivi/not-a-token/retrait.ics",
                "/suivi/not-a-token"):
        assert client.get(url).status_code == 404


def test_an_ended_order_stops_the_polling(client, clock, payments):
    shop, order = _given_an_order(clock, payments)
    orders.cancel_by_shop(order.id, shop.id, "Fermeture exceptionnelle", now=clock.now,
                          provider=payments)

    state = client.get(f"/suivi/{order.tracking_token}/etat").json
    html = page(client, f"/suivi/{order.tracking_token}")

    assert (state["status"], state["ended"], state["cancellable"]) == ("cancelled", True, False)
    assert "<script" not in html.split("<main", 1)[-1]  # no poller once it is over


def test_a_cancel_after_the_shop_confirmed_is_refused_plainly(client, clock, payments):
    shop, order = _given_an_order(clock, payments)
    tracking = f"/suivi/{order.tracking_token}"
    token_page = page(client, tracking)  # the shopper's page, open before the shop confirmed
    assert 'data-testid="cancel-order"' in token_page
    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)

    response = client.post(f"{tracking}/annuler", data={"csrf_token": csrf_token(token_page)},
                           follow_redirects=True)

    assert "La boutique a déjà confirmé cette commande : appelez-la pour l'annuler." \
        in text(response)
    assert 'data-testid="cancel-order"' not in text(response)
    assert client.get(f"{tracking}/etat").json["status"] == "confirmed"
