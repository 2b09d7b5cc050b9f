"""Opt-out by SMS: a shopper who answers STOP gets no more reminders (nor, later, anything
promotional); START resumes them. Messages that answer what the shopper just did (order
placed, ready, cancelled, refunded) are not affected: a sweep that queues the others
leaves out the numbers of sms_opt_outs in its own SQL (see send_due_reminders)."""
import unicodedata
from datetime import datetime

import sqlalchemy as sa

from app.database import insert_ignore, unit_of_work
from app.errors import Invalid
from app.extensions import db
from app.notify.conversation import REPLY, UNMATCHED, record_reply, reply_order
from app.notify.models import PROMOTIONAL, SmsInbound, SmsMessage, SmsOptOut
from app.notify.services import withdraw_queued
from app.phone import normalize_phone

STOP, START = "stop", "start"
UNSOLICITED = ("reminder", PROMOTIONAL)  # the kinds a STOP stops

# Twilio's own keywords are all here, so that our list never disagrees with the numbers
# Twilio itself blocks and unblocks; the French ones are ours alone. "OUI" is deliberately
# not an opt-in: it is also how a shopper answers a shop's question about an order.
STOP_WORDS = frozenset({"STOP", "STOP SMS", "STOPSMS", "STOPALL", "STOP ALL", "ARRET",
                        "ARRET SMS", "UNSUBSCRIBE", "DESABONNER", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})


def _plain(body: str) -> str:
    """Upper case, no accents, single spaces, no trailing punctuation: 'arrêt !' -> 'ARRET'."""
    decomposed = unicodedata.normalize("NFKD", body or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.upper().strip(" \t\r\n.!?;,").split())


def parse_keyword(body: str) -> str | None:
    """STOP or START when the whole message is one of their keywords, else None (a reply)."""
    word = _plain(body)
    if word in STOP_WORDS:
        return STOP
    if word in START_WORDS:
        return START
    return None


def opt_out(phone: str, *, now: datetime, source: str) -> bool:
    """Record that `phone` (E.164) wants no more reminders. False if it already had said so:
    the unique phone settles two STOPs arriving at once. In the caller's transaction."""
    inserted = db.session.execute(insert_ignore(SmsOptOut).values(
        phone=phone, opted_out_at=now, source=source[:40])
        .returning(SmsOptOut.id)).scalar_one_or_none()
    # What was queued before the STOP and is not an answer to the shopper goes no more.
    withdraw_queued(SmsMessage.to == phone, SmsMessage.kind.in_(UNSOLICITED), now=now)
    return inserted is not None


def opt_in(phone: str, *, now: datetime) -> bool:
    """Reminders to `phone` resume. False if it was not opted out. `now` is taken for the
    day a consent history is kept; the row of the opt-out is simply removed today."""
    removed = db.session.execute(sa.delete(SmsOptOut).where(SmsOptOut.phone == phone))
    return removed.rowcount > 0


def is_opted_out(phone: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(SmsOptOut.phone == phone)))


def handle_inbound_sms(*, sender: str, body: str, now: datetime,
                       provider_ref: str | None = None) -> str:
    """What an inbound SMS did: "opted_out", "opted_in", "reply" (shown on the order it
    answers, see conversation.reply_order) or "unmatched". Every message is stored, once:
    the unique MessageSid (`provider_ref`) makes a webhook Twilio retries do nothing
    twice. `sender` is the From of the message, E.164 from Twilio."""
    keyword = parse_keyword(body)
    body = (body or "").replace("\x00", "")[:1600]
    try:
        phone = normalize_phone(sender, field="From")
    except Invalid:
        phone = None  # a short code or a sender name: no shopper of ours
    with unit_of_work():
        order = None
        if phone is None:
            handled = UNMATCHED
        elif keyword is not None:
            handled = "opted_out" if keyword == STOP else "opted_in"
        else:
            order = reply_order(phone, now)
            handled = REPLY if order is not None else UNMATCHED
        stored = db.session.execute(insert_ignore(SmsInbound).values(
            provider_ref=(provider_ref or "")[:80] or None, from_phone=phone or sender[:20],
            body=body, order_id=order.id if order else None, handled_as=handled,
            received_at=now).returning(SmsInbound.id)).scalar_one_or_none()
        if stored is None:  # this very message was handled already
            return handled
        if handled == "opted_out":
            opt_out(phone, now=now, source=f"sms:{_plain(body)}")
        elif handled == "opted_in":
            opt_in(phone, now=now)
        elif order is not None:
            record_reply(order, body, now=now)
        return handled
