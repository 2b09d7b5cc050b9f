"""SMS through Twilio (the real SDK against a local fake Twilio): what reaches the shopper's
phone, what the outbox says, and how refusals and outages are handled."""
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.database import unit_of_work
from app.extensions import db
from app.notify.models import PROMOTIONAL, SmsMessage
from app.notify.providers import sms_provider_from_config
from app.notify.services import MAX_ATTEMPTS, flush_outbox, queue_sms, retry_delay
from app.timeutil import parse_instant
from tests.factories import make_product, make_shop, place_order
from tests.notify.fake_twilio import ACCOUNT_SID, FROM, fake_twilio, twilio_app  # noqa: F401

CLAIRE = "+33612345678"
CONTRACT_KEYS = {"to", "body", "status", "kind", "order_id", "created_at"}


@pytest.fixture
def app(twilio_app):
    return twilio_app


def queue(key: str, now, *, to=CLAIRE, body=None, kind="test") -> int:
    with unit_of_work():  # the id read inside: no read transaction left open
        queue_sms(to=to, body=body or f"Message {key}", kind=kind, dedupe_key=key, now=now)
        return db.session.scalar(sa.select(SmsMessage.id)
                                 .where(SmsMessage.dedupe_key == key))


def row(message_id: int) -> SmsMessage:
    db.session.expire_all()
    return db.session.get(SmsMessage, message_id)


def test_a_placed_order_is_told_by_twilio_and_the_outbox_shows_it_sent(
        app, runner, clock, payments, sms, fake_twilio):
    shop = make_shop()
    order = place_order({shop: [(make_product(shop), 2)]}, clock.now, payments).orders[0]

    assert flush_outbox(sms, clock.now) == 1

    [sent] = fake_twilio.messages
    assert (sent["to"], sent["from"], sent["account_sid"]) == (CLAIRE, FROM, ACCOUNT_SID)
    assert "Boulangerie Martin" in sent["body"]
    message = db.session.scalar(sa.select(SmsMessage).where(SmsMessage.order_id == order.id))
    assert sent["body"] == message.body
    assert sent["_status_callback"] == (
        f"http://comptoir.test/api/v1/webhooks/twilio/status?sms={message.id}")
    listed = [json.loads(line) for line in runner.invoke(args=["sms", "list"]).output.splitlines()]
    assert len(listed) == 1 and set(listed[0]) >= CONTRACT_KEYS
    assert {k: listed[0][k] for k in ("status", "provider_ref", "order_id", "sent_at")} == {
        "status": "sent", "provider_ref": sent["sid"], "order_id": order.id,
        "sent_at": "2026-11-24T09:00:00+01:00"}
    assert flush_outbox(sms, clock.now + timedelta(minutes=5)) == 0
    assert fake_twilio.count("POST") == 1


@pytest.mark.parametrize("fault", ["503", "500"])
def test_an_outage_is_retried_after_a_minute_and_the_shopper_gets_one_message(
        app, clock, sms, fake_twilio, fault):
    message_id = queue("placed:1", clock.now)
    fake_twilio.fail_next(fault)

    assert flush_outbox(sms, clock.now) == 0
    waiting = row(message_id)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert waiting.send_after == clock.now + timedelta(minutes=1)
    assert f"HTTP {fault}" in waiting.error

    assert flush_outbox(sms, clock.now + timedelta(seconds=59)) == 0  # not before send_after
    assert flush_outbox(sms, clock.now + timedelta(minutes=1)) == 1

    sent = row(message_id)
    assert (sent.status, sent.attempts, sent.error) == ("sent", 2, None)
    assert [m["sid"] for m in fake_twilio.messages] == [sent.provider_ref]
    # Two creates; the second try first asked Twilio whether the first had got through.
    assert (fake_twilio.count("POST"), fake_twilio.count("GET")) == (2, 1)


def test_rate_limited_sends_back_off_1_then_2_minutes(app, clock, sms, fake_twilio):
    message_id = queue("placed:1", clock.now)
    fake_twilio.fail_next("429", times=2)

    flush_outbox(sms, clock.now)
    assert (row(message_id).status, row(message_id).error_code) == ("queued", "20429")
    flush_outbox(sms, clock.now + timedelta(minutes=1))
    assert row(message_id).send_after == clock.now + timedelta(minutes=3)
    assert flush_outbox(sms, clock.now + timedelta(minutes=2, seconds=59)) == 0
    assert fake_twilio.count("POST") == 2

    assert flush_outbox(sms, clock.now + timedelta(minutes=3)) == 1
    assert row(message_id).status == "sent"
    assert len(fake_twilio.messages) == 1 and fake_twilio.count("POST") == 3


