"""The payment page counts the hold down on a phone (mm:ss), and says it aloud only at
5 minutes, 1 minute and the end; the checkout's earliest slots are already chosen."""
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.conftest import screenshot
from tests.factories import make_product, make_shop


def test_the_hold_counts_down_and_is_announced_at_five_minutes(live_server, phone):
    # Given a shopper with a basket at two shops, checking out with the slots as offered
    bakery, butcher = make_shop("boulangerie-martin", "Boulangerie Martin"), \
        make_shop("boucherie-vidal", "Boucherie Vidal")
    for shop, name in ((bakery, "Baguette tradition"), (butcher, "Pâté de campagne")):
        make_product(shop, name, 390, stock=4)
    db.session.commit()  # end the read transaction: SQLite's write lock must be free
    phone.clock.install()
    for slug in ("boulangerie-martin", "boucherie-vidal"):
        phone.goto(f"{live_server}/boutiques/{slug}")
        phone.get_by_test_id("add-to-cart").first.click()
        phone.get_by_test_id("add-status").wait_for()  # added in the background
    phone.goto(live_server + "/commande")
    expect(phone.get_by_test_id("common-window")).to_be_visible()
    phone.get_by_test_id("customer-name").fill("Claire Dupont")
    phone.get_by_test_id("customer-phone").fill("06 12 34 56 78")
    phone.get_by_test_id("customer-phone").press("Enter")  # validates, whatever else is there

    # When the payment page has been open ten minutes
    countdown = phone.get_by_test_id("hold-countdown")
    assert countdown.inner_text() == "15:00"
    announce = phone.get_by_test_id("hold-announce")
    phone.clock.run_for("04:00")
    assert countdown.inner_text() == "11:00" and announce.inner_text() == ""
    phone.clock.run_for("06:00")

    # Then it shows 05:00 and says so once, politely
    assert countdown.inner_text() == "05:00"
    assert announce.inner_text() == "Plus que 5 minutes pour payer."
    screenshot(phone, "basket-hold-countdown")
