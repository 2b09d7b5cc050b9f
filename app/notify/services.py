"""The SMS outbox: queued in the business transaction, sent by the flush after commit."""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic

import sqlalchemy as sa
from blinker import Namespace

from app.database import claim_rows, insert_ignore, unit_of_work
from app.extensions import db
from app.i18n import N_
from app.notify.models import (FAILED, PROMOTIONAL, QUEUED, SENDING, SENT, WITHDRAWN,
                               SmsMessage)
from app.notify.models import PUSH
from app.notify.providers import ProviderUnavailable, SendResult, SmsProvider
from app.notify.push import PUSH_KINDS, end_subscription, live_subscription
from app.notify.segments import segments
from app.notify.timing import next_promo_moment, promo_open
from app.orders.models import OPEN_STATES, Order

log = logging.getLogger("comptoir.sms")
# Sent with each try's SendResult, after the provider answered (or did not).
sms_tried = Namespace().signal("sms-tried")

MAX_ATTEMPTS = 5  # then FAILED: about 15 minutes of retries (see retry_delay)
RETRY_BASE = timedelta(minutes=1)
STALE_CLAIM = timedelta(minutes=10)  # a flush that died mid-batch gives its claim back
# Claimed this many at a time: even with every lookup and send timing out (5 x 2 x 30 s
# at most, twilio_sms.MAX_TIMEOUT_SECONDS), a flush is done with its claim well before
# STALE_CLAIM, so no second flush takes over a message the first one is still sending.
CLAIM_CHUNK = 5


def queue_sms(*, to: str, body: str, kind: str, dedupe_key: str, now: datetime,
              order_id: int | None = None, shop_id: int | None = None,
              send_after: datetime | None = None, slot_start: datetime | None = None) -> bool:
    """Add a message to the outbox in the caller's transaction. False if already queued."""
    # RETURNING, not rowcount: with psycopg an INSERT … ON CONFLICT DO NOTHING reports -1.
    inserted = db.session.execute(insert_ignore(SmsMessage).values(
        to=to, body=body, kind=kind, dedupe_key=dedupe_key, order_id=order_id,
        shop_id=shop_id, segments=segments(body), slot_start=slot_start,
        status=QUEUED, send_after=send_after or now, created_at=now, status_at=now,
        attempts=0).returning(SmsMessage.id)).scalar_one_or_none()
    return inserted is not None


def withdraw_queued(*conditions, now: datetime) -> int:
    """Messages still waiting that must no longer go (the order ended, its slot moved, the
    number answered STOP), in the caller's transaction. The flush claims only QUEUED rows
    in a conditional UPDATE, so a message is either already being sent or never sent."""
    return db.session.execute(
        sa.update(SmsMessage).where(SmsMessage.status == QUEUED, *conditions)
        .values(status=WITHDRAWN, status_at=now)
        .execution_options(synchronize_session=False)).rowcount


@dataclass(frozen=True)
class _Claimed:
    """What a flush needs of a claimed message, read before any call leaves the process:
    no transaction stays open while the provider is called."""
    id: int
    to: str
    body: str
    kind: str
    attempts: int
    claim: str
    created_at: datetime
    order_id: int | None


def _claim_batch(now: datetime, limit: int) -> list[_Claimed]:
    """Due messages for this flush alone; a claim older than STALE_CLAIM is given back."""
    claimable = sa.or_(SmsMessage.status == QUEUED,
                       sa.and_(SmsMessage.status == SENDING,
                               SmsMessage.claimed_at < now - STALE_CLAIM))
    due = (sa.select(SmsMessage.id).where(claimable, SmsMessage.send_after <= now)
           .order_by(SmsMessage.id).limit(limit))
    # claim_rows leaves no transaction open: nothing is held while the provider is called.
    return [_Claimed(m.id, m.to, m.body, m.kind, m.attempts, m.claim, m.created_at, m.order_id)
            for m in claim_rows(SmsMessage, due, claimable, working=SENDING, now=now)]