@pytest.mark.parametrize("code, says", [
    ("21211", "Numéro invalide"),
    ("21610", "répondu STOP"),
    ("21614", "pas un mobile"),
])
def test_a_number_twilio_refuses_fails_at_once_with_its_code(
        app, clock, sms, fake_twilio, code, says):
    message_id = queue("placed:1", clock.now)
    fake_twilio.fail_next(code)

    assert flush_outbox(sms, clock.now) == 0
    for minutes in (1, 5, 60):
        flush_outbox(sms, clock.now + timedelta(minutes=minutes))

    failed = row(message_id)
    assert (failed.status, failed.error_code, failed.attempts) == ("failed", code, 1)
    assert says in failed.error
    assert fake_twilio.count("POST") == 1 and fake_twilio.messages == []


def test_an_outage_that_lasts_gives_up_after_the_last_try(app, clock, sms, fake_twilio):
    message_id = queue("placed:1", clock.now)
    fake_twilio.fail_next("503", times=100)

    at = clock.now
    for attempt in range(1, MAX_ATTEMPTS + 1):
        flush_outbox(sms, at)
        at += retry_delay(attempt)
    flush_outbox(sms, at + timedelta(hours=1))

    failed = row(message_id)
    assert (failed.status, failed.attempts) == ("failed", MAX_ATTEMPTS)
    assert "HTTP 503" in failed.error
    assert failed.status_at == clock.now + timedelta(minutes=1 + 2 + 4 + 8)
    assert fake_twilio.count("POST") == MAX_ATTEMPTS
    assert fake_twilio.count("GET") == MAX_ATTEMPTS - 1  # each retry looked first
    assert fake_twilio.messages == []


def test_twilio_unreachable_is_an_outage_too(app, clock, sms, fake_twilio):
    message_id = queue("placed:1", clock.now)
    fake_twilio.stop()

    assert flush_outbox(sms, clock.now) == 0

    waiting = row(message_id)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert "Twilio injoignable" in waiting.error


def test_a_request_that_times_out_undone_is_sent_on_the_next_try(app, clock, sms, fake_twilio):
    message_id = queue("placed:1", clock.now)
    fake_twilio.fail_next("hang")

    assert flush_outbox(sms, clock.now) == 0
    assert row(message_id).status == "queued"
    assert flush_outbox(sms, clock.now + timedelta(minutes=1)) == 1

    assert len(fake_twilio.messages) == 1
    assert row(message_id).provider_ref == fake_twilio.messages[0]["sid"]


def test_a_promotion_written_at_night_waits_for_the_morning(app, clock, sms, fake_twilio):
    evening = parse_instant("2026-11-24T21:45:00+01:00")  # Tuesday, after 21:30
    promo = queue("promo:1", evening, kind=PROMOTIONAL, body="Marche de Noel samedi. STOP 36111")
    placed = queue("placed:1", evening)

    assert flush_outbox(sms, evening) == 1  # what answers the shopper goes at once

    waiting = row(promo)
    assert (waiting.status, waiting.attempts) == ("queued", 0)
    assert waiting.send_after == parse_instant("2026-11-25T08:00:00+01:00")
    assert [m["body"] for m in fake_twilio.messages] == [row(placed).body]
    assert flush_outbox(sms, parse_instant("2026-11-25T07:59:00+01:00")) == 0
    assert flush_outbox(sms, parse_instant("2026-11-25T08:00:00+01:00")) == 1
    assert row(promo).status == "sent" and len(fake_twilio.messages) == 2
    assert fake_twilio.count("GET") == 0  # waiting for the window is not a try


def test_twilio_needs_its_settings_at_startup():
    with pytest.raises(RuntimeError, match="TWILIO_AUTH_TOKEN, TWILIO_FROM"):
        sms_provider_from_config({"SMS": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                                  "PUBLIC_URL": "http://comptoir.test"})
    with pytest.raises(RuntimeError, match="'sms77'"):
        sms_provider_from_config({"SMS": "sms77"})
