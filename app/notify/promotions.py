"""The association's promotional campaigns by SMS (a market day, the gift vouchers…).

Only to shoppers who ticked the consent at checkout and have not answered STOP since;
every message ends with how to stop them; they go 08:00-21:30 Monday to Saturday, never
on a public holiday (timing.next_promo_moment, and the flush checks again). A STOP
answered before the campaign leaves withdraws what is still queued (optout.opt_out)."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import unit_of_work
from app.errors import Invalid
from app.extensions import db
from app.notify.models import PROMOTIONAL, SmsOptOut
from app.notify.segments import fold_to_gsm7, segments
from app.notify.services import queue_sms
from app.notify.timing import next_promo_moment
from app.orders.models import Customer
from app.timeutil import local_today

MAX_SEGMENTS = 2
STOP_MENTIONS = {"fr": "STOP : repondez STOP", "en": "Reply STOP to opt out"}


def promo_body(text: str, language: str) -> str:
    return f"{text} {STOP_MENTIONS.get(language, STOP_MENTIONS['fr'])}"


@dataclass(frozen=True)
class CampaignPreview:
    text: str                   # as it will go, folded to GSM-7
    bodies: dict[str, str]      # language -> the whole SMS
    segments: int               # the costliest of the languages
    recipients: int


def clean_campaign_text(text) -> str:
    """One paragraph, folded to GSM-7; with its STOP mention, MAX_SEGMENTS at most."""
    text = " ".join(text.split()) if isinstance(text, str) else ""
    if not text:
        raise Invalid(_("Écrivez le message."), field="text", code="required")
    text = fold_to_gsm7(text)
    worst = max(segments(promo_body(text, language)) for language in STOP_MENTIONS)
    if worst > MAX_SEGMENTS:
        raise Invalid(_("Trop long : %(n)s SMS par destinataire avec la mention STOP, "
                        "%(most)s au plus.", n=worst, most=MAX_SEGMENTS),
                      field="text", code="too_long")
    return text


def _recipients():
    """Consent recorded and no STOP since."""
    opted_out = sa.select(SmsOptOut.id).where(SmsOptOut.phone == Customer.phone)
    return (sa.select(Customer.id, Customer.phone, Customer.language)
            .where(Customer.promo_consent_at.is_not(None), ~sa.exists(opted_out)))


def recipients_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_recipients().subquery()))


def preview_campaign(text) -> CampaignPreview:
    text = clean_campaign_text(text)
    bodies = {language: promo_body(text, language) for language in STOP_MENTIONS}
    return CampaignPreview(text=text, bodies=bodies,
                           segments=max(segments(body) for body in bodies.values()),
                           recipients=recipients_count())


def queue_campaign(text, *, now: datetime) -> int:
    """Queue the campaign for every recipient, to go at the next promotional moment.
    Returns how many were queued. The campaign is its text on its town day: the same
    text sent again that day (a double submit) queues nothing twice, per customer."""
    text = clean_campaign_text(text)
    campaign = hashlib.sha256(f"{local_today(now)}\n{text}".encode()).hexdigest()[:20]
    send_after = next_promo_moment(now)
    queued = 0
    with unit_of_work():
        for customer_id, phone, language in db.session.execute(_recipients()).all():
            queued += queue_sms(to=phone, body=promo_body(text, language), kind=PROMOTIONAL,
                                dedupe_key=f"promo:{campaign}:{customer_id}", now=now,
                                send_after=send_after)
    return queued
