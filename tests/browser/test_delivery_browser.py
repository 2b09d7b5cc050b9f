"""The delivery page on a 390x844 phone: the manager adds a zone (a wrong postcode first,
said on its field), a window and a courier, then plans the day's rounds and reads them.
axe-core finds nothing on the page in any of these states."""
from app import geocoder
from app.delivery.services import hold_delivery
from app.extensions import db
from tests.browser.conftest import phone_page, screenshot, sign_in
from tests.browser.test_onboarding_browser import _axe
from tests.factories import make_manager, make_shop


def test_the_manager_sets_delivery_up_and_plans_a_round(app, live_server, chromium, clock):
    make_manager()
    bakery = make_shop("boulangerie", address="3 rue des Tables, 43000 Le Puy-en-Velay")
    db.session.commit()
    problems = []

    with phone_page(chromium) as manager:
        manager.goto(live_server + "/connexion")
        sign_in(manager, "manager@example.fr")
        manager.goto(live_server + "/gestion/livraison")
        problems += _axe(manager, "delivery, empty")
        manager.get_by_test_id("zone-name").fill("Centre <ville>")
        manager.get_by_test_id("zone-postcodes").fill("43OOO")
        manager.get_by_test_id("zone-fee").fill("3,90")
        manager.locator("[data-testid=zone-form]").get_by_label("mardi").check()
        manager.get_by_test_id("zone-submit").click()
        assert "n'est pas un code postal" in manager.locator("#zone-postcodes-error").inner_text()
        problems += _axe(manager, "delivery, wrong postcode")
        manager.get_by_test_id("zone-postcodes").fill("43000")
        manager.get_by_test_id("zone-submit").click()
        assert "Centre <ville>" in manager.get_by_test_id("zones").inner_text()
        manager.get_by_test_id("window-starts").fill("17:00")
        manager.get_by_test_id("window-ends").fill("19:00")
        manager.get_by_test_id("window-drops").fill("10")
        manager.get_by_test_id("window-cutoff-time").fill("14:00")
        manager.locator("[data-testid=window-form]").get_by_label("mardi").check()
        manager.get_by_test_id("window-submit").click()
        assert "17:00–19:00" in manager.get_by_test_id("windows").inner_text()
        manager.get_by_test_id("courier-name").fill("Léa")
        manager.get_by_test_id("courier-submit").click()
        assert "Léa" in manager.get_by_test_id("couriers").inner_text()

        with app.app_context():
            from app.delivery.models import DeliveryWindow
            [address] = geocoder().suggest("4 rue Pannessac")
            window = db.session.query(DeliveryWindow).one()
            hold_delivery(address, [db.session.get(type(bakery), bakery.id)], 2500,
                          window.id, clock.now.date(), clock.now)
        manager.get_by_test_id("plan-date").fill(clock.now.date().isoformat())
        manager.get_by_test_id("plan-submit").click()
        stops = manager.get_by_test_id("stop")
        assert stops.count() == 2
        assert "4 rue Pannessac" in stops.nth(1).inner_text()
        assert manager.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(manager, "delivery-rounds-390")
        problems += _axe(manager, "delivery, a round planned")

    assert problems == []
