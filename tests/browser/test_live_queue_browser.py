"""The shop's queue on a phone left open: an order paid meanwhile appears by itself within
the poll interval (no reload), the tab's title counts what is to do, and axe-core finds
nothing on the queue nor on the order page."""
import time
from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.extensions import db
from app.orders import services as orders
from app.timeutil import local
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import WCAG_AA, _report
from tests.factories import make_merchant, make_product, make_shop, place_order

POLL_SECONDS = 1


def _violations(page, name: str) -> list[str]:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                      "resultTypes": ["violations"]})
    return [_report(name, v) for v in result.response["violations"]]


def test_a_new_order_appears_in_the_open_queue_and_its_title(app, live_server, phone, clock,
                                                             payments):
    # Given a bakery with one paid order, and its queue polled every second
    app.config["QUEUE_POLL_SECONDS"] = POLL_SECONDS
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    bread = make_product(bakery, "Baguette tradition", 130, stock=30)
    make_merchant(bakery, "martin@example.fr")
    first = place_order({bakery: [(bread, 2)]}, clock.now, payments,
                        name="Claire Dupont").orders[0]
    first_id, day = first.id, local(first.slot_start).date()
    db.session.commit()  # end the read transaction: SQLite's write lock must be free

    # When the merchant opens the day's queue on a phone
    phone.goto(live_server + "/connexion")
    sign_in(phone, "martin@example.fr")
    polls = []
    phone.on("response", lambda r: "/marchand/etat" in r.url and polls.append(r.status))
    phone.goto(f"{live_server}/marchand?date={day.isoformat()}")
    assert phone.title().startswith("(1) Commandes · Boulangerie Martin")
    row = phone.locator(f'[data-testid="queue-order"][data-order-id="{first_id}"]')
    link = row.get_by_test_id("open-order").bounding_box()
    assert link["height"] >= 44 and link["width"] >= 300  # the whole row is the target
    assert not _violations(phone, "queue")
    phone.evaluate("window.stillTheSamePage = true")

    # And a shopper pays for another order meanwhile
    second = place_order({bakery: [(bread, 1)]}, clock.now, payments, phone="06 22 22 22 22",
                         name="Paul Roux").orders[0]
    second_id = second.id
    db.session.commit()

    # Then it appears without a reload, within the poll interval, and the title counts it
    expect(phone.locator(f'[data-testid="queue-order"][data-order-id="{second_id}"]')) \
        .to_be_visible(timeout=(POLL_SECONDS + 3) * 1000)
    expect(phone).to_have_title("(2) Commandes · Boulangerie Martin · Comptoir")
    assert phone.evaluate("window.stillTheSamePage") is True
    assert phone.get_by_test_id("to-do-count").inner_text() == "2"
    # A few more polls with nothing new: conditional, empty (however slow the machine)
    deadline = time.monotonic() + 15
    while 304 not in polls and time.monotonic() < deadline:
        phone.wait_for_timeout(250)
    assert polls[0] == 200 and 304 in polls
    screenshot(phone, "live-queue-1-new-order")

    # When the shop cancels the first one, it moves to "done" by itself
    orders.cancel_by_shop(first_id, bakery.id, "Four en panne", now=clock.now,
                          provider=payments)
    db.session.commit()
    expect(phone.get_by_test_id("queue-done")
           .locator(f'[data-order-id="{first_id}"]')).to_be_visible(timeout=4000)
    expect(phone).to_have_title("(1) Commandes · Boulangerie Martin · Comptoir")
    assert not _violations(phone, "queue-with-done")

    # And the order page, confirmed and waiting for its handover, breaks no rule either
    orders.confirm_lines(second_id, bakery.id, [], now=clock.now, provider=payments)
    db.session.commit()
    phone.get_by_test_id("queue-to-do").get_by_test_id("open-order").first.click()
    phone.get_by_test_id("handover-form").wait_for()
    assert not _violations(phone, "order")
    box = phone.locator("label[for=without_code]").bounding_box()
    assert box["height"] >= 24 and box["width"] > 200  # the checkbox beside its words
    screenshot(phone, "live-queue-2-order")

    # And a queue opened on today follows the town's day: past midnight it shows the next
    phone.goto(f"{live_server}/marchand")
    expect(phone.get_by_test_id("queue-day")).to_have_text("Mardi 24 novembre")
    clock.now += timedelta(days=1)
    expect(phone.get_by_test_id("queue-day")).to_have_text("Mercredi 25 novembre",
                                                           timeout=(POLL_SECONDS + 3) * 1000)
