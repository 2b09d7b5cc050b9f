"""The shop's SMS pages in a real browser on a phone: the order whose SMS did not reach the
shopper stands out in the queue with a number to call; the shop writes to the shopper with
a live count of SMS (by keyboard alone, and once however often the button is pressed); the
shopper's reply, posted by Twilio's signed webhook, shows on the order."""
import uuid
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

from app.extensions import db
from app.notify.conversation import SHOP_MESSAGE, clean_text, frame, one_sms_room
from app.notify.models import FAILED, SmsMessage
from app.notify.providers import SendResult
from app.notify.services import flush_outbox
from app.timeutil import local
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_merchant, make_product, make_shop, place_order

TOKEN = "twilio-test-auth-token"
INBOUND = "/api/v1/webhooks/twilio/inbound"
CLAIRE = "+33612345678"


class RefusingTwilio:
    """Twilio's answer for a number that cannot receive SMS: refused for good."""
    name = "refusing"

    def send(self, *, to, body, message_id):
        return SendResult(ok=False, permanent=True, error_code="21211",
                          error="Numéro invalide : le SMS ne peut pas être envoyé.")

    def find_sent(self, *, to, body, message_id, since):
        return []


def _testid(page, name):
    return page.get_by_test_id(name)


def _shop_messages() -> list[str]:
    """The shop's messages in the outbox, as the live server committed them."""
    db.session.rollback()
    bodies = list(db.session.scalars(sa.select(SmsMessage.body)
                                     .where(SmsMessage.kind == SHOP_MESSAGE)
                                     .order_by(SmsMessage.id)))
    db.session.rollback()  # no read left open: SQLite's write lock must stay free
    return bodies


def _counter(page) -> str:
    return _testid(page, "message-segments").inner_text()


def test_the_shop_sees_the_failed_sms_writes_to_the_shopper_and_reads_the_reply(
        app, live_server, phone, clock, payments):
    # Given a paid order whose "order placed" SMS Twilio refused for good
    bakery = make_shop("boulangerie-martin", "Boulangerie-Pâtisserie du Vieux Marché")
    bread = make_product(bakery, "Baguette tradition", 130, stock=30)
    make_merchant(bakery, "martin@example.fr")
    order = place_order({bakery: [(bread, 2)]}, clock.now, payments, phone="06 12 34 56 78",
                        name="Claire Dupont").orders[0]
    order_id, day = order.id, local(order.slot_start).date()
    room = one_sms_room(order)  # the shop's words that still fit in one SMS with the frame
    first = "Plus de baguette tradition, une ordinaire ?"
    words = ("Plus de seigle ce matin : on vous garde deux œufs frais et une grosse miche "
             "de campagne à la place ? Merci et à tout à l'heure")
    second = words[:room - 1] + "."  # `room` characters as typed, one more as sent
    assert not second[:-1].endswith(" ")
    sent = [frame(order, clean_text(first)), frame(order, clean_text(second))]
    db.session.commit()
    flush_outbox(RefusingTwilio(), clock.now)
    assert db.session.scalar(sa.select(SmsMessage.status)
                             .where(SmsMessage.order_id == order_id)) == FAILED
    db.session.commit()  # end the read transaction: SQLite's write lock must be free

    # When the merchant opens the day's queue on a phone
    phone.goto(live_server + "/connexion")
    _testid(phone, "login-email").fill("martin@example.fr")
    _testid(phone, "login-password").fill(PASSWORD)
    _testid(phone, "login-submit").click()
    phone.goto(f"{live_server}/marchand?date={day.isoformat()}")

    # Then the order says the shopper was not told, with their number to call
    entry = phone.locator(f'[data-testid="queue-order"][data-order-id="{order_id}"]')
    notice = entry.get_by_test_id("sms-not-told")
    expect(notice).to_be_visible()
    assert "SMS non remis : prévenez le client au 06 12 34 56 78" in notice.inner_text()
    assert "Numéro invalide" in notice.inner_text()
    assert notice.get_by_role("link").get_attribute("href") == f"tel:{CLAIRE}"
    screenshot(phone, "sms-1-queue-not-told")

    # When the merchant opens the order and writes by keyboard alone: from the last control
    # before the form, Tab reaches the text box, and Tab again the send button
    entry.get_by_test_id("open-order").click()
    assert "SMS non remis" in _testid(phone, "sms-not-told").inner_text()
    hint = phone.locator('[data-testid="message-form"] small').inner_text()
    assert f"1 SMS jusqu'à {room} caractères, 2 au-delà" in hint
    assert _counter(phone) == "0 / 100 · 1 SMS"
    clock.now += timedelta(minutes=3)
    phone.get_by_text("Annuler la commande").focus()
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.dataset.testid") == "message-text"
    phone.keyboard.type(first[:10])
    assert _counter(phone) == "10 / 100 · 1 SMS"  # counts as the shop types
    phone.keyboard.type(first[10:])
    assert _counter(phone) == f"{len(first)} / 100 · 1 SMS"
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.dataset.testid") == "send-message"
    phone.keyboard.press("Enter")

    # Then the page confirms, the words show in the conversation, and one SMS is queued
    expect(phone.locator(".flash-success")).to_contain_text("Message envoyé au client (1 SMS)")
    assert first in _testid(phone, "order-sms").inner_text()
    assert _shop_messages() == sent[:1]

    # When the shop writes a longer message, past what one SMS holds, and double-clicks send
    # ("œ" goes as "oe": it counts twice)
    box = _testid(phone, "message-text")
    box.fill(second[:-1])
    assert _counter(phone) == f"{room - 1} / 100 · 1 SMS"
    box.press(".")
    assert _counter(phone) == f"{room} / 100 · 2 SMS"
    screenshot(phone, "sms-2-writing")
    _testid(phone, "send-message").dblclick()

    # Then the count the shop saw is the count billed, and the message went once
    expect(phone.locator(".flash-success")).to_contain_text("Message envoyé au client (2 SMS)")
    texts = _testid(phone, "order-sms").get_by_test_id("sms-text").all_inner_texts()
    assert texts == sent
    assert _shop_messages() == sent
    screenshot(phone, "sms-3-sent")

    # When the shopper answers, through Twilio's signed inbound webhook
    clock.now += timedelta(minutes=4)
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "1" * 32,
            "From": CLAIRE, "To": "+33757000000", "Body": "Oui une ordinaire, merci !",
            "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature(live_server + INBOUND, form)
    answer = phone.request.post(live_server + INBOUND, form=form,
                                headers={"X-Twilio-Signature": signature})
    assert answer.ok

    # Then the reply shows on the order once the page is reloaded, after the shop's words
    phone.reload()
    replies = _testid(phone, "sms-reply")
    assert replies.count() == 1
    assert "réponse du client : Oui une ordinaire, merci !" in replies.inner_text()
    items = _testid(phone, "order-sms").locator("li").all_inner_texts()
    assert "seigle" in items[-2] and "Oui une ordinaire" in items[-1]
    screenshot(phone, "sms-4-reply")
    db.session.rollback()
