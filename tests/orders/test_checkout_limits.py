"""Hole 5 of issue 12: anyone could empty a shop. One request held all 507 units of a shop
for 15 minutes, and could be repeated forever. Now a line takes at most its product's
`max_per_order` (the shop's setting, 20 unless it says otherwise), a phone number at most 3
checkouts waiting for payment and an address at most 10 (429 with Retry-After beyond,
counted in the database), and the manager sees who holds what."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g

from app.catalog.models import DEFAULT_MAX_PER_ORDER, Product
from app.database import unit_of_work
from app.extensions import db
from app.orders.models import Checkout
from app.orders.services import expire_checkout
from tests.api.conftest import auth, bearer, count, create_checkout, error_of  # noqa: F401
from tests.conftest import app_on
from tests.factories import (PASSWORD, checkout_payload, make_manager, make_merchant,
                             make_product, make_shop, stock_of)
from tests.openapi_check import validating_client
from tests.web import helpers as web
from tests.web.merchant_helpers import log_in, page, text


@pytest.fixture
def client(app):
    return validating_client(app)


@pytest.fixture
def shop(app):
    return make_shop()


@pytest.fixture
def bread(shop):
    return make_product(shop, "Baguette tradition", 130, stock=500)


def _checkout(client, shop, bread, now, *, quantity=1, phone="06 12 34 56 78", ip="203.0.113.7",
              key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/checkouts",
                       json=checkout_payload({shop: [(bread, quantity)]}, now, phone=phone),
                       headers=headers, environ_base={"REMOTE_ADDR": ip})


# --- a line's maximum -------------------------------------------------------------------

def test_a_line_over_the_products_maximum_is_refused_on_its_quantity(client, clock, shop,
                                                                        bread):
    assert bread.max_per_order == DEFAULT_MAX_PER_ORDER == 20

    response = _checkout(client, shop, bread, clock.now, quantity=21)

    assert error_of(response) == (422, "over_line_limit", "orders[0].lines[0].quantity")
    assert "20 au plus par commande pour « Baguette tradition »" in \
        response.json["error"]["message"]
    assert count(Checkout) == 0 and stock_of(bread) == 500
    assert _checkout(client, shop, bread, clock.now, quantity=20).status_code == 201


def test_the_shop_sets_the_maximum_by_the_api(client, clock, shop, bread, auth):
    changed = client.patch(f"/api/v1/merchant/products/{bread.id}", json={"max_per_order": 2},
                           headers=auth)

    assert changed.status_code == 200 and changed.json["max_per_order"] == 2
    listed = client.get("/api/v1/products?shop=boulangerie").json["items"]
    assert [p["max_per_order"] for p in listed] == [2]
    assert error_of(_checkout(client, shop, bread, clock.now, quantity=3))[1] == \
        "over_line_limit"
    for wrong in (0, 1000, "5", None):
        refused = client.patch(f"/api/v1/merchant/products/{bread.id}",
                               json={"max_per_order": wrong}, headers=auth)
        assert error_of(refused) == (422, "invalid", "max_per_order")


def test_the_shop_sets_the_maximum_on_its_catalogue_page(app, clock, shop, bread):
    browser = app.test_client()
    make_merchant(shop)
    log_in(browser, "boulangerie@example.fr")
    html = page(browser, "/marchand/produits")
    form = re.search(rf'<form method="post" action="/marchand/produits/{bread.id}".*?</form>',
                     html, re.S)[0]
    data = {re.search(r'name="([^"]+)"', tag)[1]: re.search(r'value="([^"]*)"', tag)[1]
            for tag in re.findall(r"<input\b[^>]*>", form)
            if 'type="checkbox"' not in tag or " checked" in tag}
    assert data[f"p{bread.id}-max_per_order"] == "20"

    refused = browser.post(f"/marchand/produits/{bread.id}",
                           data={**data, f"p{bread.id}-max_per_order": "0"})
    saved = browser.post(f"/marchand/produits/{bread.id}",
                         data={**data, f"p{bread.id}-max_per_order": "6"})

    assert refused.status_code == 422 and "Entre 1 et 999." in text(refused)
    assert saved.status_code == 302
    db.session.refresh(bread)
    assert bread.max_per_order == 6


# --- unpaid checkouts per phone and per address -------------------------------------------

def test_a_fourth_unpaid_checkout_from_one_phone_is_429_until_one_ends(client, clock, shop,
                                                                     bread):
    for minute in range(3):
        clock.now += timedelta(minutes=1)
        assert _checkout(client, shop, bread, clock.now, ip=f"198.51.100.{minute}") \
            .status_code == 201

    refused = _checkout(client, shop, bread, clock.now, ip="198.51.100.9")

    assert error_of(refused) == (429, "rate_limited", None)
    assert "paniers en attente de paiement" in refused.json["error"]["message"]
    # The first hold (15 minutes, made 2 minutes ago) runs out in 13 minutes.
    assert refused.headers["Retry-After"] == str(13 * 60)
    assert count(Checkout) == 3 and stock_of(bread) == 497
    # Another phone is not concerned; paying one of them frees a place.
    assert _checkout(client, shop, bread, clock.now, phone="06 99 88 77 66").status_code == 201
    first = db.session.scalar(sa.select(Checkout.id).order_by(Checkout.id))
    assert client.post(f"/api/v1/checkouts/{first}/pay",
                       json={"payment_method": "test_ok"}).status_code == 200
    assert _checkout(client, shop, bread, clock.now).status_code == 201


def test_a_hold_past_its_expiry_no_longer_counts(client, clock, shop, bread):
    for _ in range(3):
        assert _checkout(client, shop, bread, clock.now).status_code == 201
    clock.now += timedelta(minutes=15)  # run out, the sweep not passed yet

    assert _checkout(client, shop, bread, clock.now).status_code == 201
    assert count(Checkout) == 4


def test_one_address_may_not_hold_more_than_its_share(database_uri, clock):
    with app_on(database_uri, clock, CHECKOUT_PENDING_PER_IP=2) as app:
        client = validating_client(app)
        shop = make_shop()
        bread = make_product(shop, "Baguette tradition", 130, stock=50)
        phones = ["06 12 34 56 01", "06 12 34 56 02", "06 12 34 56 03"]
        answers = [_checkout(client, shop, bread, clock.now, phone=phone, ip="192.0.2.1")
                   for phone in phones]

        assert [a.status_code for a in answers] == [201, 201, 429]
        assert error_of(answers[2]) == (429, "rate_limited", None)
        assert int(answers[2].headers["Retry-After"]) == 15 * 60
        assert _checkout(client, shop, bread, clock.now, phone=phones[2],
                         ip="192.0.2.2").status_code == 201
        assert db.session.scalars(sa.select(Checkout.client_ip).order_by(Checkout.id)).all() \
            == ["192.0.2.1", "192.0.2.1", "192.0.2.2"]


def test_a_retry_with_its_idempotency_key_is_answered_not_counted(client, clock, shop, bread):
    first = _checkout(client, shop, bread, clock.now, key="panier-1")
    for _ in range(2):
        assert _checkout(client, shop, bread, clock.now).status_code == 201

    again = _checkout(client, shop, bread, clock.now, key="panier-1")

    assert again.status_code == 201 and again.json["id"] == first.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(Checkout) == 3


# --- the shopper's checkout page -----------------------------------------------------------

def _web_checkout(app, town, phone="06 12 34 56 78"):
    """Another shopper's browser. Flask-WTF keeps the form token of the request on `g`,
    which the test's app context keeps from one request to the next: a new browser must
    not be handed the previous one's."""
    g.pop("csrf_token", None)
    browser = app.test_client()
    web.add_to_cart(browser, town.bread, 1)
    return browser, browser.post("/commande", data=web.checkout_form(browser, [town.bakery],
                                                                     phone=phone))


