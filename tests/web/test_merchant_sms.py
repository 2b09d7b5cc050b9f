"""The shop and its shopper by SMS, on the shop's pages: a message written from the order
page, the reply shown there, and the queue pointing out an order whose shopper was not told."""
import re
import uuid
from contextlib import contextmanager
from html import unescape

import sqlalchemy as sa
from sqlalchemy import event
from twilio.request_validator import RequestValidator

from app.extensions import db
from app.notify.models import SmsMessage
from app.notify.services import flush_outbox
from app.orders import services as orders
from tests.factories import later, make_merchant, make_product, make_shop
from tests.web.merchant_helpers import log_in, order_at, page, submit, text

TOKEN = "twilio-test-auth-token"
INBOUND = "/api/v1/webhooks/twilio/inbound"
NOT_A_MOBILE = "Ce numéro n'est pas un mobile : il ne reçoit pas de SMS."
BADGE = "SMS non remis : prévenez le client au 06 12 34 56 78"
NOT_TOLD = re.compile(r'<p [^>]*data-testid="sms-not-told"[^>]*>(.*?)</p>', re.S)


def refused_for_good(*order_ids: int) -> None:
    """What the flush leaves when Twilio refuses an order's SMS for good (its 21614)."""
    db.session.execute(sa.update(SmsMessage).where(SmsMessage.order_id.in_(order_ids))
                       .values(status="failed", error_code="21614", error=NOT_A_MOBILE))
    db.session.commit()


def given_a_bakery(client):
    shop = make_shop("boulangerie", "Boulangerie Martin")
    bread = make_product(shop, "Baguette tradition", 130, stock=50)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    return shop, bread


def words(response_or_html) -> str:
    html = response_or_html if isinstance(response_or_html, str) else text(response_or_html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def write(client, order_id: int, message: str, **kwargs):
    url = f"/marchand/commandes/{order_id}"
    return submit(client, url, f"{url}/message", {"text": message}, **kwargs)


def reply(client, body: str, sender: str = "+33612345678"):
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "From": sender, "To": "+33757000000",
            "Body": body}
    signature = RequestValidator(TOKEN).compute_signature("http://comptoir.test" + INBOUND,
                                                          form)
    return client.post(INBOUND, data=form, headers={"X-Twilio-Signature": signature})


def badges(html: str) -> dict[int, str]:
    """Order id -> the not-told badge of its card on the queue."""
    cards = re.findall(r'data-testid="queue-order" data-order-id="(\d+)">(.*?)</li>', html,
                       re.S)
    return {int(order_id): words(badge[0]) for order_id, card in cards
            if (badge := NOT_TOLD.findall(card))}


def test_the_shop_writes_from_the_order_page_and_reads_the_reply_there(
        app, client, clock, payments):
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    shop, bread = given_a_bakery(client)
    order = order_at(shop, [(bread, 2)], clock.now, payments)
    url = f"/marchand/commandes/{order.id}"
    form = page(client, url)
    assert 'data-testid="message-form"' in form and 'maxlength="100"' in form
    assert "1 SMS. Le client peut répondre" in text(client.get(url))  # before writing

    sent = write(client, order.id, "Plus de baguette tradition, une ordinaire ?",
                 follow_redirects=True)

    assert "Message envoyé au client (1 SMS)." in text(sent)
    clock.now = later(clock.now, minutes=4)
    assert reply(client, "Oui une ordinaire svp").status_code == 200
    shown = words(page(client, url))
    assert (f"votre message · en attente · Boulangerie Martin (commande {order.id}) : Plus de "
            f"baguette tradition, une ordinaire ? Repondez a ce SMS.") in shown
    assert "réponse du client : Oui une ordinaire svp" in shown
    assert shown.index("Plus de baguette") < shown.index("Oui une ordinaire")
    history = words(re.search(r'data-testid="order-events">(.*?)</ul>',
                              page(client, url), re.S).group(1))
    assert "SMS au client · Plus de baguette tradition, une ordinaire ?" in history
    assert "réponse du client · Oui une ordinaire svp" in history


def test_a_long_shop_name_leaves_less_room_and_the_page_says_so(app, client, clock, payments):
    shop = make_shop("fromagerie", "Fromagerie et Crèmerie du Marché Couvert")
    cheese = make_product(shop, "Saint-Nectaire", 990)
    make_merchant(shop)
    log_in(client, "fromagerie@example.fr")
    order = order_at(shop, [(cheese, 1)], clock.now, payments)

    form = words(page(client, f"/marchand/commandes/{order.id}"))
    sent = write(client, order.id, "Le Saint-Nectaire fermier est parti ce matin, nous avons "
                                   "du laitier affiné 6 semaines.", follow_redirects=True)

    # The SMS's frame names the order: each digit of its number takes one character
    # (85 left for order 1; ids are not reset between tests)
    room = 86 - len(str(order.id))
    assert f"1 SMS jusqu'à {room} caractères, 2 au-delà." in form
    assert "Message envoyé au client (2 SMS)." in text(sent)


