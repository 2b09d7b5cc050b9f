"""Each message reaches the shopper once: after a timeout that hid an accepted message,
after a flushing process died between Twilio's answer and its own write, and with several
processes flushing at once. Counted at the fake Twilio, which records every create."""
import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.database import unit_of_work
from app.extensions import db
from app.notify.models import SmsMessage
from app.notify.services import STALE_CLAIM, flush_outbox, queue_sms
from tests.notify.fake_twilio import fake_twilio, post_status, twilio_app  # noqa: F401

CLAIRE = "+33612345678"


@pytest.fixture
def app(twilio_app):
    return twilio_app


def queue(key: str, now, *, to=CLAIRE, body=None) -> int:
    with unit_of_work():  # the id read inside: no read transaction left open
        queue_sms(to=to, body=body or f"Message {key}", kind="placed", dedupe_key=key, now=now)
        return db.session.scalar(sa.select(SmsMessage.id)
                                 .where(SmsMessage.dedupe_key == key))


def row(message_id: int) -> SmsMessage:
    db.session.expire_all()
    return db.session.get(SmsMessage, message_id)


class Killed(BaseException):
    """The flushing process dying (OOM killer, deploy): nothing after it runs."""


class DiesAfterSending:
    """Twilio accepts the message, then the process dies before writing it down."""

    name = "twilio"

    def __init__(self, real):
        self.real = real

    def send(self, **message):
        self.real.send(**message)
        raise Killed

    def find_sent(self, **message):
        return self.real.find_sent(**message)


@pytest.mark.parametrize("held_in_twilio_queue", [False, True])
def test_a_timeout_that_hid_an_accepted_message_is_not_sent_again(
        app, clock, sms, fake_twilio, held_in_twilio_queue):
    # Held: Twilio has not sent it yet (no date_sent): a DateSent filter would miss it.
    fake_twilio.hold_in_queue = held_in_twilio_queue
    message_id = queue("placed:1", clock.now)
    fake_twilio.fail_next("slow")

    assert flush_outbox(sms, clock.now) == 0
    assert row(message_id).status == "queued"  # for us: unknown, to be looked up
    assert flush_outbox(sms, clock.now + timedelta(minutes=1)) == 1

    [accepted] = fake_twilio.messages
    sent = row(message_id)
    assert (sent.status, sent.provider_ref, sent.attempts) == ("sent", accepted["sid"], 2)
    assert (fake_twilio.count("POST"), fake_twilio.count("GET")) == (1, 1)


def test_an_answer_that_cannot_be_read_is_looked_up_not_resent(app, clock, sms, fake_twilio):
    message_id = queue("placed:1", clock.now)
    fake_twilio.fail_next("garbled")

    assert flush_outbox(sms, clock.now) == 0
    assert row(message_id).status == "queued"
    assert flush_outbox(sms, clock.now + timedelta(minutes=1)) == 1

    assert len(fake_twilio.messages) == 1 and fake_twilio.count("POST") == 1
    assert row(message_id).provider_ref == fake_twilio.messages[0]["sid"]


def test_nothing_is_sent_blind_while_twilio_cannot_be_asked(app, clock, sms, fake_twilio):
    message_id = queue("placed:1", clock.now)
    fake_twilio.fail_next("slow")
    fake_twilio.fail_next("503", method="GET")

    flush_outbox(sms, clock.now)
    flush_outbox(sms, clock.now + timedelta(minutes=1))  # the lookup fails: no send
    assert row(message_id).status == "queued"
    assert "vérifier un essai précédent" in row(message_id).error
    assert fake_twilio.count("POST") == 1

    assert flush_outbox(sms, clock.now + timedelta(minutes=3)) == 1
    assert len(fake_twilio.messages) == 1 and fake_twilio.count("POST") == 1
    assert row(message_id).provider_ref == fake_twilio.messages[0]["sid"]


def test_a_flush_that_dies_after_the_send_does_not_send_twice(app, clock, sms, fake_twilio):
    message_id = queue("placed:1", clock.now)

    with pytest.raises(Killed):
        flush_outbox(DiesAfterSending(sms), clock.now)
    db.session.rollback()  # what a new process starts from

    assert (row(message_id).status, row(message_id).provider_ref) == ("sending", None)
    assert flush_outbox(sms, clock.now + STALE_CLAIM - timedelta(minutes=1)) == 0
    assert fake_twilio.count("GET") == 0  # a claim that may still be working is left alone
    assert flush_outbox(sms, clock.now + STALE_CLAIM + timedelta(minutes=1)) == 1

    [accepted] = fake_twilio.messages
    sent = row(message_id)
    assert (sent.status, sent.provider_ref) == ("sent", accepted["sid"])
    assert (fake_twilio.count("POST"), fake_twilio.count("GET")) == (1, 1)