def test_the_checkout_page_says_why_a_fourth_basket_is_refused(app):
    town = web.shopper_town()
    for _ in range(3):
        assert _web_checkout(app, town)[1].status_code == 302

    _browser, refused = _web_checkout(app, town)

    assert refused.status_code == 429 and refused.headers["Retry-After"] == str(15 * 60)
    assert "Trop de paniers en attente de paiement pour ce numéro ou cette connexion" in \
        web.text(refused.get_data(as_text=True))
    assert web.checkout_count() == 3


def test_the_checkout_page_names_the_line_over_its_maximum(app):
    town = web.shopper_town()
    browser = app.test_client()
    web.add_to_cart(browser, town.bread, 25)  # the basket takes 20, the most allowed
    form = web.checkout_form(browser, [town.bakery])
    with unit_of_work():  # meanwhile the shop lowers its limit
        db.session.get(Product, town.bread.id).max_per_order = 10

    refused = browser.post("/commande", data=form)

    assert refused.status_code == 422
    assert "10 au plus par commande pour « Baguette tradition »" in \
        web.text(refused.get_data(as_text=True))
    assert web.checkout_count() == 0 and stock_of(town.bread) == 50


def test_the_same_form_sent_again_gives_the_same_checkout(app):
    """A response cut by a killed worker: the browser sends the form again. The page's
    attempt key (a hidden field, the same in both) brings back the checkout already held."""
    town = web.shopper_town()
    browser = app.test_client()
    web.add_to_cart(browser, town.bread, 2)
    data = web.checkout_form(browser, [town.bakery])
    assert re.fullmatch(r"web-[0-9a-f]{32}", data["idempotency_key"])

    first = browser.post("/commande", data=data)
    again = browser.post("/commande", data=data)

    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert web.checkout_count() == 1 and stock_of(town.bread) == 48
    assert page(browser, again.headers["Location"])  # the payment page of that checkout


