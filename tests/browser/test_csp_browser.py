"""The strict Content-Security-Policy (app/security.py) breaks nothing: on the shopper's
and the staff's main pages, with their scripts running (hold countdown, common window,
tracking poll, SMS counter, print button), the browser reports no CSP violation and no
console error. Issue 12, hole 6."""
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.orders.models import Order
from tests.browser.conftest import sign_in
from tests.factories import make_manager, make_merchant, make_product, make_shop
from tests.vouchers.helpers import issue

# How the pages look and are operated: the same on either database (tests/conftest.py).
pytestmark = pytest.mark.layout

COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + e.blockedURI + " at " +
                              e.sourceFile + ":" + e.lineNumber);
});
"""


class Watch:
    """What the browser complained about, page after page."""

    def __init__(self, page):
        self.page, self.problems = page, []
        page.add_init_script(COLLECT)
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(
            f"console: {msg.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def check(self, where: str) -> None:
        self.page.wait_for_load_state("load")
        seen = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"{where}: {v}" for v in seen]


def test_the_main_pages_run_under_the_csp_without_a_violation(app, live_server, phone):
    app.config["TRACKING_POLL_SECONDS"] = 1
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    butcher = make_shop("boucherie-vidal", "Boucherie Vidal")
    make_product(bakery, "Baguette tradition", 130, stock=30)
    make_product(butcher, "Pâté de campagne", 390, stock=4)
    make_merchant(bakery, "martin@example.fr")
    make_manager("mairie@example.fr")
    issue(app.extensions["comptoir.clock"](), 2000)
    bakery_id = bakery.id
    db.session.commit()
    watch = Watch(phone)

    def visit(path: str) -> None:
        phone.goto(live_server + path)
        watch.check(path)

    # The shopper: home, search, both shops, the basket, the checkout, payment, tracking.
    visit("/")
    visit("/recherche?q=pate")
    phone.get_by_test_id("add-to-cart").first.click()
    visit("/boutiques/boulangerie-martin")
    phone.get_by_test_id("add-to-cart").first.click()
    phone.get_by_test_id("add-status").wait_for()  # added in the background
    visit("/panier")
    visit("/commande")
    if phone.get_by_test_id("use-window").is_visible():
        phone.get_by_test_id("use-window").click()  # the window's script
        watch.check("/commande (common window)")
    for slug in ("boulangerie-martin", "boucherie-vidal"):
        radios = phone.get_by_test_id(f"slots-{slug}").get_by_test_id("slot-radio")
        if not radios.first.is_checked():
            radios.first.check()
    phone.get_by_test_id("customer-name").fill("Claire Dupont")
    phone.get_by_test_id("customer-phone").fill("06 12 34 56 78")
    phone.get_by_test_id("checkout-submit").click()
    watch.check("payment")
    expect(phone.get_by_test_id("hold-countdown")).to_be_visible()  # its script ran
    phone.get_by_test_id("method-test_ok").check()
    phone.get_by_test_id("pay-button").click()
    watch.check("thanks")
    phone.get_by_test_id("tracking-link").first.click()
    phone.wait_for_timeout(1500)  # at least one poll of the order's state
    watch.check("tracking")

    # The shop: its queue, an order with the SMS counter, its catalogue.
    visit("/connexion")
    sign_in(phone, "martin@example.fr")
    watch.check("/marchand")
    order_id = db.session.scalar(sa.select(Order.id).where(Order.shop_id == bakery_id))
    db.session.rollback()
    visit(f"/marchand/commandes/{order_id}")
    phone.get_by_test_id("message-text").fill("Bonjour")
    expect(phone.get_by_test_id("message-segments")).to_be_visible()  # its script ran
    visit("/marchand/produits")
    phone.get_by_test_id("logout").click()
    watch.check("signed out")

    # The manager: the town, failed sign-ins, vouchers and their print page.
    visit("/connexion")
    sign_in(phone, "mairie@example.fr")
    watch.check("/gestion")
    for path in ("/gestion/connexions", "/gestion/bons", "/gestion/sms", "/gestion/reversements"):
        visit(path)
    printable = phone.locator("a[href*='/imprimer']").first
    if printable.count():
        printable.click()
        watch.check("voucher print")

    assert watch.problems == []
    db.session.rollback()
