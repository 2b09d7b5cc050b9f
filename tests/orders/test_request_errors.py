"""Every error a checkout request can raise is translatable: English on an English page,
French in the API whatever the browser says (programs read its codes, its texts stay put)."""
from datetime import timedelta

import pytest
from flask_babel import force_locale

from app.errors import DomainError
from app.orders.requests import MAX_VOUCHERS, parse_checkout, parse_slot_move
from app.phone import normalize_phone
from tests.factories import make_product, make_shop
from tests.web.helpers import add_to_cart, checkout_form, field_error
from tests.web.test_english_pages import assert_english

SLOT = "2026-11-24T10:00:00+01:00"


def order(**changes) -> dict:
    return {"shop": "boulangerie", "slot": SLOT,
            "lines": [{"product_id": 1, "quantity": 1}], **changes}


def payload(customer=None, orders=None, **more) -> dict:
    return {"customer": {"name": "Sam Lee", "phone": "06 12 34 56 78", **(customer or {})},
            "orders": [order()] if orders is None else orders, **more}


BAD = [  # what was sent, where the error lands, the French, the English
    ([], None, "Un objet JSON est attendu.", "A JSON object is expected."),
    (payload(orders={}), "orders", "Une liste est attendue.", "A list is expected."),
    (payload(orders=[]), "orders", "La liste ne peut pas être vide.", "The list cannot be empty."),
    (payload(orders=[order()] * 21), "orders", "20 éléments au plus.", "At most 20 items."),
    (payload(orders=[order(lines=[{"product_id": 1, "quantity": 0}])]),
     "orders[0].lines[0].quantity", "Quantité : un entier entre 1 et 999 est attendu.",
     "Quantity: a whole number between 1 and 999 is expected."),
    (payload(orders=[order(lines=[{"product_id": "1", "quantity": 1}])]),
     "orders[0].lines[0].product_id",
     "Produit : un entier entre 1 et 2147483647 est attendu.",
     "Product: a whole number between 1 and 2147483647 is expected."),
    (payload({"name": " "}), "customer.name", "Ce champ est obligatoire.",
     "This field is required."),
    (payload({"name": "x" * 101}), "customer.name", "100 caractères au plus.",
     "At most 100 characters."),
    (payload(orders=[order(slot="demain")]), "orders[0].slot",
     "Créneau illisible (ISO-8601 attendu).", "Unreadable slot (ISO-8601 expected)."),
    (payload({"phone": "12"}), "customer.phone",
     "Numéro de téléphone invalide (ex. 06 12 34 56 78).",
     "Invalid phone number (e.g. 06 12 34 56 78)."),
    (payload({"email": "sam@"}), "customer.email", "Adresse e-mail invalide.",
     "Invalid e-mail address."),
    (payload({"language": "de"}), "customer.language", "Langue inconnue ; au choix : fr, en.",
     "Unknown language; choose from: fr, en."),
    (payload({"sms_promotions": "yes"}), "customer.sms_promotions", "true ou false attendu.",
     "true or false expected."),
    (payload(orders=[order(), order()]), "orders[1].shop", "Une seule commande par boutique.",
     "One order per shop."),
    (payload(orders=[order(lines=[{"product_id": 1, "quantity": 1}] * 2)]),
     "orders[0].lines[1].product_id", "Ce produit figure déjà dans la commande.",
     "This product is already in the order."),
    (payload(vouchers="ABCD"), "vouchers", "Une liste de codes est attendue.",
     "A list of codes is expected."),
    (payload(vouchers=["A"] * (MAX_VOUCHERS + 1)), "vouchers", "5 bons au plus par commande.",
     "At most 5 vouchers per order."),
    (payload(vouchers=[" "]), "vouchers[0].code", "Code de bon illisible.",
     "Unreadable voucher code."),
]


def refusal(app, language: str, body) -> DomainError:
    with app.test_request_context("/"), force_locale(language):
        with pytest.raises(DomainError) as refused:
            parse_checkout(body)
    return refused.value


@pytest.mark.parametrize("body, field, french, english", BAD,
                         ids=[case[1] or "body" for case in BAD])
def test_each_refusal_of_a_checkout_request_in_french_and_in_english(app, body, field, french,
                                                                     english):
    in_french, in_english = refusal(app, "fr", body), refusal(app, "en", body)

    assert (in_french.message, in_french.field) == (french, field)
    assert (in_english.message, in_english.field) == (english, field)


def test_a_slot_move_and_a_phone_number_say_it_in_english_too(app):
    with app.test_request_context("/"), force_locale("en"):
        with pytest.raises(DomainError) as unreadable:
            parse_slot_move({"slot": "lundi"})
        with pytest.raises(DomainError) as wrong:
            normalize_phone("0000", field="From")
    assert unreadable.value.message == "Unreadable slot (ISO-8601 expected)."
    assert (wrong.value.message, wrong.value.field) == \
        ("Invalid phone number (e.g. 06 12 34 56 78).", "From")


def test_a_checkout_with_a_bad_phone_on_an_english_page_reads_english(client):
    north = make_shop("north-bakery", "North Bakery", address="3 Market Street")
    rye = make_product(north, "Rye loaf", 1250, stock=20)
    client.set_cookie("lang", "en")
    add_to_cart(client, rye, 1)

    refused = client.post("/commande", data=checkout_form(client, [north], name="Sam Lee",
                                                          phone="12"))

    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert field_error(html, "phone") == "Invalid phone number (e.g. 06 12 34 56 78)."
    assert_english(html)


def test_the_api_answers_in_french_whatever_the_browser_says(client, clock):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130)
    client.set_cookie("lang", "en")
    body = payload({"phone": "12"}, [order(slot=(clock.now + timedelta(days=1)).isoformat(),
                                           lines=[{"product_id": bread.id, "quantity": 1}])])

    answer = client.post("/api/v1/checkouts", json=body, headers={"Accept-Language": "en"})

    assert answer.status_code == 422
    assert answer.json["error"] == {
        "code": "invalid_phone", "field": "customer.phone",
        "message": "Numéro de téléphone invalide (ex. 06 12 34 56 78)."}


def test_an_english_shopper_short_of_stock_reads_english(app, clock):
    from app.orders.holds import hold_basket  # the hot path's own refusals
    from tests.factories import checkout_payload
    shop = make_shop()
    bread = make_product(shop, "Rye <loaf>", 130, stock=1)
    request = parse_checkout(checkout_payload({shop: [(bread, 2)]}, clock.now))
    with app.test_request_context("/"), force_locale("en"):
        with pytest.raises(DomainError) as short:
            hold_basket(request, now=clock.now, provider_name="offline", idempotency_key=None,
                        request_hash=None)
    assert short.value.message == "Only 1 left in stock for “Rye <loaf>”."
