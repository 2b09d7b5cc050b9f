"""The tracking page left open on the phone follows the order by itself: the shop marks
it ready, the page says so without a reload, and the cancel button goes once the shop has
confirmed."""
from playwright.sync_api import expect

from app.extensions import db
from app.orders import services as orders
from tests.browser.conftest import screenshot
from tests.factories import make_product, make_shop
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
    assert phone.get_by_test_id("cancel-order").is_visible()
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
