"""Twilio's delivery reports (status callbacks): the outbox shows what became of each
message, a forged or replayed report changes nothing, and a late one never goes back."""
import pytest
import sqlalchemy as sa

from app.database import unit_of_work
from app.extensions import db
from app.notify.models import SmsMessage, SmsStatusEvent
from app.notify.services import flush_outbox, queue_sms
from tests.notify.fake_twilio import fake_twilio, post_status, twilio_app  # noqa: F401

CLAIRE = "+33612345678"


@pytest.fixture
def app(twilio_app):
    return twilio_app


@pytest.fixture
def sent(app, clock, sms, fake_twilio) -> dict:
    """One message sent through Twilio; the fake's copy of it."""
    with unit_of_work():
        queue_sms(to=CLAIRE, body="Commande 12 prete", kind="ready", dedupe_key="ready:12",
                  now=clock.now)
    assert flush_outbox(sms, clock.now) == 1
    return fake_twilio.messages[0]


def outbox() -> tuple:
    db.session.expire_all()
    message = db.session.scalar(sa.select(SmsMessage))
    return message.status, message.error_code, message.error


def events() -> list[tuple[str, str]]:
    return [(e.provider_ref, e.status) for e in
            db.session.scalars(sa.select(SmsStatusEvent).order_by(SmsStatusEvent.id))]


def test_a_delivered_report_shows_the_message_delivered(client, sent, runner):
    response = post_status(client, sent, "delivered")

    assert response.status_code == 200
    assert response.get_json()["status"] == "delivered"
    assert outbox() == ("delivered", None, None)
    assert '"status": "delivered"' in runner.invoke(args=["sms", "list"]).output


@pytest.mark.parametrize("status, code, says", [
    ("undelivered", "30003", "injoignable"),
    ("failed", "30006", "Numéro fixe"),
    ("undelivered", "30999", "code 30999"),
])
def test_a_message_that_did_not_reach_the_phone_is_shown_so(client, sent, status, code, says):
    post_status(client, sent, "sent")

    assert post_status(client, sent, status, error_code=code).status_code == 200

    shown, error_code, error = outbox()
    assert (shown, error_code) == (status, code)
    assert says in error


def test_a_forged_report_is_refused_and_changes_nothing(client, sent):
    forged = post_status(client, sent, "failed", error_code="30006", token="not-our-token")
    unsigned = post_status(client, sent, "failed", signature="")

    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert forged.get_json()["error"]["code"] == "bad_signature"
    assert outbox() == ("sent", None, None)
    assert events() == []


def test_a_replayed_report_is_refused_and_changes_nothing(client, sent):
    assert post_status(client, sent, "undelivered", error_code="30003").status_code == 200
    db.session.execute(sa.update(SmsMessage).values(error="seen by the shop"))
    db.session.commit()

    replay = post_status(client, sent, "undelivered", error_code="30003")

    assert replay.status_code == 409
    assert replay.get_json()["error"]["code"] == "duplicate_callback"
    assert outbox() == ("undelivered", "30003", "seen by the shop")
    assert events() == [(sent["sid"], "undelivered")]


def test_reports_out_of_order_never_go_back(client, sent):
    post_status(client, sent, "delivered")
    post_status(client, sent, "sent")
    post_status(client, sent, "queued")

    assert outbox() == ("delivered", None, None)
    assert post_status(client, sent, "undelivered", error_code="30003").status_code == 200
    assert outbox() == ("delivered", None, None)  # final: a report cannot reopen it
    assert [status for _, status in events()] == ["delivered", "sent", "queued", "undelivered"]


def test_a_report_about_a_message_that_is_not_ours_records_nothing(client, sent):
    stranger = {**sent, "sid": "SM" + "f" * 32,
                "_status_callback": "http://comptoir.test/api/v1/webhooks/twilio/status?sms=999"}

    response = post_status(client, stranger, "delivered")

    assert response.status_code == 200
    assert response.get_json() == {"message": None, "status": None}
    assert outbox() == ("sent", None, None)
    assert events() == []


def test_a_report_without_its_status_is_malformed(client, sent):
    response = post_status(client, sent, "")

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "MessageSid"
    assert events() == []


def test_a_report_that_comes_before_the_flush_writes_its_outcome_is_kept(
        app, client, clock, sms, fake_twilio):
    """Twilio may call back before the flush has written "sent": the flush's late write
    must not turn "delivered" back into "sent"."""
    class ReportedAtOnce:
        name = "twilio"

        def send(self, **message):
            result = sms.send(**message)
            post_status(client, fake_twilio.messages[-1], "delivered")
            return result

        def find_sent(self, **message):
            return sms.find_sent(**message)

    with unit_of_work():
        queue_sms(to=CLAIRE, body="Commande 12 prete", kind="ready", dedupe_key="ready:12",
                  now=clock.now)

    flush_outbox(ReportedAtOnce(), clock.now)

    assert outbox() == ("delivered", None, None)
    message = db.session.scalar(sa.select(SmsMessage))
    assert (message.provider_ref, message.sent_at) == (fake_twilio.messages[0]["sid"], clock.now)
