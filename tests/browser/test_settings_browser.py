"""The shop's settings on a phone: the merchant gives Tuesday a lunch break and the next
slots offered change on the page at once; an overlapping period is said on its field;
axe-core finds nothing on the page, with or without errors."""
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import WCAG_AA, _report
from tests.factories import make_merchant, make_shop


def _violations(page, name: str) -> list[str]:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                      "resultTypes": ["violations"]})
    return [_report(name, v) for v in result.response["violations"]]


def _first_day_slots(page) -> list[str]:
    return page.get_by_test_id("preview-day").first.get_by_test_id("preview-slot") \
        .all_inner_texts()


def test_hours_edited_on_a_phone_change_the_slots_offered(app, live_server, phone, clock):
    # Given a bakery open 09:00-19:00, an hour of preparation, on Tuesday at 09:00
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    make_merchant(bakery, "martin@example.fr")
    db.session.commit()  # end the read transaction: SQLite's write lock must be free

    phone.goto(live_server + "/connexion")
    sign_in(phone, "martin@example.fr")
    phone.get_by_test_id("settings-link").click()
    assert _first_day_slots(phone)[0] == "10:00"
    assert "12:00" in _first_day_slots(phone)
    assert not _violations(phone, "settings")

    # When the merchant closes Tuesday from 12:00 to 14:00 and opens at 10:30
    phone.get_by_test_id("tuesday_0_opens").fill("10:30")
    phone.get_by_test_id("tuesday_0_closes").fill("12:00")
    phone.get_by_test_id("tuesday_1_opens").fill("14:00")
    phone.get_by_test_id("tuesday_1_closes").fill("18:00")
    phone.get_by_test_id("save-hours").click()

    # Then the slots offered follow at once
    expect(phone.get_by_test_id("flashes")).to_contain_text("Horaires enregistrés")
    offered = _first_day_slots(phone)
    assert offered[0] == "10:30"
    assert "11:45" in offered and "14:00" in offered and "12:00" not in offered
    assert offered[-1] == "17:45"
    screenshot(phone, "settings-hours")

    # And an overlapping period is refused on its field, announced, with nothing changed
    phone.get_by_test_id("friday_1_opens").fill("12:00")
    phone.get_by_test_id("friday_1_closes").fill("20:00")
    phone.get_by_test_id("save-hours").click()
    expect(phone.get_by_test_id("error-summary")).to_be_visible()
    expect(phone.locator("#friday_1_opens-error")).to_be_visible()
    assert phone.get_by_test_id("friday_1_opens").get_attribute("aria-invalid") == "true"
    assert not _violations(phone, "settings-with-errors")
    assert _first_day_slots(phone)[0] == "10:30"
    # The page is no wider than the phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
