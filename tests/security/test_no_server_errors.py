"""Issue 12, "The 500s" (the ones this file owns): bad input gets a clear 4xx, one test per
cause. A date out of range (parse_instant), a body nested 200,000 deep on collect, a page
number too big for the database (or in digits int() refuses), a NUL in a signed Twilio form."""
import uuid

import pytest
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from app.accounts.services import issue_token
from app.extensions import db
from app.notify.models import SmsInbound
from app.orders.models import Checkout, Order
from tests.factories import (checkout_payload, make_manager, make_merchant, make_product,
                             make_shop, place_order)
from tests.openapi_check import validating_client
from tests.web.merchant_helpers import csrf_token, log_in, page, submit

YEAR_ONE = "0001-01-01T00:00:00+00:01"  # UTC is in year 0: outside datetime's range
OUT_OF_RANGE = [YEAR_ONE, "9999-12-31T23:59:59-23:59", "1999-12-31T23:00:00Z"]


@pytest.fixture
def api(app):
    return validating_client(app)


@pytest.fixture
def given_order(app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=10)
    order = place_order({shop: [(bread, 2)]}, clock.now, payments).orders[0]
    return shop, order


@pytest.mark.parametrize("slot", OUT_OF_RANGE)
def test_a_checkout_slot_out_of_range_is_422(api, clock, slot):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=10)
    payload = checkout_payload({shop: [(bread, 1)]}, clock.now)
    payload["orders"][0]["slot"] = slot

    response = api.post("/api/v1/checkouts", json=payload)

    assert response.status_code == 422
    assert response.json["error"] == {"code": "invalid_slot", "field": "orders[0].slot",
                                      "message": "Créneau illisible (ISO-8601 attendu)."}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Checkout)) == 0


@pytest.mark.parametrize("slot", OUT_OF_RANGE)
def test_moving_an_order_to_a_slot_out_of_range_is_422_by_the_api(api, given_order, slot):
    shop, order = given_order
    auth = {"Authorization": f"Bearer {issue_token(make_merchant(shop))}"}

    response = api.post(f"/api/v1/merchant/orders/{order.id}/slot", json={"slot": slot},
                        headers=auth)

    assert (response.status_code, response.json["error"]["field"]) == (422, "slot")


@pytest.mark.parametrize("slot", OUT_OF_RANGE)
def test_moving_an_order_to_a_slot_out_of_range_is_refused_on_the_page(client, given_order,
                                                                       slot):
    shop, order = given_order
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    url = f"/marchand/commandes/{order.id}"

    response = submit(client, url, f"{url}/creneau", {"slot": slot})

    assert response.status_code == 422
    assert "Créneau illisible" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).slot_start == order.slot_start


def test_collect_with_a_body_nested_200000_deep_is_400(app, api, given_order):
    shop, order = given_order
    auth = {"Authorization": f"Bearer {issue_token(make_merchant(shop))}"}
    deep = "[" * 200_000 + "]" * 200_000

    response = api.post(f"/api/v1/merchant/orders/{order.id}/collect", data=deep,
                        headers={**auth, "Content-Type": "application/json"})
    nested_code = api.post(f"/api/v1/merchant/orders/{order.id}/collect",
                           data='{"pickup_code": ' + deep + "}",
                           headers={**auth, "Content-Type": "application/json"})
    nul = api.post(f"/api/v1/merchant/orders/{order.id}/collect",
                   json={"pickup_code": "12\u000034"}, headers=auth)

    assert (response.status_code, response.json["error"]["code"]) == (400, "malformed")
    assert nested_code.status_code == 400
    assert (nul.status_code, nul.json["error"]["code"]) == (422, "invalid_text")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "placed"


@pytest.mark.parametrize("page_arg", ["99999999999999999999", "²", "١", "0", "-1"])
def test_the_voucher_list_with_an_impossible_page_is_404(app, client, page_arg):
    make_manager()
    log_in(client, "manager@example.fr")

    response = client.get(f"/gestion/bons?page={page_arg}")

    assert response.status_code == 404
    assert client.get("/gestion/bons?page=2").status_code == 200