def test_a_report_settles_a_message_whose_flush_died(app, client, clock, sms, fake_twilio):
    message_id = queue("placed:1", clock.now)
    with pytest.raises(Killed):
        flush_outbox(DiesAfterSending(sms), clock.now)
    db.session.rollback()

    # The SID was never written: the report finds the message by the id in its URL.
    assert post_status(client, fake_twilio.messages[0], "delivered").status_code == 200
    assert flush_outbox(sms, clock.now + STALE_CLAIM + timedelta(minutes=1)) == 0

    settled = row(message_id)
    assert (settled.status, settled.provider_ref) == ("delivered", fake_twilio.messages[0]["sid"])
    assert len(fake_twilio.requests) == 1  # the one create


def test_a_slow_flush_keeps_the_messages_it_claims_late(
        app, clock, sms, fake_twilio, monkeypatch):
    """Twilio answering slowly: each send takes 3 minutes, so the flush claims its second
    chunk 15 minutes after its start. A second flush 16 minutes in must not take that
    claim for a dead one (it is 1 minute old, not 16)."""
    ids = [queue(f"placed:{i}", clock.now, to=f"+336123456{i:02d}") for i in range(10)]
    minutes = [0]
    monkeypatch.setattr("app.notify.services.monotonic", lambda: minutes[0] * 60)
    second_flush = []

    class Slow:
        name = "twilio"

        def send(self, **message):
            minutes[0] += 3
            if message["message_id"] == ids[6]:  # second chunk (5 by 5), 18 minutes in
                with app.app_context():
                    second_flush.append(flush_outbox(sms, clock.now + timedelta(minutes=16)))
                    db.session.remove()
            return sms.send(**message)

        def find_sent(self, **message):
            return sms.find_sent(**message)

    assert flush_outbox(Slow(), clock.now) == 10

    assert second_flush == [0]
    assert Counter(m["to"] for m in fake_twilio.messages) == {row(i).to: 1 for i in ids}
    assert {row(i).status for i in ids} == {"sent"}


def test_the_same_text_twice_to_one_number_is_sent_twice(app, clock, sms, fake_twilio):
    """A lookup must not take the first message for the second one."""
    first = queue("promo:1", clock.now, body="Marche de Noel samedi")
    assert flush_outbox(sms, clock.now) == 1
    second = queue("promo:2", clock.now, body="Marche de Noel samedi")
    fake_twilio.fail_next("hang")  # times out, nothing done

    flush_outbox(sms, clock.now)
    assert flush_outbox(sms, clock.now + timedelta(minutes=1)) == 1

    assert len(fake_twilio.messages) == 2
    assert {row(first).provider_ref, row(second).provider_ref} == {
        m["sid"] for m in fake_twilio.messages}


@pytest.mark.real_commits
def test_flushing_processes_at_once_send_each_message_once(app, clock, sms, fake_twilio):
    ids = [queue(f"placed:{i}", clock.now, to=f"+336123456{i:02d}") for i in range(40)]
    fake_twilio.create_delay = 0.005  # keeps each flush busy while the others claim
    db.session.commit()  # no lock of ours may remain (SQLite: one writer at a time)
    flushes = 4
    barrier = threading.Barrier(flushes)
    counts, crashes = [0] * flushes, []

    def flush(i):
        with app.app_context():  # its own session and connection, as a process would have
            try:
                barrier.wait(timeout=30)
                counts[i] = flush_outbox(sms, clock.now)
            except Exception as crash:  # noqa: BLE001  shown by the assertion below
                crashes.append(repr(crash))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=flush, args=(i,)) for i in range(flushes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert crashes == []
    assert sum(counts) == 40
    created = Counter(m["to"] for m in fake_twilio.messages)
    assert len(created) == 40 and set(created.values()) == {1}
    rows = [row(i) for i in ids]
    assert {r.status for r in rows} == {"sent"}
    assert sorted(r.provider_ref for r in rows) == sorted(m["sid"] for m in fake_twilio.messages)
