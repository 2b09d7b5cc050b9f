"""The SMS outbox: queued in the business transaction, sent by the flush after commit."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.database import claim_rows, insert_ignore
from app.extensions import db
from app.notify.models import FAILED, QUEUED, SENDING, SENT, WITHDRAWN, SmsMessage
from app.notify.providers import SmsProvider
from app.notify.segments import segments

MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=10)  # a flush that died mid-batch gives its claim back


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


def _set(message_id: int, **values) -> None:
    db.session.execute(sa.update(SmsMessage).where(SmsMessage.id == message_id)
                       .values(**values).execution_options(synchronize_session=False))


def _claim_batch(now: datetime, limit: int) -> list[SmsMessage]:
    """Due messages for this flush alone; a claim older than STALE_CLAIM is given back."""
    claimable = sa.or_(SmsMessage.status == QUEUED,
                       sa.and_(SmsMessage.status == SENDING,
                               SmsMessage.claimed_at < now - STALE_CLAIM))
    due = (sa.select(SmsMessage.id).where(claimable, SmsMessage.send_after <= now)
           .order_by(SmsMessage.id).limit(limit))
    return claim_rows(SmsMessage, due, claimable, working=SENDING, now=now)


def flush_outbox(provider: SmsProvider, now: datetime, *, limit: int = 200) -> int:
    """Send what is due, each message by exactly one process. Returns how many it sent."""
    sent = 0
    for message in _claim_batch(now, limit):
        result = provider.send(to=message.to, body=message.body, message_id=message.id)
        if result.ok:
            _set(message.id, status=SENT, sent_at=now, provider_ref=result.provider_ref)
            sent += 1
        else:
            _set(message.id, error=(result.error or "")[:300],
                 status=FAILED if message.attempts >= MAX_ATTEMPTS else QUEUED)
        db.session.commit()
    return sent


def outbox(*, to: str | None = None, limit: int = 200) -> list[SmsMessage]:
    query = sa.select(SmsMessage).order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc())
    if to:
        query = query.where(SmsMessage.to == to)
    return list(db.session.scalars(query.limit(limit)))