# --- the manager sees who holds what ---------------------------------------------------------

def test_the_manager_sees_the_pending_holds_largest_first(app, client, clock, shop, bread):
    cheese_shop = make_shop("fromagerie", "Fromagerie Vidal")
    cheese = make_product(cheese_shop, "Fourme d'Ambert", 890, stock=30)
    _checkout(client, shop, bread, clock.now, quantity=2, phone="06 11 22 33 44",
              ip="203.0.113.5")
    big = client.post("/api/v1/checkouts", json=checkout_payload(
        {shop: [(bread, 20)], cheese_shop: [(cheese, 15)]}, clock.now, phone="07 55 66 77 88"),
        environ_base={"REMOTE_ADDR": "2001:db8::1"})
    assert big.status_code == 201
    paid = _checkout(client, shop, bread, clock.now, phone="06 00 00 00 01")
    client.post(f"/api/v1/checkouts/{paid.json['id']}/pay", json={"payment_method": "test_ok"})
    gone = _checkout(client, shop, bread, clock.now, phone="06 00 00 00 02")
    clock.now += timedelta(minutes=16)
    expire_checkout(gone.json["id"], now=clock.now)
    clock.now -= timedelta(minutes=16)

    browser = app.test_client()
    make_manager()
    log_in(browser, "manager@example.fr")
    html = page(browser, "/gestion/paniers")

    rows = re.findall(r'<tr data-testid="hold".*?</tr>', html, re.S)
    cells = [web.text(row) for row in rows]
    assert cells == [
        "+337••••••88 2001:db8::1 Boulangerie Martin, Fromagerie Vidal 35 "
        "159,50 € mardi 24 novembre à 09:15",
        "+336••••••44 203.0.113.5 Boulangerie Martin 2 2,60 € mardi 24 novembre à 09:15"]
    assert "Paniers en attente" in page(browser, "/gestion")  # in the staff navigation


def test_a_merchant_does_not_see_the_holds(app, shop):
    browser = app.test_client()
    make_merchant(shop)
    log_in(browser, "boulangerie@example.fr")

    assert browser.get("/gestion/paniers").status_code == 403


