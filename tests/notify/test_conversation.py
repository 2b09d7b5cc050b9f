"""The shop writes to its shopper about an order; the shopper's answer comes back through
Twilio's inbound webhook and lands on the order it answers, once."""
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from app.errors import Invalid, NotFound
from app.extensions import db
from app.notify.conversation import conversation, message_shopper
from app.notify.models import SmsInbound, SmsMessage
from app.notify.optout import handle_inbound_sms
from app.notify.segments import is_gsm7, segments
from app.notify.services import flush_outbox
from app.orders import services as orders
from app.orders.models import OrderEvent
from app.orders.services import shop_actor
from tests.factories import later, make_product, make_shop, place_order

TOKEN = "twilio-test-auth-token"
INBOUND = "/api/v1/webhooks/twilio/inbound"
CLAIRE = "+33612345678"


@pytest.fixture
def bakery(app):
    return make_shop("boulangerie", "Boulangerie Martin")


@pytest.fixture
def bread(bakery):
    return make_product(bakery, "Baguette tradition", 130, stock=50)


def an_order(product, now, payments, phone="06 12 34 56 78", **kwargs):
    return place_order({product.shop: [(product, 1)]}, now, payments, phone=phone,
                       **kwargs).orders[0]


def write(order, text, now):
    return message_shopper(order.id, text, shop_id=order.shop_id,
                           actor=shop_actor(order.shop_id), now=now)


def shop_messages() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(m.to, m.body) for m in db.session.scalars(
        sa.select(SmsMessage).where(SmsMessage.kind == "shop_message").order_by(SmsMessage.id))]


def events(order, type_) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(e.actor, e.note) for e in db.session.scalars(
        sa.select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.type == type_)
        .order_by(OrderEvent.id))]


def inbound(client, body, sender=CLAIRE, sid=None):
    form = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "1" * 32,
            "From": sender, "To": "+33757000000", "Body": body, "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature("http://comptoir.test" + INBOUND,
                                                          form)
    return client.post(INBOUND, data=form, headers={"X-Twilio-Signature": signature})


def inbound_rows() -> list[tuple]:
    db.session.expire_all()
    return [(r.from_phone, r.body, r.order_id, r.handled_as) for r in
            db.session.scalars(sa.select(SmsInbound).order_by(SmsInbound.id))]


# --- the shop writes ----------------------------------------------------------------------

def test_the_shop_writes_to_its_shopper_in_one_gsm7_sms_logged_on_the_order(
        app, clock, payments, sms, bread):
    order = an_order(bread, clock.now, payments)

    message = write(order, "  Plus de baguette tradition, une ordinaire ?  ", clock.now)

    body = (f"Boulangerie Martin (commande {order.id}) : Plus de baguette tradition, une "
            f"ordinaire ? Repondez a ce SMS.")
    assert shop_messages() == [(CLAIRE, body)]
    assert (message.shop_id, message.order_id, message.segments) == (order.shop_id, order.id, 1)
    assert events(order, "sms_to_shopper") == [
        (f"shop:{order.shop_id}", "Plus de baguette tradition, une ordinaire ?")]
    assert flush_outbox(sms, clock.now) >= 1
    db.session.refresh(message)
    assert message.status == "sent"


def test_accents_outside_gsm7_are_folded_and_english_shoppers_read_english(
        app, clock, payments, bread):
    order = an_order(bread, clock.now, payments)
    order.customer.language = "en"
    db.session.commit()

    write(order, "Pâté en croûte prêt ; œufs frais à 3 € l’unité", clock.now)

    [(_, body)] = shop_messages()
    assert body == (f"Boulangerie Martin (order {order.id}): Paté en croute pret ; oeufs frais "
                    f"à 3 € l'unité Reply to this SMS.")  # é and à are GSM-7
    assert is_gsm7(body) and segments(body) == 1


def test_a_double_click_sends_one_message_even_across_a_minute(app, clock, payments, bread):
    order = an_order(bread, clock.now, payments)
    at = clock.now + timedelta(seconds=59)

    first = write(order, "Il reste des croissants ?", at)
    again = write(order, "Il reste des croissants ?", at)
    next_minute = write(order, "Il reste des croissants ?", at + timedelta(seconds=2))
    other = write(order, "Et des pains au chocolat ?", at + timedelta(seconds=3))

    assert first.id == again.id == next_minute.id != other.id
    assert len(shop_messages()) == 2
    assert [note for _, note in events(order, "sms_to_shopper")] == [
        "Il reste des croissants ?", "Et des pains au chocolat ?"]
    # Later on, the same words are a new message.
    assert write(order, "Il reste des croissants ?", at + timedelta(minutes=5)).id != first.id


def test_a_shop_message_goes_even_to_a_number_that_answered_stop(app, client, clock,
                                                                 payments, bread):
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    order = an_order(bread, clock.now, payments)
    inbound(client, "STOP")

    write(order, "Votre commande est prete plus tot", clock.now)

    assert shop_messages() == [(CLAIRE, f"Boulangerie Martin (commande {order.id}) : Votre "
                                        f"commande est prete plus tot Repondez a ce SMS.")]