@pytest.mark.parametrize("page_arg", ["99999999999999999999", "²"])
def test_other_pages_read_an_impossible_page_as_the_first_or_last(app, client, page_arg):
    shop = make_shop()
    make_product(shop, "Baguette", 130, stock=10)

    assert client.get(f"/recherche?q=baguette&page={page_arg}").status_code == 200
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    assert client.get(f"/marchand/produits?page={page_arg}").status_code == 200


def test_a_checkout_form_naming_a_line_in_odd_digits_is_no_500(app, client):
    from tests.web.helpers import add_to_cart, checkout_form, shopper_town
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    form = checkout_form(client, [town.deli])

    for button in ("remove_line", "reduce_line"):
        for value in ("²", "99999999999999999999"):
            assert client.post("/commande", data={**form, button: value}).status_code < 500



@pytest.mark.parametrize("body", ["x", [1, 2], 3, {"quantity": {"a": 1}}, {"product_id": [1]}])
def test_a_json_body_sent_to_a_pages_form_is_refused_and_changes_nothing(app, client, body):
    # Given a shopper's basket with a pâté, and the page's own CSRF token (no barrier there)
    from tests.web.helpers import add_to_cart, shopper_town
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    token = csrf_token(page(client, "/panier"))

    # When a script posts JSON instead of the form, as a page or as a fetch would
    as_page = client.post("/panier/retirer", json=body, headers={"X-CSRFToken": token})
    as_fetch = client.post("/connexion", json=body, headers={
        "X-CSRFToken": token, "Accept": "application/json"})

    # Then it is refused, said in words (with the field), and the basket is as it was
    assert as_page.status_code == 415
    assert "Cette page attend son formulaire, pas du JSON" in as_page.get_data(as_text=True)
    assert as_fetch.status_code == 415
    assert as_fetch.json["error"]["field"] == "body"
    assert "Pâté" in page(client, "/panier")



HUGE = "9" * 400  # a paste gone wrong: past a float's range, where wtforms' check fell over


def test_a_400_digit_quantity_is_refused_on_its_field_and_the_basket_is_unchanged(app, client):
    from tests.web.helpers import add_to_cart, shopper_town
    town = shopper_town()

    response = add_to_cart(client, town.pate, HUGE)

    assert response.status_code == 302  # back to the shop's page, which says why
    assert "Une quantité entre 1 et" in page(client, response.headers["Location"])
    assert "Votre panier est vide." in page(client, "/panier")


def test_a_400_digit_setting_is_refused_on_its_field_and_nothing_is_written(app, client):
    shop = make_shop("boulangerie", "Boulangerie Martin")
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    form = {"csrf_token": csrf_token(page(client, "/marchand/reglages")), "slot_minutes": "30",
            "seats_per_slot": HUGE, "prep_minutes": "0", "hold_minutes": "15",
            "reminder_minutes": "60", "no_show_minutes": "1440"}

    refused = client.post("/marchand/reglages/retrait", data=form)

    assert refused.status_code == 422
    assert 'id="seats_per_slot-error">Entre 1 et 50' in refused.get_data(as_text=True)
    assert shop.seats_per_slot != int(HUGE)


# --- Twilio's inbound webhook -------------------------------------------------------------

TOKEN = "twilio-test-auth-token"
INBOUND = "/api/v1/webhooks/twilio/inbound"


def _signed(client, url: str, form: dict):
    signature = RequestValidator(TOKEN).compute_signature("http://comptoir.test" + url, form)
    return client.post(url, data=form, headers={"X-Twilio-Signature": signature})


@pytest.mark.parametrize("field", ["From", "Body", "MessageSid"])
def test_a_nul_in_a_signed_inbound_sms_is_refused_and_not_stored(app, api, field):
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "1" * 32,
            "From": "+33612345678", "To": "+33757000000", "Body": "STOP", "NumMedia": "0"}
    form[field] = form[field][:4] + "\x00" + form[field][4:]

    response = _signed(api, INBOUND, form)

    assert response.status_code == 422
    assert response.json["error"] == {"code": "invalid_text", "field": field,
                                      "message": "Caractère interdit dans ce texte."}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsInbound)) == 0


def test_a_delivery_report_for_an_id_in_odd_digits_is_no_500(app, api):
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    url = "/api/v1/webhooks/twilio/status?sms=%C2%B2"  # ²

    response = _signed(api, url, {"MessageSid": "SM1", "MessageStatus": "delivered"})

    assert response.status_code == 200 and response.json["message"] is None
