"""A real server on a free port and Debian's chromium driven by Playwright.

Without chromium the browser tests skip, saying why, except under CI where they must run."""
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Background networking off: this machine has no outside network, and nothing may leak.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def pytest_collection_modifyitems(items):
    """A live server answers from its own threads, on its own connections: a test using it
    commits for real (see tests/conftest.py)."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.real_commits)


@contextmanager
def serving(app):
    """The app served on a free port from a thread; PUBLIC_URL set to it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True,
                              kwargs={"poll_interval": 0.02})  # a quick shutdown
    thread.start()
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app.config["PUBLIC_URL"]
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def live_server(app):
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI requires Debian's chromium for the browser tests (bin/test installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def phone_page(chromium):
    """A phone-sized page (390x844, touch), as most shoppers use."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                   is_mobile=True, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def sign_in(page, email: str) -> None:
    """Fill the sign-in form the page shows with the test accounts' password, and send it."""
    from tests.factories import PASSWORD
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


@pytest.fixture
def phone(chromium):
    with phone_page(chromium) as page:
        yield page


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- The shopper's pages, one after another (accessibility, touch targets, page weight) ---

@pytest.fixture
def two_shop_town(app):
    return make_two_shop_town()


def make_two_shop_town() -> dict:
    """A bakery and a butcher, open on the clock's Tuesday morning, with a few products,
    each with its photo, and the shops with their logos (the pages are checked with them)."""
    from flask import current_app

    from app.demo.pictures import product_picture, shop_logo
    from app.extensions import db
    from app.photos.services import set_product_photo, set_shop_logo
    from tests.factories import make_product, make_shop
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    butcher = make_shop("boucherie-vidal", "Boucherie Vidal")
    products = [make_product(bakery, name, cents, stock=30) for name, cents in (
        ("Baguette tradition", 130), ("Pain de campagne", 340), ("Croissant", 110))]
    products.append(make_product(butcher, "Pâté de campagne", 390, stock=4))
    products.append(make_product(butcher, "Saucisse de Toulouse", 1250, stock=10))
    storage = current_app.extensions["comptoir.photos"]
    for product in products:
        set_product_photo(product.shop_id, product.id,
                          product_picture(product.shop.slug, product.name, size=320), storage)
    for shop in (bakery, butcher):
        set_shop_logo(shop.id, shop_logo(shop.slug, shop.name, size=160), storage)
    town = {"bakery": bakery.slug, "butcher": butcher.slug}
    db.session.commit()  # end the read transaction: SQLite's write lock must be free
    return town


def walk_shopper_pages(page, base: str, town: dict, on_page) -> None:
    """Home, search, a shop, the basket (two shops), the checkout (fresh, then refused),
    the payment, the thanks and the tracking page; on_page(name) is called on each."""
    def testid(name):
        return page.get_by_test_id(name)

    page.goto(base + "/")
    on_page("home")
    page.goto(base + "/recherche?q=pate")
    assert testid("search-results").count() == 1
    on_page("search")
    testid("add-to-cart").first.click()
    page.goto(f"{base}/boutiques/{town['bakery']}")
    on_page("shop")
    testid("add-to-cart").first.click()
    testid("add-status").wait_for()  # added in the background: the confirmation shows
    page.goto(base + "/panier")
    assert testid("cart-shop").count() == 2
    on_page("basket")
    page.goto(base + "/commande")
    on_page("checkout")
    testid("checkout-submit").click()  # nothing chosen, nothing filled
    on_page("checkout-errors")
    for slug in town.values():
        testid(f"slots-{slug}").get_by_test_id("slot-radio").first.check()
    testid("customer-name").fill("Claire Dupont")
    testid("customer-phone").fill("06 12 34 56 78")
    testid("checkout-submit").click()
    testid("pay-button").wait_for()
    on_page("payment")
    testid("method-test_ok").check()
    testid("pay-button").click()
    testid("thanks").wait_for()
    on_page("thanks")
    testid("tracking-link").first.click()
    testid("order-status").wait_for()
    on_page("tracking")


@pytest.fixture(scope="session")
def shopper_pages(database_uri, chromium):
    """The shopper's pages walked once per database and shared by the tests that assert on
    them: on each page, every check registered with `on_each_shopper_page` is run, and what
    it returns is kept as shopper_pages[check][page name], pages in the walk's order.

    The walk has its own server and town, committed for real; the next test that needs
    the tables empties them."""
    from tests.conftest import TUESDAY_MORNING, Clock, app_on
    seen = {check: {} for check in SHOPPER_PAGE_CHECKS}
    with app_on(database_uri, Clock(TUESDAY_MORNING), real_commits=True) as app, \
            serving(app) as base, phone_page(chromium) as page:
        def on_page(name):
            for check in SHOPPER_PAGE_CHECKS:
                seen[check][name] = check(name, page, chromium)

        walk_shopper_pages(page, base, make_two_shop_town(), on_page)
    return seen


SHOPPER_PAGE_CHECKS = []


def on_each_shopper_page(check):
    """Run `check(name, page, chromium)` on every page of the shared walk (registered at
    import, so in the order the test modules are collected)."""
    SHOPPER_PAGE_CHECKS.append(check)
    return check