def test_only_the_shops_own_paid_orders(app, clock, payments, bread):
    other = make_shop("boucherie", "Boucherie Roux")
    ours = an_order(bread, clock.now, payments)
    unpaid = place_order({bread.shop: [(bread, 1)]}, clock.now, payments, pay=False,
                         phone="0698765432").orders[0]

    with pytest.raises(NotFound):
        message_shopper(ours.id, "Bonjour", shop_id=other.id, actor="shop:x", now=clock.now)
    with pytest.raises(NotFound):
        write(unpaid, "Bonjour", clock.now)
    with pytest.raises(NotFound):
        message_shopper(10_000, "Bonjour", shop_id=ours.shop_id, actor="x", now=clock.now)
    assert shop_messages() == []


@pytest.mark.parametrize("text, says", [
    ("", "Écrivez le message."),
    ("   \n ", "Écrivez le message."),
    (None, "Écrivez le message."),
    ("x" * 101, "100 caractères au plus (101 écrits)."),
    ("Merci 😀", "Caractère impossible dans un SMS : 😀"),
])
def test_a_message_the_sms_cannot_carry_is_refused(app, clock, payments, bread, text, says):
    order = an_order(bread, clock.now, payments)

    with pytest.raises(Invalid) as refused:
        write(order, text, clock.now)

    assert (refused.value.field, refused.value.message) == ("text", says)
    assert shop_messages() == [] and events(order, "sms_to_shopper") == []


# --- the shopper answers --------------------------------------------------------------------

def test_the_reply_arrives_on_the_order_the_shop_wrote_about(app, client, clock, payments,
                                                             bread):
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    asked = an_order(bread, clock.now, payments)
    newer = an_order(bread, later(clock.now, minutes=5), payments)  # open, more recent
    write(asked, "Plus de baguette tradition, une ordinaire ?", later(clock.now, minutes=10))
    clock.now = later(clock.now, hours=2)

    response = inbound(client, "Oui une ordinaire, merci")

    assert response.status_code == 200 and "<Response" in response.get_data(as_text=True)
    assert inbound_rows() == [(CLAIRE, "Oui une ordinaire, merci", asked.id, "reply")]
    assert events(asked, "sms_from_shopper") == [("shopper", "Oui une ordinaire, merci")]
    assert events(newer, "sms_from_shopper") == []


def test_a_retried_webhook_is_stored_and_shown_once(app, client, clock, payments, bread):
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN
    order = an_order(bread, clock.now, payments)
    sid = "SM" + uuid.uuid4().hex

    assert inbound(client, "Je passe a 10h", sid=sid).status_code == 200
    assert inbound(client, "Je passe a 10h", sid=sid).status_code == 200

    assert inbound_rows() == [(CLAIRE, "Je passe a 10h", order.id, "reply")]
    assert len(events(order, "sms_from_shopper")) == 1


def test_without_a_recent_shop_message_the_reply_goes_to_the_latest_open_order(
        app, clock, payments, bread):
    asked = an_order(bread, clock.now, payments)
    write(asked, "Une ordinaire ?", clock.now)
    latest = an_order(bread, later(clock.now, minutes=1), payments)
    a_week_on = later(clock.now, days=7, minutes=1)

    assert handle_inbound_sms(sender=CLAIRE, body="Oui", now=a_week_on) == "reply"

    assert inbound_rows()[-1][2] == latest.id
    assert events(latest, "sms_from_shopper") == [("shopper", "Oui")]


def test_a_message_from_nobody_we_know_or_with_nothing_open_is_kept_unmatched(
        app, clock, payments, bread):
    order = an_order(bread, clock.now, payments)
    collected_long_ago = later(clock.now, days=30)

    assert handle_inbound_sms(sender="+33698765432", body="Bonjour ?", now=clock.now,
                              provider_ref="SM1") == "unmatched"
    assert handle_inbound_sms(sender="SHORTCODE", body="Promo", now=clock.now,
                              provider_ref="SM2") == "unmatched"
    # Claire's only order has ended: nothing open, no recent word from the shop.
    orders.cancel_by_shop(order.id, order.shop_id, "Fermeture exceptionnelle",
                          now=clock.now, provider=payments)
    assert handle_inbound_sms(sender=CLAIRE, body="Et ma commande ?", now=collected_long_ago,
                              provider_ref="SM3") == "unmatched"

    assert inbound_rows() == [("+33698765432", "Bonjour ?", None, "unmatched"),
                              ("SHORTCODE", "Promo", None, "unmatched"),
                              (CLAIRE, "Et ma commande ?", None, "unmatched")]


def test_stop_and_start_are_stored_as_what_they_did(app, clock):
    assert handle_inbound_sms(sender=CLAIRE, body="Stop", now=clock.now,
                              provider_ref="SM1") == "opted_out"
    assert handle_inbound_sms(sender=CLAIRE, body="START", now=clock.now,
                              provider_ref="SM2") == "opted_in"

    assert [row[3] for row in inbound_rows()] == ["opted_out", "opted_in"]


def test_the_conversation_reads_in_time_order(app, clock, payments, bread):
    order = an_order(bread, clock.now, payments)
    write(order, "Une ordinaire ?", later(clock.now, minutes=3))
    handle_inbound_sms(sender=CLAIRE, body="Oui", now=later(clock.now, minutes=7))

    items = conversation(order.id)

    assert [(item.incoming, item.kind) for item in items] == [
        (False, "placed"), (False, "shop_message"), (True, "reply")]
    assert items[1].text.endswith("Une ordinaire ? Repondez a ce SMS.")
    assert items[2].text == "Oui" and items[0].text is None
