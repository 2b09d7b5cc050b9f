"""The shopper's whole journey on a phone (390x844, touch), in French and in English: search
the town, fill one basket from two shops, pick a slot at each, pay, follow the order, cancel
it. The English run starts on a French page and takes the language switch, as a visitor
would; every step's screen is saved under test-artifacts/screenshots/journey-<lang>-*.png."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.orders.models import Order
from app.payments.models import PaymentTransaction
from tests.browser.conftest import screenshot
from tests.factories import make_product, make_shop

# What each language shows for the same facts: the basket's total and an order's states.
EXPECTED = {
    "fr": {"total": "6,50\u00a0€", "placed": "reçue", "cancelled": "annulée"},
    "en": {"total": "€6.50", "placed": "received", "cancelled": "cancelled"},
}


def _testid(page, name):
    return page.get_by_test_id(name)


def _no_french_chrome(page) -> None:
    """In English, the page's own words are English: French is left to the shops' names,
    the town's, and the switch back to French, named in French."""
    text = page.locator("body").inner_text()
    for shop_words in ("Boulangerie Martin", "Boucherie Vidal", "Pâté de campagne",
                       "Baguette tradition", "Le Puy-en-Velay", "Français"):
        text = text.replace(shop_words, "")
    assert not re.search(r"[éèàêçùâôîûœ]", text), text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_search_basket_across_two_shops_slots_pay_track_cancel(live_server, phone, lang):
    # Given two shops of the town with their products
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    butcher = make_shop("boucherie-vidal", "Boucherie Vidal")
    make_product(butcher, "Pâté de campagne", 390, stock=4)
    make_product(bakery, "Baguette tradition", 130, stock=30)
    db.session.commit()  # end the read transaction: SQLite's write lock must be free
    expected = EXPECTED[lang]

    # When the shopper opens the town's home page (French first) and, for English, switches
    phone.goto(live_server + "/")
    assert phone.locator("html").get_attribute("lang") == "fr"
    if lang == "en":
        _testid(phone, "lang-switch").click()
        expect(phone.locator("html")).to_have_attribute("lang", "en")
        assert phone.url.rstrip("/") == live_server  # back on the same page
        _no_french_chrome(phone)
    screenshot(phone, f"journey-{lang}-1-home")

    # … searches without the accent and adds the pâté
    _testid(phone, "search-input").fill("pate")
    _testid(phone, "search-submit").click()
    assert "Pâté de campagne" in _testid(phone, "search-results").inner_text()
    screenshot(phone, f"journey-{lang}-2-search")
    _testid(phone, "add-to-cart").first.click()

    # … and two baguettes from the bakery's page
    phone.goto(live_server + "/boutiques/boulangerie-martin")
    _testid(phone, "add-quantity").first.fill("2")
    _testid(phone, "add-to-cart").first.click()
    _testid(phone, "add-status").wait_for()  # added in the background

    # Then one basket holds both shops, with the total in the page's language
    _testid(phone, "nav-cart").click()
    expect(_testid(phone, "cart-shop")).to_have_count(2)
    assert _testid(phone, "cart-total").inner_text() == expected["total"]
    if lang == "en":
        _no_french_chrome(phone)
    screenshot(phone, f"journey-{lang}-3-basket")

    # When they pick a slot at each shop, give a name and a phone, and pay
    _testid(phone, "checkout-link").click()
    for slug in ("boulangerie-martin", "boucherie-vidal"):
        _testid(phone, f"slots-{slug}").get_by_test_id("slot-radio").first.check()
    _testid(phone, "customer-name").fill("Claire Dupont")
    _testid(phone, "customer-phone").fill("06 12 34 56 78")
    if lang == "en":
        _no_french_chrome(phone)
    screenshot(phone, f"journey-{lang}-4-checkout")
    _testid(phone, "checkout-submit").click()
    _testid(phone, "method-test_ok").check()
    screenshot(phone, f"journey-{lang}-5-payment")
    _testid(phone, "pay-button").click()

    # Then two orders are placed, one per shop, each with its tracking page
    _testid(phone, "thanks").wait_for()  # the click only waits for the navigation to start
    assert _testid(phone, "thanks-order").count() == 2
    screenshot(phone, f"journey-{lang}-6-thanks")
    _testid(phone, "tracking-link").first.click()
    status = _testid(phone, "order-status")
    assert status.inner_text().strip().lower() == expected["placed"]
    if lang == "en":
        _no_french_chrome(phone)
    screenshot(phone, f"journey-{lang}-7-tracking")

    # When they cancel that order before the shop confirms it, and confirm
    _testid(phone, "cancel-order").click()
    assert _testid(phone, "order-status").inner_text().strip().lower() == expected["placed"]
    _testid(phone, "cancel-confirm").click()

    # Then the page says it is cancelled, and nothing of it will be charged
    assert _testid(phone, "order-status").inner_text().strip().lower() == expected["cancelled"]
    assert _testid(phone, "cancel-order").count() == 0
    screenshot(phone, f"journey-{lang}-8-cancelled")
    db.session.rollback()
    statuses = sorted(db.session.scalars(sa.select(Order.status)))
    assert statuses == ["cancelled", "placed"]
    captures = db.session.scalars(sa.select(PaymentTransaction.id)
                                  .where(PaymentTransaction.kind == "capture")).all()
    assert captures == []
    db.session.rollback()
