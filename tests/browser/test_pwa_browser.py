"""On a phone: "Ajouter" on a shop's page adds without the page moving (the basket's count
changes, the confirmation is read out), in French and in English, with axe finding
nothing; the site installs (a valid manifest, the service worker ready) and, offline, a
page asked for is the offline page."""
import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.conftest import phone_page, screenshot
from tests.factories import make_product, make_shop

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def a_long_shop():
    """A bakery with enough products to scroll."""
    shop = make_shop("boulangerie-martin", "Boulangerie Martin")
    products = [make_product(shop, f"Pain spécial n°{i}", 150 + i, stock=2 + i)
                for i in range(12)]
    db.session.commit()
    return shop, products


def axe_violations(page) -> list:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                      "resultTypes": ["violations"]})
    return [(v["id"], [n["html"][:120] for n in v["nodes"][:3]])
            for v in result.response["violations"]]


@pytest.mark.parametrize("language, added", [("fr", "« Pain spécial n°8 » ajouté au panier."),
                                             ("en", "“Pain spécial n°8” added to your basket.")])
def test_adding_keeps_the_page_where_it_is(app, live_server, chromium, language, added):
    shop, products = a_long_shop()
    with phone_page(chromium) as phone:
        phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        phone.goto(f"{live_server}/boutiques/{shop.slug}")
        # Products come first on a phone: the first one is on the first screen.
        first = phone.get_by_test_id("product").first.bounding_box()
        assert first["y"] < 844
        assert axe_violations(phone) == []
        card = phone.locator(f"#product-{products[8].id}")
        card.scroll_into_view_if_needed()
        card.get_by_role("button", name="Un de plus" if language == "fr" else "One more").click()
        expect(card.get_by_test_id("add-quantity")).to_have_value("2")
        before = phone.evaluate("window.scrollY")
        phone.evaluate("window.notReloaded = true")

        card.get_by_test_id("add-to-cart").click()

        expect(phone.get_by_test_id("add-status")).to_have_text(added)
        expect(phone.get_by_test_id("cart-count")).to_have_text("2")
        assert phone.evaluate("window.scrollY") == before
        assert phone.evaluate("window.notReloaded") is True
        assert axe_violations(phone) == []
        screenshot(phone, f"shop-added-{language}")


def test_the_stepper_stops_at_the_products_limit(app, live_server, chromium):
    shop, products = a_long_shop()  # the first has 2 in stock
    with phone_page(chromium) as phone:
        phone.goto(f"{live_server}/boutiques/{shop.slug}")
        card = phone.locator(f"#product-{products[0].id}")
        more = card.get_by_role("button", name="Un de plus")
        fewer = card.get_by_role("button", name="Un de moins")
        expect(fewer).to_be_disabled()
        more.click()
        expect(card.get_by_test_id("add-quantity")).to_have_value("2")
        expect(more).to_be_disabled()
        fewer.click()
        expect(card.get_by_test_id("add-quantity")).to_have_value("1")


def test_the_site_installs_and_shows_the_offline_page_without_network(app, live_server,
                                                                     chromium):
    shop, _products = a_long_shop()
    with phone_page(chromium) as phone:
        phone.goto(f"{live_server}/")
        href = phone.locator("link[rel=manifest]").get_attribute("href")
        manifest = json.loads(phone.request.get(live_server + href).text())
        assert {"name", "short_name", "start_url", "display", "theme_color"} <= set(manifest)
        assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}

        scope = phone.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
        assert scope == live_server + "/"
        # The worker has kept the offline page (installed before it became ready).
        assert phone.evaluate("caches.keys().then((names) => Promise.all(names.map("
                              "(n) => caches.open(n).then((c) => c.keys())))).then("
                              "(all) => all.flat().map((r) => new URL(r.url).pathname))") \
            .count("/hors-ligne") == 1
        phone.reload()  # now controlled by the worker
        phone.context.set_offline(True)

        phone.goto(f"{live_server}/boutiques/{shop.slug}")

        expect(phone.get_by_test_id("offline-page")).to_be_visible()
        assert axe_violations(phone) == []
        screenshot(phone, "offline")
        phone.context.set_offline(False)


def test_the_basket_is_never_kept_by_the_worker(app, live_server, chromium):
    with phone_page(chromium) as phone:
        phone.goto(f"{live_server}/panier")
        phone.evaluate("navigator.serviceWorker.ready")
        phone.reload()
        kept = phone.evaluate("caches.keys().then((names) => Promise.all(names.map("
                              "(n) => caches.open(n).then((c) => c.keys())))).then("
                              "(all) => all.flat().map((r) => new URL(r.url).pathname))")
        assert "/panier" not in kept
        assert all(path == "/hors-ligne" or path.startswith("/static/") for path in kept)


def test_the_tracking_page_offers_push_where_the_browser_can(app, live_server, chromium,
                                                             clock, payments):
    from tests.notify.test_web_push import PRIVATE_KEY
    from tests.web.merchant_helpers import order_at
    app.config.update(VAPID_PRIVATE_KEY=PRIVATE_KEY, VAPID_SUBJECT="mailto:tech@comptoir.test")
    shop, products = a_long_shop()
    order = order_at(shop, [(products[5], 1)], clock.now, payments)
    token = order.tracking_token
    db.session.commit()
    with phone_page(chromium) as phone:
        phone.goto(f"{live_server}/suivi/{token}")
        optin = phone.get_by_test_id("push-optin")
        expect(optin).to_be_visible()  # chromium has service workers and PushManager
        assert axe_violations(phone) == []
        screenshot(phone, "tracking-push-optin")
