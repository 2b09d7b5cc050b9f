"""The courier's round on a 390x844 phone, one hand: the stops in order, large targets,
"Récupéré à la boutique" refused while the order is not ready, then collected; a wrong code
said next to it, the right one delivers. axe-core finds nothing in any of these states;
nothing scrolls sideways at 360 px either."""
from app.extensions import db
from tests.browser.conftest import phone_page, screenshot
from tests.browser.test_onboarding_browser import _axe
from tests.delivery.courier_helpers import delivered_basket, plan, ready_all


def test_the_courier_collects_and_delivers_from_the_phone(app, live_server, chromium, clock,
                                                          payments):
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    token, code = round_.token, basket.orders[0].pickup_code
    wrong = "0000" if code != "0000" else "1111"
    db.session.commit()
    problems = []

    with phone_page(chromium) as phone:
        phone.goto(f"{live_server}/tournee/{token}")
        problems += _axe(phone, "round, planned")
        kinds = phone.get_by_test_id("courier-stop").evaluate_all(
            "stops => stops.map(s => s.dataset.kind)")
        assert kinds == ["pickup", "delivery"]
        for target in ("pickup", "deliver", "call-link", "geo-link"):
            box = phone.get_by_test_id(target).first.bounding_box()
            assert box["height"] >= 48 and box["width"] >= 48, (target, box)

        phone.get_by_test_id("pickup").click()
        assert "n'est pas encore prête" in phone.get_by_test_id("stop-error").inner_text()
        problems += _axe(phone, "round, pickup refused")
        with app.app_context():
            ready_all(basket, clock, payments)
        phone.get_by_test_id("pickup").click()
        assert "Commande récupérée." in phone.get_by_test_id("flashes").inner_text()

        phone.get_by_test_id("code").fill(wrong)
        phone.get_by_test_id("deliver").click()
        assert "Code incorrect" in phone.get_by_test_id("stop-error").inner_text()
        problems += _axe(phone, "round, wrong code")
        phone.get_by_test_id("code").fill(code)
        phone.get_by_test_id("deliver").click()
        assert "Livraison enregistrée." in phone.get_by_test_id("flashes").inner_text()
        assert phone.get_by_test_id("stop-done").count() == 2
        screenshot(phone, "courier-round-390")
        problems += _axe(phone, "round, done")
        for width in (390, 360):
            phone.set_viewport_size({"width": width, "height": 844})
            assert phone.evaluate("document.documentElement.scrollWidth") <= width

    assert problems == []
