"""The SMS outbox as an operator sees it: every queued message leaves once, failures are
retried with backoff, and a flush that died mid-batch does not strand its messages."""
import logging
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.database import unit_of_work
from app.extensions import db
from app.notify.models import SmsMessage
from app.notify.providers import SendResult
from app.notify.services import MAX_ATTEMPTS, flush_outbox, queue_sms, retry_delay

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)


class FlakySms:
    """The operator's SMS gateway refusing the first `failures` sends."""

    name = "flaky"

    def __init__(self, failures: int):
        self.failures = failures
        self.sent: list[int] = []

    def send(self, *, to, body, message_id):
        if self.failures:
            self.failures -= 1
            return SendResult(ok=False, error="503 gateway busy")
        self.sent.append(message_id)
        return SendResult(ok=True, provider_ref=f"flaky-{message_id}")

    def find_sent(self, *, to, body, message_id, since):
        return []  # a refused send never got through


def queue(key: str, **extra) -> bool:
    with unit_of_work():
        return queue_sms(to="+33612345678", body=f"Message {key}", kind="test",
                         dedupe_key=key, now=extra.pop("now", NOW), **extra)


def rows() -> list[tuple[str, str, int]]:
    db.session.expire_all()
    return [(m.dedupe_key, m.status, m.attempts)
            for m in db.session.scalars(sa.select(SmsMessage).order_by(SmsMessage.id))]


def test_a_message_is_queued_once_per_dedupe_key(app):
    assert queue("reminder:1") is True
    assert queue("reminder:1") is False
    assert queue("reminder:2") is True
    assert [key for key, _, _ in rows()] == ["reminder:1", "reminder:2"]


def test_flush_sends_each_queued_message_once_and_marks_it_sent(app, sms, caplog):
    queue("a")
    queue("b")
    caplog.set_level(logging.INFO, logger="comptoir.sms")

    assert flush_outbox(sms, NOW) == 2
    assert flush_outbox(sms, NOW + timedelta(minutes=1)) == 0

    assert rows() == [("a", "sent", 1), ("b", "sent", 1)]
    ids = db.session.scalars(sa.select(SmsMessage.id).order_by(SmsMessage.id)).all()
    logged = [r.getMessage() for r in caplog.records if r.name == "comptoir.sms"]
    assert logged == [f"SMS #{ids[0]} to +33612345678: Message a",
                      f"SMS #{ids[1]} to +33612345678: Message b"]
    message = db.session.get(SmsMessage, ids[0])
    assert (message.sent_at, message.provider_ref) == (NOW, f"log-{ids[0]}")


def test_a_message_due_later_waits(app, sms):
    queue("later", send_after=NOW + timedelta(hours=1))

    assert flush_outbox(sms, NOW) == 0
    assert flush_outbox(sms, NOW + timedelta(hours=1)) == 1
    assert rows() == [("later", "sent", 1)]


def test_a_refused_message_is_retried_later_then_given_up(app):
    queue("retry")
    queue("doomed")
    gateway = FlakySms(failures=1)

    assert flush_outbox(gateway, NOW) == 1  # "retry" refused once, "doomed" sent
    assert rows() == [("retry", "queued", 1), ("doomed", "sent", 1)]
    assert flush_outbox(gateway, NOW) == 0  # not again at once: a minute later
    assert flush_outbox(gateway, NOW + timedelta(minutes=1)) == 1
    assert rows()[0] == ("retry", "sent", 2)

    queue("never")
    down = FlakySms(failures=100)
    at = NOW
    for attempt in range(1, MAX_ATTEMPTS + 2):
        flush_outbox(down, at)
        at += retry_delay(attempt)
    assert rows()[2] == ("never", "failed", MAX_ATTEMPTS)
    message = db.session.scalar(sa.select(SmsMessage).where(SmsMessage.dedupe_key == "never"))
    assert message.error == "503 gateway busy"


def test_a_flush_that_died_gives_its_messages_back_after_ten_minutes(app, sms):
    queue("stuck")
    queue("fresh")
    with unit_of_work():
        db.session.execute(sa.update(SmsMessage).values(status="sending", claim="dead",
                                                        claimed_at=NOW))

    assert flush_outbox(sms, NOW + timedelta(minutes=9)) == 0
    assert flush_outbox(sms, NOW + timedelta(minutes=11)) == 2
    assert [(key, status) for key, status, _ in rows()] == [("stuck", "sent"),
                                                            ("fresh", "sent")]
