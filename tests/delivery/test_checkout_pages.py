"""The shopper's delivery step without JavaScript: the address typed and sent, the server's
suggestions as radio buttons, the windows (the full one explained), the fee; the checkout
page then shows the delivery instead of the slots and pays. Refusals on their field."""
import sqlalchemy as sa

from app.delivery.models import DeliveryRequest
from app.database import unit_of_work
from app.delivery.services import drops_taken, take_drop
from app.extensions import db
from app.orders.models import Checkout
from tests.delivery.helpers import TABLES, evening_window, town_zone
from tests.web.helpers import (add_to_cart, csrf_token, input_value, page, radio_values,
                               shopper_town, text)


def _delivery_town():
    town = shopper_town()
    town.zone, town.window = town_zone(), evening_window()
    return town


def _choose_window(client, label=TABLES.label):
    html = page(client, f"/panier/livraison?adresse={label}")
    offered = [value for value in radio_values(html, "window")
               if f'value="{value}" disabled' not in html]
    return client.post("/panier/livraison", data={
        "csrf_token": csrf_token(html), "adresse": label, "window": offered[0]})


def test_a_basket_delivered_at_home_from_the_cart_to_the_payment(client, clock):
    town = _delivery_town()
    add_to_cart(client, town.pate, 3)  # 13.50 €
    add_to_cart(client, town.bread, 6)  # 7.80 €
    cart = page(client, "/panier")
    assert "Livraison à domicile" in text(cart)

    typed = page(client, "/panier/livraison?q=12+rue+des+tab&chercher=1")
    assert radio_values(typed, "adresse")[0] == TABLES.label

    windows = page(client, f"/panier/livraison?adresse={TABLES.label}")
    said = text(windows)
    assert "Frais de livraison 4,90 €" in said
    assert "Mardi 24 novembre, 17:00 – 19:00" in said
    assert "(une boutique est fermée)" in said  # Sunday: the shops are closed

    chosen = _choose_window(client)
    assert chosen.status_code == 302 and chosen.location.endswith("/commande")

    checkout = page(client, "/commande")
    said = text(checkout)
    assert "Livraison le mardi 24 novembre entre 17:00 et 19:00" in said
    assert TABLES.label in said
    assert "Frais de livraison 4,90 €" in said and "Total 26,20 €" in said
    assert 'name="slot_' not in checkout  # no pickup slot to choose
    sent = client.post("/commande", data={
        "csrf_token": csrf_token(checkout),
        "idempotency_key": input_value(checkout, "idempotency_key"),
        "name": "Claire Dupont", "phone": "06 12 34 56 78", "email": ""})

    assert sent.status_code == 302 and "/paiement" in sent.location
    placed = db.session.scalar(sa.select(Checkout))
    assert placed.total_cents == 1350 + 780 + 490
    assert db.session.scalar(sa.select(DeliveryRequest.checkout_id)) == placed.id
    assert drops_taken(town.window.id, clock.now.date()) == 1
    payment = page(client, sent.location)
    assert "26,20" in text(payment)

    tracking = page(client, f"/suivi/{placed.orders[0].tracking_token}")
    said = text(tracking)
    assert "Livraison mardi 24 novembre entre 17:00 et 19:00" in said
    assert "Donnez votre code de retrait au livreur" in said
    assert "Retrait mardi" not in said  # no pickup time for a basket brought home


def test_an_address_outside_the_zones_says_so_and_leads_to_pickup(client):
    town = _delivery_town()
    add_to_cart(client, town.ham, 4)

    response = client.get("/panier/livraison?adresse=8 avenue de Vals, 43750 Vals-près-le-Puy")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nous ne livrons pas à cette adresse" in text(html)
    assert 'href="/commande?mode=retrait"' in html
    assert 'name="window"' not in html


def test_a_basket_below_the_minimum_says_how_much_is_missing(client):
    town = _delivery_town()
    add_to_cart(client, town.bread, 2)  # 2.60 €, the minimum is 20 €

    response = client.get(f"/panier/livraison?adresse={TABLES.label}")

    assert response.status_code == 422
    assert "encore 17,40 €" in text(response.get_data(as_text=True))


def test_an_address_nobody_knows_gets_no_suggestion_and_is_told(client):
    town = _delivery_town()
    add_to_cart(client, town.ham, 4)

    html = page(client, "/panier/livraison?q=chemin+de+nulle+part&chercher=1")

    assert "Aucune adresse trouvée" in text(html)
    assert radio_values(html, "adresse") == []


def test_a_window_full_meanwhile_is_refused_on_the_window_and_nothing_kept(client, clock):
    town = _delivery_town()
    add_to_cart(client, town.ham, 4)
    html = page(client, f"/panier/livraison?adresse={TABLES.label}")
    town.window.drops = 1
    db.session.commit()
    _take_the_last_drop(town, clock)

    response = client.post("/panier/livraison", data={
        "csrf_token": csrf_token(html), "adresse": TABLES.label,
        "window": f"{town.window.id}:2026-11-24"})

    assert response.status_code == 409
    said = text(response.get_data(as_text=True))
    assert "Ce créneau de livraison est complet" in said
    assert "(complet)" in said
    assert "Livraison le" not in text(page(client, "/commande"))  # still the pickup slots


def test_pickup_chosen_after_delivery_brings_the_slots_back(client):
    town = _delivery_town()
    add_to_cart(client, town.ham, 4)
    _choose_window(client)

    back = client.get("/commande?mode=retrait")
    assert back.status_code == 302 and back.location.endswith("/commande")
    html = page(client, "/commande")

    assert radio_values(html, f"slot_{town.deli.id}")
    assert "Livraison le" not in text(html)


def _take_the_last_drop(town, clock):
    with unit_of_work():
        take_drop(town.window, clock.now.date(), field="window")
