"""The tracking page left open on the phone follows the order by itself: the shop marks
it ready, the page says so without a reload, and the cancel button goes once the shop has
confirmed; the shop scans the pass to hand over, and the pass leaves the shopper's page."""
from playwright.sync_api import expect

from app.extensions import db
from app.orders import services as orders
from app.orders.pickup_pass import handover_url
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_merchant, make_product, make_shop
from tests.web.merchant_helpers import order_at


def test_the_open_page_shows_the_shops_progress_by_itself(app, live_server, phone,
                                                       clock, payments):
    app.config["TRACKING_POLL_SECONDS"] = 1
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=10)
    order = order_at(shop, [(bread, 2)], clock.now, payments)
    order_id, shop_id, token = order.id, shop.id, order.tracking_token
    db.session.commit()

    phone.goto(f"{live_server}/suivi/{token}")
    status = phone.get_by_test_id("order-status")
    expect(status).to_have_attribute("data-status", "placed")
    assert phone.get_by_test_id("pickup-code").inner_text() == order.pickup_code
    expect(phone.get_by_test_id("cancel-order")).to_be_visible()
    phone.evaluate("window.notReloaded = true")

    orders.confirm_lines(order_id, shop_id, [], now=clock.now, provider=payments)
    db.session.commit()
    expect(status).to_have_attribute("data-status", "confirmed", timeout=20000)
    expect(phone.get_by_test_id("cancel-order")).to_have_count(0)
    orders.mark_ready(order_id, shop_id, now=clock.now)
    db.session.commit()

    expect(status).to_have_attribute("data-status", "ready", timeout=20000)
    expect(status).to_have_text("prête")
    assert phone.evaluate("window.notReloaded") is True  # the same page, updated in place
    screenshot(phone, "tracking-live-ready")
    db.session.rollback()


def test_the_shop_scans_the_pass_hands_over_and_the_shoppers_page_closes_it(
        app, live_server, phone, chromium, clock, payments):
    app.config["TRACKING_POLL_SECONDS"] = 1
    shop = make_shop()
    make_merchant(shop, "martin@example.fr")
    bread = make_product(shop, "Baguette tradition", 130, stock=10)
    order = order_at(shop, [(bread, 2)], clock.now, payments)
    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)
    orders.mark_ready(order.id, shop.id, now=clock.now)
    token, code, scanned = order.tracking_token, order.pickup_code, handover_url(order,
                                                                               live_server)
    db.session.commit()
    phone.goto(f"{live_server}/suivi/{token}")
    expect(phone.get_by_test_id("pickup-code")).to_have_text(code)
    expect(phone.get_by_test_id("pickup-qr")).to_have_attribute(
        "aria-label", f"QR code du code de retrait {code}")

    # The shop's phone follows the QR code: sign in, then the handover with the code filled
    shop_context = chromium.new_context(viewport={"width": 390, "height": 844},
                                        has_touch=True, is_mobile=True, locale="fr-FR")
    shop_page = shop_context.new_page()
    shop_page.goto(scanned)
    sign_in(shop_page, "martin@example.fr")
    expect(shop_page.get_by_test_id("pickup-code-input")).to_have_value(code)
    shop_page.get_by_test_id("collect").click()
    expect(shop_page.get_by_test_id("order-status")).to_have_attribute("data-status",
                                                                      "collected")
    shop_context.close()

    status = phone.get_by_test_id("order-status")
    expect(status).to_have_attribute("data-status", "collected", timeout=20000)
    expect(status).to_have_text("retirée")
    expect(phone.get_by_test_id("pickup-pass")).to_have_count(0)
    expect(phone.get_by_test_id("calendar-link")).to_have_count(0)
    screenshot(phone, "tracking-live-collected")
    db.session.rollback()
