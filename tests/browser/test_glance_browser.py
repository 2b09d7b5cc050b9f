"""Issue 15 on a phone (390x844), in French and in English, with axe-core finding nothing:
a refused checkout opens on its focused summary whose links reach the fields, a slot is
chosen from the day strip and the order placed with it; the tracking page follows the shop
(confirmed, ready with its code at the top, collected and paid); cancelling asks once."""
import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.extensions import db
from app.orders import services as orders
from app.orders.models import Order
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import WCAG_AA
from tests.factories import make_product, make_shop
from tests.web.merchant_helpers import order_at

WORDS = {
    "fr": {"summary": "Votre commande n'est pas encore passée", "tomorrow": "Demain",
           "placed": "reçue", "ready": "prête", "collected": "retirée",
           "cancelled": "annulée", "paid": "Payé", "code_near": "Votre commande vous attend"},
    "en": {"summary": "Your order has not been placed yet", "tomorrow": "Tomorrow",
           "placed": "received", "ready": "ready", "collected": "picked up",
           "cancelled": "cancelled", "paid": "Paid", "code_near": "Your order is waiting"},
}


def _no_axe_violation(page) -> None:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                      "resultTypes": ["violations"]})
    violations = [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
                  for v in result.response["violations"]]
    assert violations == []


def _in_language(phone, base: str, lang: str) -> None:
    if lang == "en":
        phone.goto(f"{base}/langue/en")
    phone.goto(base + "/")
    assert phone.locator("html").get_attribute("lang") == lang


def _focused(phone) -> str:
    return phone.evaluate("document.activeElement.id || document.activeElement.dataset.testid")


