"""The tracking page the SMS links to: status, pickup, lines, history, and cancelling
before the shop confirms."""
import re

from app.orders import services as orders
from tests.factories import place_order, stock_of
from tests.web.helpers import csrf_token, page, shopper_town, text


def _tracking_url(order) -> str:
    return f"/suivi/{order.tracking_token}"


def test_tracking_page_shows_status_shop_pickup_lines_and_history(client, clock, payments):
    town = shopper_town()
    order = place_order({town.bakery: [(town.bread, 3), (town.tart, 1)]}, clock.now,
                        payments).orders[0]

    html = page(client, _tracking_url(order))

    seen = text(html)
    assert re.search(r'data-testid="order-status">reçue<', html)
    assert f"Commande n°{order.id}" in seen
    assert "Boulangerie Martin" in seen and "3 rue des Tables" in seen
    assert "Retrait mardi 24 novembre à 10:00" in seen
    assert "Baguette tradition 3 à confirmer 1,30 €" in seen
    assert "Total commandé 25,90 €" in seen
    assert "mardi 24 novembre à 09:00 — Commande enregistrée" in seen
    assert "mardi 24 novembre à 09:00 — Reçue (paiement autorisé)" in seen
    assert "panier réservé" not in seen and "attente de paiement" not in seen  # the site's words
    assert "Autorisé à la commande 25,90 €" in seen
    assert 'data-testid="cancel-order"' in html


def test_confirmed_short_order_shows_confirmed_quantities_and_no_cancel(client, clock, payments):
    town = shopper_town()
    order = place_order({town.bakery: [(town.bread, 3), (town.tart, 1)]}, clock.now,
                        payments).orders[0]
    bread_line = next(line for line in order.lines if line.name == "Baguette tradition")
    orders.confirm_lines(order.id, town.bakery.id, [(bread_line.id, 2)], now=clock.now,
                         provider=payments)

    html = page(client, _tracking_url(order))

    seen = text(html)
    assert re.search(r'data-testid="order-status">confirmée<', html)
    assert "Baguette tradition 3 2 1,30 €" in seen
    assert "Débité au retrait 24,60 €" in seen
    assert "à payer au retrait" not in seen
    assert "Article manquant (Baguette tradition : 2/3)" in seen
    assert 'data-testid="cancel-order"' not in html

    token = csrf_token(page(client, "/boutiques/boulangerie"))
    refused = client.post(f"{_tracking_url(order)}/annuler", data={"csrf_token": token},
                          follow_redirects=True)
    assert "La boutique a déjà confirmé cette commande" in text(refused.get_data(as_text=True))
    assert re.search(r'data-testid="order-status">confirmée<', refused.get_data(as_text=True))


def test_cancelling_before_confirmation_puts_the_stock_back(client, clock, payments):
    town = shopper_town()
    order = place_order({town.deli: [(town.pate, 4)]}, clock.now, payments).orders[0]
    assert stock_of(town.pate) == 6
    html = page(client, _tracking_url(order))

    response = client.post(f"{_tracking_url(order)}/annuler",
                           data={"csrf_token": csrf_token(html), "confirm": "yes"},
                           follow_redirects=True)

    after = response.get_data(as_text=True)
    assert re.search(r'data-testid="order-status">annulée<', after)
    assert "Commande annulée : elle ne vous sera pas débitée." in text(after)
    assert 'data-testid="cancel-order"' not in after
    assert stock_of(town.pate) == 10


def test_cancelling_needs_the_csrf_token(client, clock, payments):
    town = shopper_town()
    order = place_order({town.deli: [(town.pate, 4)]}, clock.now, payments).orders[0]

    assert client.post(f"{_tracking_url(order)}/annuler").status_code == 400
    assert re.search(r'data-testid="order-status">reçue<', page(client, _tracking_url(order)))
    assert stock_of(town.pate) == 6


def test_wrong_tracking_token_is_not_found(client, clock, payments):
    town = shopper_town()
    order = place_order({town.deli: [(town.pate, 1)]}, clock.now, payments).orders[0]

    assert client.get(_tracking_url(order) + "x").status_code == 404
    assert client.get("/suivi/%C3%A9t%C3%A9").status_code == 404
    html = page(client, _tracking_url(order))
    assert client.post("/suivi/inconnu/annuler",
                       data={"csrf_token": csrf_token(html)}).status_code == 404


def test_a_cancelled_order_says_why_in_the_pages_language_and_a_typed_reason_as_text(
        client, clock, payments):
    town = shopper_town()
    unavailable = place_order({town.bakery: [(town.bread, 2)]}, clock.now, payments).orders[0]
    orders.confirm_lines(unavailable.id, town.bakery.id, [(unavailable.lines[0].id, 0)],
                         now=clock.now, provider=payments)
    typed = place_order({town.deli: [(town.ham, 1)]}, clock.now, payments,
                        phone="06 98 76 54 32").orders[0]
    orders.cancel_by_shop(typed.id, town.deli.id, "<script>alert(1)</script> fermé",
                          now=clock.now, provider=payments)

    french = page(client, _tracking_url(unavailable))
    assert re.search(r'data-testid="cancel-reason">articles indisponibles<', french)
    client.get("/langue/en")
    english = page(client, _tracking_url(unavailable))
    assert re.search(r'data-testid="cancel-reason">items unavailable<', english)
    hostile = page(client, _tracking_url(typed))
    assert "<script>alert(1)" not in hostile
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fermé" in hostile
