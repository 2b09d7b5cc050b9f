"""The association's promotional campaign: only to shoppers who consented and never said
STOP, with the STOP mention in their language, at the next moment the charter allows,
never twice for a double submit."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.errors import Invalid
from app.extensions import db
from app.notify.models import PROMOTIONAL, SmsMessage
from app.notify.optout import handle_inbound_sms
from app.notify.promotions import preview_campaign, queue_campaign, recipients_count
from app.notify.segments import segments
from app.notify.services import flush_outbox
from app.orders.models import Customer
from app.timeutil import parse_instant

TUESDAY_9 = parse_instant("2026-11-24T09:00:00+01:00")
SUNDAY_11 = parse_instant("2026-11-29T11:00:00+01:00")
MONDAY_8 = parse_instant("2026-11-30T08:00:00+01:00")
TEXT = "Marché de Noël samedi place du Plot : 10 % chez tous les commerçants du Comptoir !"


@pytest.fixture
def shoppers(app):
    """Claire (French) and John (English) consented; Paul did not; Inès consented, then
    answered STOP."""
    consent = datetime(2026, 10, 1, tzinfo=timezone.utc)
    people = [("+33611111111", "Claire", "fr", consent), ("+33622222222", "John", "en", consent),
              ("+33633333333", "Paul", "fr", None), ("+33644444444", "Inès", "fr", consent)]
    for phone, name, language, consent_at in people:
        db.session.add(Customer(phone=phone, name=name, language=language,
                                promo_consent_at=consent_at))
    db.session.commit()
    handle_inbound_sms(sender="+33644444444", body="STOP", now=consent, provider_ref="SM1")


def promos() -> list[tuple]:
    db.session.expire_all()
    return [(m.to, m.body, m.shop_id, m.send_after, m.status) for m in db.session.scalars(
        sa.select(SmsMessage).where(SmsMessage.kind == PROMOTIONAL).order_by(SmsMessage.to))]


def test_a_campaign_goes_to_consenting_shoppers_with_the_stop_mention(shoppers):
    assert recipients_count() == 2

    assert queue_campaign(TEXT, now=TUESDAY_9) == 2

    folded = TEXT.replace("ë", "e").replace("ç", "c")  # neither is GSM-7
    assert promos() == [
        ("+33611111111", f"{folded} STOP : repondez STOP", None, TUESDAY_9, "queued"),
        ("+33622222222", f"{folded} Reply STOP to opt out", None, TUESDAY_9, "queued")]


def test_written_on_a_sunday_it_waits_for_monday_8_and_the_flush_keeps_to_it(shoppers, sms):
    queue_campaign(TEXT, now=SUNDAY_11)

    assert {send_after for _, _, _, send_after, _ in promos()} == {MONDAY_8}
    assert flush_outbox(sms, SUNDAY_11 + timedelta(hours=1)) == 0
    assert flush_outbox(sms, MONDAY_8) == 2
    assert [status for *_, status in promos()] == ["sent", "sent"]


def test_never_on_a_public_holiday(shoppers):
    christmas_eve_late = parse_instant("2026-12-24T21:45:00+01:00")

    queue_campaign(TEXT, now=christmas_eve_late)

    # 25 December is a public holiday: Saturday 26 at 08:00.
    assert {p[3] for p in promos()} == {parse_instant("2026-12-26T08:00:00+01:00")}


def test_a_double_submit_queues_nothing_twice_but_another_day_is_another_campaign(shoppers):
    assert queue_campaign(TEXT, now=TUESDAY_9) == 2
    assert queue_campaign(f"  {TEXT} ", now=TUESDAY_9 + timedelta(minutes=1)) == 0
    assert len(promos()) == 2

    assert queue_campaign(TEXT, now=TUESDAY_9 + timedelta(days=7)) == 2
    assert len(promos()) == 4


def test_a_stop_after_the_campaign_was_queued_withdraws_it(shoppers):
    queue_campaign(TEXT, now=SUNDAY_11)

    handle_inbound_sms(sender="+33611111111", body="Stop", now=SUNDAY_11, provider_ref="SM2")

    assert [(to, status) for to, *_, status in promos()] == [("+33611111111", "withdrawn"),
                                                              ("+33622222222", "queued")]


def test_at_most_two_sms_with_the_stop_mention(shoppers):
    longest = "x" * (306 - len(" Reply STOP to opt out"))
    preview = preview_campaign(longest)
    assert preview.segments == 2 and preview.recipients == 2
    assert max(segments(body) for body in preview.bodies.values()) == 2

    with pytest.raises(Invalid) as refused:
        queue_campaign(longest + "x", now=TUESDAY_9)

    assert refused.value.field == "text"
    assert "3 SMS par destinataire" in refused.value.message
    assert promos() == []


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_campaign_is_refused(shoppers, text):
    with pytest.raises(Invalid) as refused:
        queue_campaign(text, now=TUESDAY_9)
    assert refused.value.field == "text"