def _settle(message: _Claimed, **values) -> bool:
    """Write the outcome of this flush's try, only if the message is still ours: a status
    callback may have settled it meanwhile, or a later flush taken over a stale claim."""
    with unit_of_work():
        done = db.session.execute(
            sa.update(SmsMessage)
            .where(SmsMessage.id == message.id, SmsMessage.status == SENDING,
                   SmsMessage.claim == message.claim)
            .values(**values).execution_options(synchronize_session=False)).rowcount
    return bool(done)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 minutes after the 1st, 2nd, 3rd, 4th failed try."""
    return RETRY_BASE * 2 ** (attempts - 1)


def _already_sent(provider: SmsProvider, message: _Claimed) -> str | None:
    """The provider's reference for this message if an earlier try reached it, skipping
    those another row already holds (the same text sent twice to one number)."""
    refs = provider.find_sent(to=message.to, body=message.body, message_id=message.id,
                              since=message.created_at)
    if not refs:
        return None
    with unit_of_work(write=False):
        taken = set(db.session.scalars(sa.select(SmsMessage.provider_ref).where(
            SmsMessage.provider_ref.in_(refs), SmsMessage.id != message.id)))
    return next((ref for ref in refs if ref not in taken), None)


def _push(push, message: _Claimed, now: datetime) -> SendResult | None:
    """The message as a Web Push when its shopper opted in and the subscription lives:
    the result of that try, or None for an SMS (no subscription, or the push service said
    it is gone: the subscription ends and the SMS takes over in this same try)."""
    if push is None or message.order_id is None or message.kind not in PUSH_KINDS:
        return None
    subscription = live_subscription(message.order_id)
    if subscription is None:
        return None
    result = push.send(endpoint=subscription.endpoint, p256dh=subscription.p256dh,
                       auth=subscription.auth, topic=f"comptoir-{message.id}",
                       payload={"title": subscription.shop, "body": message.body,
                                "url": f"{push.public_url}/suivi/{subscription.tracking_token}"})
    if result.gone:
        end_subscription(subscription.id, now=now)
        return None
    return SendResult(ok=result.ok, provider_ref=result.ref or f"push-{message.id}",
                      error=None if result.ok else result.error)


def _flush_one(provider: SmsProvider, message: _Claimed, now: datetime, push=None) -> bool:
    if message.kind == PROMOTIONAL and not promo_open(now):
        # Not a try: the attempt the claim counted is given back.
        _settle(message, status=QUEUED, send_after=next_promo_moment(now),
                attempts=SmsMessage.attempts - 1)
        return False
    try:
        pushed = _push(push, message, now)
    except Exception:  # a surprise from the push side: tried again like a timeout
        log.exception("message #%s: unexpected error while pushing", message.id)
        pushed = SendResult(ok=False, error=N_("Erreur inattendue à l'envoi : nouvel essai plus tard."))
    if pushed is not None:
        if pushed.ok:
            _settle(message, status=SENT, sent_at=now, status_at=now, channel=PUSH,
                    provider_ref=pushed.provider_ref, error=None, error_code=None)
            return True
        return _failed(message, pushed, now)
    try:
        # An earlier try may have reached the provider (a timeout, a flush that died
        # between the send and this write): look before sending again.
        ref = _already_sent(provider, message) if message.attempts > 1 else None
        result = (SendResult(ok=True, provider_ref=ref) if ref else
                  provider.send(to=message.to, body=message.body, message_id=message.id))
    except ProviderUnavailable as error:
        result = SendResult(ok=False, error=str(error))
    except Exception:  # a surprise from the provider: retried (and looked up) like a timeout
        log.exception("SMS #%s: unexpected error while sending", message.id)
        result = SendResult(ok=False,
                            error=N_("Erreur inattendue à l'envoi : nouvel essai plus tard."))
    sms_tried.send(result)  # for whoever counts (app/ops/metrics.py)
    if result.ok:
        _settle(message, status=SENT, sent_at=now, status_at=now, channel=None,
                provider_ref=result.provider_ref, error=None, error_code=None)
        return True
    return _failed(message, result, now)


def _failed(message: _Claimed, result: SendResult, now: datetime) -> bool:
    failure = dict(status_at=now, error=(result.error or "")[:300] or None,
                   error_code=result.error_code)
    if result.permanent or message.attempts >= MAX_ATTEMPTS:
        _settle(message, status=FAILED, **failure)
    else:
        _settle(message, status=QUEUED, send_after=now + retry_delay(message.attempts),
                **failure)
    return False


def withdraw_outdated_reminders(now: datetime) -> int:
    """A reminder goes only while its order is open at the slot it names. Ending or moving
    an order withdraws its queued reminder in the same transaction; this catches the one a
    reminder sweep queued from a read made just before that change committed."""
    still_due = sa.select(Order.id).where(Order.id == SmsMessage.order_id,
                                          Order.status.in_(OPEN_STATES),
                                          Order.slot_start == SmsMessage.slot_start)
    with unit_of_work():
        return withdraw_queued(SmsMessage.kind == "reminder", ~sa.exists(still_due), now=now)


def flush_outbox(provider: SmsProvider, now: datetime, *, limit: int = 200, push=None) -> int:
    """Send what is due, each message by exactly one process. Returns how many it sent
    (or found already sent). Claimed CLAIM_CHUNK at a time, each chunk's claim dated by
    the time this flush has run (a slow provider can keep it busy for long), so that
    another flush never takes a claim for stale while this one is still working on it.
    `push` (web_push.WebPushSender, or None): the free channel, chosen per message."""
    started = monotonic()
    withdraw_outdated_reminders(now)
    sent = claimed = 0
    while claimed < limit:
        claim_time = now + timedelta(seconds=monotonic() - started)
        batch = _claim_batch(claim_time, min(CLAIM_CHUNK, limit - claimed))
        if not batch:
            break
        claimed += len(batch)
        sent += sum(_flush_one(provider, message, now, push) for message in batch)
    return sent


def outbox(*, to: str | None = None, limit: int = 200) -> list[SmsMessage]:
    query = sa.select(SmsMessage).order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc())
    if to:
        query = query.where(SmsMessage.to == to)
    return list(db.session.scalars(query.limit(limit)))