def _current_step(phone) -> str:
    return phone.locator("[data-testid=order-steps] [aria-current=step]").get_attribute(
        "data-step")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_refused_checkout_summary_then_a_slot_from_the_day_strip(live_server, phone, lang):
    # Given a basket at the butcher's, on a Tuesday morning
    butcher = make_shop("boucherie-vidal", "Boucherie Vidal")
    make_product(butcher, "Pâté de campagne", 390, stock=4)
    db.session.commit()  # end the read transaction: SQLite's write lock must be free
    words = WORDS[lang]
    _in_language(phone, live_server, lang)
    phone.goto(live_server + "/boutiques/boucherie-vidal")
    phone.get_by_test_id("add-to-cart").first.click()
    phone.get_by_test_id("add-status").wait_for()  # added in the background
    phone.goto(live_server + "/commande")

    # When the form is sent with a wrong phone and no name
    phone.get_by_test_id("customer-phone").fill("abc")
    phone.get_by_test_id("checkout-submit").click()

    # Then the page opens on the summary, which has the focus and is in sight
    summary = phone.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text(words["summary"])
    assert phone.get_by_test_id("customer-phone").input_value() == "abc"  # kept
    _no_axe_violation(phone)
    screenshot(phone, f"glance-{lang}-1-refused")

    # … and each of its links takes the focus to its field
    links = phone.get_by_test_id("error-link")
    assert links.count() == 2
    for i, field in enumerate(("name", "phone")):
        links.nth(i).click()
        assert _focused(phone) == field
        expect(phone.locator(f"#{field}")).to_be_in_viewport()

    # When the shopper opens tomorrow in the day strip and takes its fourth slot
    slots = phone.get_by_test_id("slots-boucherie-vidal")
    tomorrow = slots.locator(".day-tab").nth(1)
    assert tomorrow.inner_text().startswith(words["tomorrow"])
    tomorrow.click()
    chips = slots.locator(".day-slots:visible .slot-chip")
    widths = {round(box["width"]) for box in (chips.nth(i).bounding_box() for i in range(4))}
    chips.nth(3).click()
    chosen = slots.locator("input[data-testid=slot-radio]:checked").get_attribute("value")
    assert chosen.startswith("2026-11-25T09:45")
    # the chosen chip is no wider than the others: nothing moved
    assert {round(chips.nth(i).bounding_box()["width"]) for i in range(4)} == widths
    assert len(widths) == 1
    phone.get_by_test_id("customer-name").fill("Claire Dupont")
    phone.get_by_test_id("customer-phone").fill("06 12 34 56 78")
    _no_axe_violation(phone)
    screenshot(phone, f"glance-{lang}-2-day-strip")
    phone.get_by_test_id("checkout-submit").click()
    phone.get_by_test_id("method-test_ok").check()
    phone.get_by_test_id("pay-button").click()

    # Then the order is placed for that very slot
    expect(phone.get_by_test_id("thanks")).to_be_visible()
    db.session.rollback()
    order = db.session.scalars(sa.select(Order)).one()
    assert order.status == "placed"
    assert order.slot_start.isoformat().startswith("2026-11-25T08:45")  # 09:45 in Paris
    db.session.rollback()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_steps_follow_the_shop_and_ready_brings_the_code_to_the_top(
        app, live_server, phone, clock, payments, lang):
    app.config["TRACKING_POLL_SECONDS"] = 1
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=10)
    order = order_at(shop, [(bread, 2)], clock.now, payments)
    order_id, shop_id, token, code = order.id, shop.id, order.tracking_token, order.pickup_code
    db.session.commit()
    words = WORDS[lang]
    _in_language(phone, live_server, lang)

    phone.goto(f"{live_server}/suivi/{token}")
    status = phone.get_by_test_id("order-status")
    expect(status).to_have_text(words["placed"])
    assert _current_step(phone) == "placed"
    phone.evaluate("window.notReloaded = true")

    # When the shop confirms, the page moves to the next step by itself
    orders.confirm_lines(order_id, shop_id, [], now=clock.now, provider=payments)
    db.session.commit()
    expect(status).to_have_attribute("data-status", "confirmed", timeout=20000)
    expect(phone.locator("[data-testid=order-steps] [aria-current=step]")).to_have_attribute(
        "data-step", "confirmed")

    # … and when it is ready: said in words and with its tick, the code in the first screen
    orders.mark_ready(order_id, shop_id, now=clock.now)
    db.session.commit()
    expect(status).to_have_text(words["ready"], timeout=20000)
    expect(phone.locator("[data-testid=order-steps] [aria-current=step]")).to_have_attribute(
        "data-step", "ready")
    expect(phone.get_by_test_id("state-say")).to_contain_text(words["code_near"])
    assert phone.evaluate("getComputedStyle(document.querySelector('.state-ready'), "
                          "'::before').backgroundImage").startswith('url("data:image/svg')
    pass_code = phone.get_by_test_id("pickup-code")
    expect(pass_code).to_have_text(code)
    phone.evaluate("window.scrollTo(0, 0)")
    box = pass_code.bounding_box()
    assert box["y"] + box["height"] <= 844, box  # no scrolling to find it
    assert phone.evaluate("window.notReloaded") is True
    _no_axe_violation(phone)
    screenshot(phone, f"glance-{lang}-3-ready")

    # When the shop hands it over: collected, paid what was handed, the code gone
    orders.collect(order_id, shop_id, now=clock.now, provider=payments)
    db.session.commit()
    expect(status).to_have_text(words["collected"], timeout=20000)
    expect(phone.get_by_test_id("paid")).to_be_visible()
    expect(phone.get_by_test_id("order-money")).to_contain_text(words["paid"])
    expect(phone.get_by_test_id("pickup-pass")).to_have_count(0)
    _no_axe_violation(phone)
    screenshot(phone, f"glance-{lang}-4-collected")
    db.session.rollback()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cancel_asks_once_and_the_cancelled_page_says_only_that(
        live_server, phone, clock, payments, lang):
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=10)
    order = order_at(shop, [(bread, 2)], clock.now, payments)
    order_id, token = order.id, order.tracking_token
    db.session.commit()
    words = WORDS[lang]
    _in_language(phone, live_server, lang)
    phone.goto(f"{live_server}/suivi/{token}")

    # When the shopper taps "cancel", then thinks better of it and closes it
    phone.get_by_test_id("cancel-order").click()
    expect(phone.get_by_test_id("cancel-confirm")).to_be_visible()
    _no_axe_violation(phone)
    screenshot(phone, f"glance-{lang}-5-cancel-asked")
    phone.get_by_test_id("cancel-order").click()

    # Then nothing happened
    expect(phone.get_by_test_id("cancel-confirm")).to_be_hidden()
    phone.reload()
    expect(phone.get_by_test_id("order-status")).to_have_text(words["placed"])
    db.session.rollback()
    assert db.session.get(Order, order_id).status == "placed"
    db.session.rollback()

    # When they tap it again and confirm (twice, quickly)
    phone.get_by_test_id("cancel-order").click()
    phone.get_by_test_id("cancel-confirm").dblclick()

    # Then the order is cancelled once, and the page says so and what to do next: no time,
    # no code, no steps
    expect(phone.get_by_test_id("order-status")).to_have_text(words["cancelled"])
    expect(phone.locator(".flash-error")).to_have_count(0)
    expect(phone.get_by_test_id("next-step")).to_be_visible()
    for gone in ("pickup-time", "pickup-pass", "order-steps", "cancel-order", "calendar-link"):
        expect(phone.get_by_test_id(gone)).to_have_count(0)
    _no_axe_violation(phone)
    screenshot(phone, f"glance-{lang}-6-cancelled")
    db.session.rollback()
    assert db.session.get(Order, order_id).status == "cancelled"
    db.session.rollback()
