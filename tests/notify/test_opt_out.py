"""Opt-out by SMS: a shopper answers STOP through Twilio's inbound webhook and gets no more
reminders, while the messages that answer what they just did still go; START resumes."""
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from app.extensions import db
from app.jobs.sweeps import send_due_reminders
from app.notify.models import SmsMessage, SmsOptOut
from app.notify.optout import START, STOP, is_opted_out, parse_keyword
from app.notify.services import flush_outbox
from app.orders import services as orders
from app.orders.requests import parse_checkout
from app.timeutil import parse_instant
from tests.factories import make_product, make_shop
from tests.web.helpers import add_to_cart, page

TOKEN = "twilio-test-auth-token"
INBOUND = "/api/v1/webhooks/twilio/inbound"
SIGNED_URL = "http://comptoir.test" + INBOUND  # TestConfig.PUBLIC_URL + the path
CLAIRE, PAUL = "+33612345678", "+33698765432"
WED_10 = "2026-11-25T10:00:00+01:00"
REMINDERS_DUE = parse_instant("2026-11-25T09:00:00+01:00")


@pytest.fixture
def twilio(app):
    app.config["TWILIO_AUTH_TOKEN"] = TOKEN


@pytest.fixture
def bread(app):
    return make_product(make_shop(), "Baguette tradition", 130, stock=50)


def order(product, phone: str, now: datetime, payments, slot: str = WED_10):
    body = {"customer": {"name": "Claire Dupont", "phone": phone},
            "orders": [{"shop": product.shop.slug, "slot": slot,
                        "lines": [{"product_id": product.id, "quantity": 1}]}]}
    checkout = orders.create_checkout(parse_checkout(body), now=now, provider=payments).checkout
    orders.pay_checkout(checkout.id, "test_ok", now=now, provider=payments)
    return checkout.orders[0]


def inbound(client, body: str, sender: str = CLAIRE, *, signature: str | None = None):
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "1" * 32, "From": sender,
            "To": "+33757000000", "Body": body, "NumMedia": "0"}
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(SIGNED_URL, form)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(INBOUND, data=form, headers=headers)


def reminded() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SmsMessage.to).where(SmsMessage.kind == "reminder")
                                   .order_by(SmsMessage.to)))


def opt_outs() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(row.phone, row.source) for row in db.session.scalars(sa.select(SmsOptOut))]


def test_stop_ends_reminders_to_that_number_but_not_what_answers_the_shopper(
        app, client, clock, payments, sms, twilio, bread):
    claire = order(bread, "06 12 34 56 78", clock.now, payments)
    order(bread, "06 98 76 54 32", clock.now, payments)

    response = inbound(client, "STOP")

    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert "<Response" in response.get_data(as_text=True)
    assert opt_outs() == [(CLAIRE, "sms:STOP")]
    assert send_due_reminders(REMINDERS_DUE) == 1
    assert reminded() == [PAUL]

    # Claire orders again: the SMS that answers her order still goes, and is sent.
    again = order(bread, "06 12 34 56 78", REMINDERS_DUE, payments,
                  slot="2026-11-26T10:00:00+01:00")
    flush_outbox(sms, REMINDERS_DUE)
    db.session.expire_all()
    placed = db.session.scalars(sa.select(SmsMessage).where(
        SmsMessage.order_id.in_((claire.id, again.id)))).all()
    assert [(m.kind, m.to, m.status) for m in placed] == [("placed", CLAIRE, "sent")] * 2


def test_start_resumes_reminders(app, client, clock, payments, twilio, bread):
    order(bread, "06 12 34 56 78", clock.now, payments)
    inbound(client, "Stop")
    assert is_opted_out(CLAIRE)

    response = inbound(client, "start")

    assert response.status_code == 200
    assert not is_opted_out(CLAIRE) and opt_outs() == []
    assert send_due_reminders(REMINDERS_DUE) == 1
    assert reminded() == [CLAIRE]


def test_a_second_stop_changes_nothing(app, client, twilio):
    assert inbound(client, "STOP").status_code == 200
    assert inbound(client, "ARRET").status_code == 200
    assert opt_outs() == [(CLAIRE, "sms:STOP")]


@pytest.mark.parametrize("body", ["stop", "Arrêt", "  arrêt ! ", "STOP SMS", "Unsubscribe",
                                  "stopall"])
def test_stop_is_understood_as_people_type_it(app, client, twilio, body):
    assert inbound(client, body).status_code == 200
    assert is_opted_out(CLAIRE)


def test_a_reply_that_is_not_a_keyword_changes_nothing(app, client, twilio):
    response = inbound(client, "Stop la baguette, je prends une ordinaire")

    assert response.status_code == 200
    assert "<Response" in response.get_data(as_text=True)
    assert opt_outs() == []


@pytest.mark.parametrize("signature", ["", "forged", "other-body"])
def test_a_forged_or_unsigned_call_is_refused_and_writes_nothing(app, client, twilio,
                                                                 signature):
    if signature == "other-body":  # a real signature, of another message
        signature = RequestValidator(TOKEN).compute_signature(SIGNED_URL, {"Body": "START"})

    response = inbound(client, "STOP", signature=signature)

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "bad_signature"
    assert opt_outs() == []


def test_a_call_signed_with_another_token_is_refused(app, client, twilio):
    form = {"From": CLAIRE, "Body": "STOP"}
    signature = RequestValidator("someone-else").compute_signature(SIGNED_URL, form)

    response = client.post(INBOUND, data=form, headers={"X-Twilio-Signature": signature})

    assert response.status_code == 403
    assert opt_outs() == []


def test_without_twilio_settings_the_webhook_says_so(app, client):
    response = inbound(client, "STOP")

    assert response.status_code == 503
    assert response.get_json()["error"] == {"code": "twilio_not_configured",
                                            "message": "twilio not configured"}
    assert opt_outs() == []


def test_keywords():
    assert [parse_keyword(b) for b in ("STOP", "arret", "ARRÊT.", "stop  sms", "QUIT")] == \
        [STOP] * 5
    assert [parse_keyword(b) for b in ("START", "unstop", "Yes")] == [START] * 3
    assert [parse_keyword(b) for b in ("oui", "stop la baguette", "", "merci")] == [None] * 4


def test_the_checkout_page_says_how_to_stop_reminders(app, client):
    shop = make_shop()
    add_to_cart(client, make_product(shop, "Baguette tradition", 130, stock=5))

    html = page(client, "/commande")

    assert "Répondez STOP à un SMS pour ne plus recevoir de rappels" in html
