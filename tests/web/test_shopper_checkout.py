"""Checkout and payment pages: the API's rules, errors next to their field, nothing written
twice, and the evening shopper offered tomorrow morning."""
import re

import sqlalchemy as sa

from app.catalog.services import update_product
from app.extensions import db
from app.notify.models import SmsMessage
from tests.factories import make_product, make_shop, place_order, stock_of
from tests.web.helpers import (add_to_cart, checkout_count, checkout_form, csrf_token,
                               field_error, order_count, page, radio_values, shopper_town, text)


def _pay(client, location: str, method: str):
    html = page(client, location)
    return client.post(location, data={"csrf_token": csrf_token(html),
                                       "payment_method": method})


def test_checkout_form_errors_show_next_to_their_fields_and_nothing_is_written(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 2)
    data = checkout_form(client, [town.deli], name="", phone="abc")
    del data[f"slot_{town.deli.id}"]

    response = client.post("/commande", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "phone") == "Numéro de téléphone invalide (ex. 06 12 34 56 78)."
    assert field_error(html, "name") == "Indiquez votre nom."
    assert field_error(html, f"slot_{town.deli.id}") == "Choisissez un créneau de retrait."
    assert checkout_count() == 0 and stock_of(town.pate) == 10
    # What was typed stays in the form, with the same attempt key.
    assert 'value="abc"' in html
    assert f'value="{data["idempotency_key"]}"' in html


def test_service_refusals_land_on_the_field_they_name(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)

    response = client.post("/commande", data=checkout_form(client, [town.deli],
                                                           email="claire-chez-elle"))

    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "email") == "Adresse e-mail invalide."
    assert checkout_count() == 0


