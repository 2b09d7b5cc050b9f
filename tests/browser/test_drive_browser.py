"""The drive in a real browser on a phone-sized screen: a shopper orders from two shops
and pays; each merchant confirms, prepares and hands over; exactly the confirmed amount is
captured."""
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.orders.models import Order
from app.payments.models import PaymentTransaction
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_merchant, make_product, make_shop, stock_of


def _testid(page, name):
    return page.get_by_test_id(name)


def test_shopper_orders_across_two_shops_and_merchants_hand_over(live_server, phone, chromium):
    # Given two shops of the town, their products and their merchants
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    butcher = make_shop("boucherie-vidal", "Boucherie Vidal")
    pate = make_product(butcher, "Pâté de campagne", 390, stock=4)
    bread = make_product(bakery, "Baguette tradition", 130, stock=30)
    make_merchant(bakery, "martin@example.fr")
    make_merchant(butcher, "vidal@example.fr")
    pate_id = pate.id
    db.session.commit()  # end the read transaction: SQLite's write lock must be free

    # When the shopper searches without the accent and adds the pâté
    phone.goto(live_server + "/")
    _testid(phone, "search-input").fill("pate")
    _testid(phone, "search-submit").click()
    results = _testid(phone, "search-results")
    assert "Pâté de campagne" in results.inner_text()
    _testid(phone, "add-to-cart").first.click()

    # … and two baguettes from the bakery's page
    phone.goto(live_server + "/boutiques/boulangerie-martin")
    _testid(phone, "add-quantity").first.fill("2")
    _testid(phone, "add-to-cart").first.click()
    _testid(phone, "add-status").wait_for()  # added in the background
    _testid(phone, "nav-cart").click()
    expect(_testid(phone, "cart-shop")).to_have_count(2)
    assert _testid(phone, "cart-total").inner_text() == "6,50\u00a0€"
    screenshot(phone, "1-cart")

    # … picks the first slot at each shop, gives name and phone, and pays
    _testid(phone, "checkout-link").click()
    for slug in ("boulangerie-martin", "boucherie-vidal"):
        _testid(phone, f"slots-{slug}").get_by_test_id("slot-radio").first.check()
    _testid(phone, "customer-name").fill("Claire Dupont")
    _testid(phone, "customer-phone").fill("06 12 34 56 78")
    screenshot(phone, "2-checkout")
    _testid(phone, "checkout-submit").click()
    _testid(phone, "method-test_ok").check()
    _testid(phone, "pay-button").click()

    # Then both orders are placed and tracked
    _testid(phone, "thanks").wait_for()  # the click only waits for the navigation to start
    assert _testid(phone, "thanks-order").count() == 2
    screenshot(phone, "3-thanks")
    _testid(phone, "tracking-link").first.click()
    assert _testid(phone, "order-status").inner_text().lower() == "reçue"
    screenshot(phone, "4-tracking")

    # When each merchant logs in on a phone, confirms, marks ready and hands over
    for email, short in (("vidal@example.fr", False), ("martin@example.fr", True)):
        context = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                       is_mobile=True, locale="fr-FR")
        shop_page = context.new_page()
        shop_page.goto(live_server + "/connexion")
        _testid(shop_page, "login-email").fill(email)
        _testid(shop_page, "login-password").fill(PASSWORD)
        _testid(shop_page, "login-submit").click()
        _testid(shop_page, "open-order").first.click()
        if short:  # the bakery has only one baguette left on the shelf
            shop_page.locator("[data-testid^=confirmed-quantity-]").first.fill("1")
        _testid(shop_page, "confirm").click()
        _testid(shop_page, "ready").click()
        db.session.rollback()  # the code the shopper shows at the counter
        order_id = int(shop_page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1])
        code = db.session.get(Order, order_id).pickup_code
        db.session.rollback()  # a SQLite reader left open would block the server's write
        _testid(shop_page, "pickup-code-input").fill(code)
        _testid(shop_page, "collect").click()
        expect(_testid(shop_page, "order-status")).to_have_attribute("data-status", "collected")
        screenshot(shop_page, f"5-merchant-{email.split('@')[0]}")
        context.close()

    # Then one capture: the pâté and the one baguette handed over, nothing more
    db.session.rollback()
    statuses = db.session.scalars(sa.select(Order.status)).all()
    assert statuses == ["collected", "collected"]
    captures = db.session.execute(sa.select(PaymentTransaction.kind,
                                            PaymentTransaction.amount_cents,
                                            PaymentTransaction.status)
                                  .where(PaymentTransaction.kind == "capture")).all()
    assert captures == [("capture", 390 + 130, "succeeded")]
    assert stock_of(bread) == 0 and db.session.get(type(pate), pate_id).stock == 3
    db.session.rollback()
