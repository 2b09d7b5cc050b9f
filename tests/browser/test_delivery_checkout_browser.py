"""The shopper's delivery step on a 390x844 phone: from the basket, "Livraison à domicile",
the address typed (the suggestions come as one types), one picked, a window chosen (a full
one greyed with its reason), then the checkout page shows the delivery instead of the
pickup slots. axe-core finds nothing on the step or the checkout page."""
from datetime import date, time

import pytest

from app.database import unit_of_work
from app.delivery.services import take_drop
from app.extensions import db
from tests.browser.conftest import phone_page, screenshot
from tests.browser.test_onboarding_browser import _axe
from tests.delivery.helpers import TABLES, evening_window, town_zone
from tests.factories import make_product, make_shop


@pytest.mark.layout
def test_a_shopper_chooses_home_delivery_on_a_phone(app, live_server, chromium, clock):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    make_product(bakery, "Pain de campagne", 450, stock=20)
    town_zone()
    evening_window()
    morning = evening_window(starts=time(10), ends=time(12), drops=1, cutoff_days_before=1,
                             cutoff_time=time(18))
    with unit_of_work():  # tomorrow morning's only drop is taken
        take_drop(morning, date(2026, 11, 25), field="window")
    db.session.commit()
    problems = []

    with phone_page(chromium) as phone:
        phone.goto(live_server + "/boutiques/boulangerie")
        phone.get_by_test_id("add-quantity").first.fill("6")
        phone.get_by_test_id("add-to-cart").first.click()
        phone.get_by_test_id("add-status").wait_for()  # added in the background
        phone.goto(live_server + "/panier")
        phone.get_by_test_id("delivery-link").click()
        problems += _axe(phone, "delivery step, empty")

        phone.get_by_test_id("address-input").press_sequentially("12 rue des tab", delay=30)
        choice = phone.get_by_test_id("address-choice").first
        choice.wait_for()  # fetched as one types, no page load
        assert TABLES.label in phone.get_by_test_id("address-suggestions").inner_text()
        choice.check()
        phone.get_by_test_id("address-pick").click()

        assert "4,90" in phone.get_by_test_id("delivery-fee").inner_text()
        windows = phone.get_by_test_id("delivery-windows")
        assert "(complet)" in windows.inner_text()  # tomorrow 10:00, its drop taken
        problems += _axe(phone, "delivery step, windows")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, "delivery-step-390")
        windows.locator("input[data-testid=window-choice]:not([disabled])").first.check()
        phone.get_by_test_id("window-submit").click()

        summary = phone.get_by_test_id("delivery-summary")
        assert "Livraison le mardi 24 novembre entre 17:00 et 19:00" in summary.inner_text()
        assert TABLES.label in summary.inner_text()
        assert phone.get_by_test_id("slot-radio").count() == 0
        problems += _axe(phone, "checkout with a delivery")
        screenshot(phone, "delivery-checkout-390")

    assert problems == []