def test_a_tampered_attempt_key_gets_a_fresh_one_and_nothing_is_written(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    data = checkout_form(client, [town.deli], idempotency_key="x" * 500)

    response = client.post("/commande", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Le formulaire a expiré : vérifiez-le et validez à nouveau." in text(html)
    fresh = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', html)[1]
    assert re.fullmatch(r"web-[0-9a-f]{32}", fresh)
    assert checkout_count() == 0
    assert client.post("/commande", data={**data, "idempotency_key": fresh}).status_code == 302


def test_checkout_and_pay_then_thank_you_then_tracking_says_received(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 2)
    add_to_cart(client, town.bread, 3)
    data = checkout_form(client, [town.deli, town.bakery], phone="+33 6 12 34 56 78",
                         email="claire@example.fr")
    assert data[f"slot_{town.deli.id}"] == "2026-11-24T10:00:00+01:00"  # earliest first

    response = client.post("/commande", data=data)

    assert response.status_code == 302
    payment_url = response.headers["Location"]
    assert re.fullmatch(r"/commande/\d+/paiement", payment_url)
    assert stock_of(town.pate) == 8 and stock_of(town.bread) == 47  # held
    payment = text(page(client, payment_url))
    assert "Total 12,90 €" in payment
    assert "Articles et créneau réservés jusqu'à 09:15" in payment
    assert "Carte test acceptée" in payment and "Carte test refusée" in payment

    paid = _pay(client, payment_url, "test_ok")

    assert paid.status_code == 302 and paid.headers["Location"].endswith("/merci")
    thanks = page(client, paid.headers["Location"])
    seen = text(thanks)
    assert "Merci, c'est réservé !" in seen
    assert "Charcuterie Vidal" in seen and "Boulangerie Martin" in seen
    assert "Retrait mardi 24 novembre à 10:00" in seen
    assert "Votre panier est vide." in text(page(client, "/panier"))

    tracking_urls = re.findall(r'href="(/suivi/[^"]+)"', thanks)
    assert len(tracking_urls) == 2
    tracking = page(client, tracking_urls[0])
    assert re.search(r'data-testid="order-status">reçue<', tracking)
    assert "Retrait mardi 24 novembre à 10:00" in text(tracking)
    # The SMS links to this very page.
    bodies = db.session.scalars(sa.select(SmsMessage.body)).all()
    assert any(f"http://comptoir.test{tracking_urls[0]} " in f"{body} " for body in bodies)


def test_declined_card_shows_the_message_and_a_retry_can_succeed(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    payment_url = client.post("/commande", data=checkout_form(client, [town.deli])) \
        .headers["Location"]

    declined = _pay(client, payment_url, "test_declined")

    assert declined.status_code == 402
    html = declined.get_data(as_text=True)
    assert "Paiement refusé par la banque. Essayez une autre carte." in text(html)
    assert 'data-testid="pay-button"' in html
    assert "Pâté de campagne" in text(page(client, "/panier"))  # nothing lost
    retried = _pay(client, payment_url, "test_ok")
    assert retried.headers["Location"].endswith("/merci")


def test_submitting_the_checkout_form_twice_makes_one_checkout(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 2)
    data = checkout_form(client, [town.deli])

    first = client.post("/commande", data=data)
    second = client.post("/commande", data=data)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert checkout_count() == 1 and order_count() == 1
    assert stock_of(town.pate) == 8


def test_evening_visit_offers_tomorrow_morning_from_nine(client, clock):
    town = shopper_town()
    clock.set("2026-11-24T21:30:00+01:00")
    add_to_cart(client, town.pate, 1)

    html = page(client, "/commande")

    slots = radio_values(html, f"slot_{town.deli.id}")
    assert slots[0] == "2026-11-25T09:00:00+01:00"
    assert not any(slot.startswith("2026-11-24") for slot in slots)
    seen = text(html)
    assert "commandez ce soir, retirez demain dès 09:00" in seen
    assert "Aujourd'hui" not in seen  # no slot left today: the strip starts tomorrow
    assert "Demain 25 novembre Matin 09:00 09:15" in seen


def test_a_slot_taken_meanwhile_is_reported_next_to_the_slot_choice(client, clock, payments):
    shop = make_shop("fromagerie", "Fromagerie du Plot", seats_per_slot=1)
    cheese = make_product(shop, "Bleu d'Auvergne", 390, stock=10)
    add_to_cart(client, cheese, 1)
    data = checkout_form(client, [shop])
    place_order({shop: [(cheese, 1)]}, clock.now, payments)  # someone else was quicker

    response = client.post("/commande", data=data)

    assert response.status_code == 409
    assert field_error(response.get_data(as_text=True), f"slot_{shop.id}") == \
        "Ce créneau est complet, choisissez-en un autre."
    assert checkout_count() == 1 and stock_of(cheese) == 9


def test_not_enough_stock_is_shown_on_the_cart_line_and_nothing_is_held(client):
    town = shopper_town()
    add_to_cart(client, town.bread, 1)
    add_to_cart(client, town.tart, 3)
    data = checkout_form(client, [town.bakery])
    update_product(town.bakery.id, town.tart.id, {"stock": 1})  # sold at the counter meanwhile

    response = client.post("/commande", data=data)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    line = re.search(rf'data-product-id="{town.tart.id}".*?</li>', html, re.S)[0]
    assert "Plus que 1 en stock" in text(line)  # said on the line, in the line's words
    assert checkout_count() == 0 and stock_of(town.bread) == 50


def test_payment_page_of_another_browser_is_not_found(client, app):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    payment_url = client.post("/commande", data=checkout_form(client, [town.deli])) \
        .headers["Location"]

    stranger = app.test_client()
    assert stranger.get(payment_url).status_code == 404
    assert stranger.get(payment_url.replace("paiement", "merci")).status_code == 404
    assert client.get("/commande/999999/paiement").status_code == 404


def test_an_expired_hold_says_so_clearly(client, clock):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    payment_url = client.post("/commande", data=checkout_form(client, [town.deli])) \
        .headers["Location"]
    token = csrf_token(page(client, payment_url))
    clock.set("2026-11-24T09:20:00+01:00")

    html = page(client, payment_url)
    assert "Le délai de réservation est dépassé" in text(html)
    assert 'data-testid="pay-button"' not in html
    late = client.post(payment_url, data={"csrf_token": token, "payment_method": "test_ok"})
    assert late.status_code == 409
    assert "Le délai de réservation est dépassé" in text(late.get_data(as_text=True))
    assert "Pâté de campagne" in text(page(client, "/panier"))