def test_a_message_too_long_is_refused_next_to_the_field(app, client, clock, payments):
    shop, bread = given_a_bakery(client)
    order = order_at(shop, [(bread, 1)], clock.now, payments)

    response = write(client, order.id, "Bonjour " * 20)

    assert response.status_code == 422
    assert re.search(r'id="text-error">100 caractères au plus', text(response))
    response = write(client, order.id, "Merci 🙏")
    assert response.status_code == 422
    assert "Caractère impossible dans un SMS : 🙏" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsMessage)
                             .where(SmsMessage.kind == "shop_message")) == 0


def test_another_shops_order_cannot_be_written_to(app, client, clock, payments):
    given_a_bakery(client)
    butcher = make_shop("boucherie", "Boucherie Roux")
    theirs = order_at(butcher, [(make_product(butcher, "Jambon", 450), 1)], clock.now,
                      payments)

    response = submit(client, "/marchand", f"/marchand/commandes/{theirs.id}/message",
                      {"text": "Bonjour"})

    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsMessage)
                             .where(SmsMessage.kind == "shop_message")) == 0


def test_the_queue_shows_which_shopper_was_not_told_and_why(app, client, clock, payments,
                                                            sms):
    shop, bread = given_a_bakery(client)
    untold = order_at(shop, [(bread, 1)], clock.now, payments)
    told = order_at(shop, [(bread, 1)], clock.now, payments, slot=1, phone="0698765432",
                    name="Paul Roux")
    flush_outbox(sms, clock.now)  # Paul's confirmation reaches him; Claire's does not
    refused_for_good(untold.id)

    html = page(client, "/marchand")

    assert badges(html) == {untold.id: f"{BADGE} {NOT_A_MOBILE}"}
    assert 'href="tel:+33612345678"' in NOT_TOLD.search(html).group(1)
    order_page = words(page(client, f"/marchand/commandes/{untold.id}"))
    assert BADGE in order_page and "commande reçue · échec" in order_page
    assert BADGE not in words(page(client, f"/marchand/commandes/{told.id}"))

    # The shop confirms; this time the SMS reaches Claire: nothing left to point out.
    orders.confirm_lines(untold.id, shop.id, [], now=clock.now, provider=payments)
    flush_outbox(sms, clock.now)
    assert badges(page(client, "/marchand")) == {}


def test_an_undelivered_sms_is_pointed_out_too_without_a_reason_when_none_is_known(
        app, client, clock, payments, sms):
    shop, bread = given_a_bakery(client)
    order = order_at(shop, [(bread, 1)], clock.now, payments)
    flush_outbox(sms, clock.now)
    # What Twilio's "undelivered" status callback leaves (app/notify/delivery.py).
    db.session.execute(sa.update(SmsMessage).where(SmsMessage.order_id == order.id)
                       .values(status="undelivered"))
    db.session.commit()

    assert badges(page(client, "/marchand")) == {order.id: BADGE}


@contextmanager
def statements_on(table: str):
    seen = []

    def count(conn, cursor, statement, *args):
        if table in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_queue_reads_the_sms_of_all_its_orders_in_one_query(app, client, clock, payments,
                                                                sms):
    shop, bread = given_a_bakery(client)
    refused_for_good(*[order_at(shop, [(bread, 1)], clock.now, payments, slot=slot,
                                phone=f"061234560{slot}").id for slot in range(5)])

    with statements_on("sms_messages") as seen:
        html = page(client, "/marchand")

    assert len(badges(html)) == 5
    assert len(seen) == 1


def test_a_shop_that_chose_english_reads_why_in_english(app, client, clock, payments, sms):
    shop, bread = given_a_bakery(client)
    untold = order_at(shop, [(bread, 1)], clock.now, payments)
    refused_for_good(untold.id)  # stored as the flush writes it: in French
    client.get("/langue/en?next=/marchand")

    queue = page(client, "/marchand")
    order_page = words(page(client, f"/marchand/commandes/{untold.id}"))

    reason = "This number is not a mobile: it cannot receive SMS."
    assert badges(queue) == {untold.id: f"SMS not delivered: tell the customer on "
                                        f"06 12 34 56 78 {reason}"}
    assert reason in order_page and NOT_A_MOBILE not in order_page
    assert "order received · failed" in order_page
