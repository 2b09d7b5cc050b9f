"""On a phone with JS, "Choisir ces créneaux" is offered once the slots chosen differ from
the common window's, and ticks the window's slots in place: no reload, the name typed and
the scroll kept, the choice said to a screen reader."""
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.conftest import screenshot
from tests.factories import make_product, make_shop


def test_the_common_window_button_sets_both_slots_without_a_reload(live_server, phone):
    # Given a basket at two shops, and a later slot picked by hand at the bakery
    bakery, butcher = make_shop("boulangerie-martin", "Boulangerie Martin"), \
        make_shop("boucherie-vidal", "Boucherie Vidal")
    for shop, name in ((bakery, "Baguette tradition"), (butcher, "Pâté de campagne")):
        make_product(shop, name, 390, stock=4)
    db.session.commit()  # end the read transaction: SQLite's write lock must be free
    for slug in ("boulangerie-martin", "boucherie-vidal"):
        phone.goto(f"{live_server}/boutiques/{slug}")
        phone.get_by_test_id("add-to-cart").first.click()
        phone.get_by_test_id("add-status").wait_for()  # added in the background
    phone.goto(live_server + "/commande")
    phone.get_by_test_id("customer-name").fill("Claire Dupont")
    bakery_slots = phone.get_by_test_id("slots-boulangerie-martin").get_by_test_id("slot-radio")
    expect(phone.get_by_test_id("use-window")).to_be_hidden()  # already one trip
    bakery_slots.nth(3).check()
    expect(phone.get_by_test_id("use-window")).to_be_visible()  # now it changes something
    phone.evaluate("window.stillHere = true")

    # When the shopper taps "Choisir ces créneaux"
    phone.get_by_test_id("use-window").click()

    # Then each shop's slot is the window's, on the same page, and it is said
    chosen = [phone.locator(f"[data-testid=slots-{slug}] [data-testid=slot-radio]:checked").get_attribute("value")
              for slug in ("boulangerie-martin", "boucherie-vidal")]
    assert chosen[0] == bakery_slots.first.get_attribute("value")  # both open at the same time
    assert chosen[1][:16] == chosen[0][:16]
    assert phone.evaluate("window.stillHere") is True
    assert phone.get_by_test_id("customer-name").input_value() == "Claire Dupont"
    assert phone.get_by_test_id("window-chosen").inner_text() == "Créneaux choisis."
    expect(phone.get_by_test_id("use-window")).to_be_hidden()
    assert phone.evaluate("document.activeElement.dataset.testid") == "window-already"
    screenshot(phone, "checkout-common-window")
