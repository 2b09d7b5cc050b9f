"""Delivery reports: Twilio's status callbacks move a message forward, never back.

Twilio calls back once per status, in no guaranteed order, and may call again. Each call is
first recorded as an SmsStatusEvent, unique per (SID, status): a replay fails to insert and
is refused with nothing changed. The message then moves with a conditional UPDATE, so a
late "sent" never undoes "delivered", and a flush writing its own outcome (only while the
message is still SENDING under its claim) never undoes a callback that came first."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.database import insert_ignore, unit_of_work
from app.errors import Conflict
from app.extensions import db
from app.i18n import N_
from app.notify.models import (DELIVERED, FAILED, QUEUED, SENDING, SENT, UNDELIVERED,
                               WITHDRAWN, SmsMessage, SmsStatusEvent)
from app.notify.twilio_sms import error_text

# Twilio's MessageStatus -> ours. Queued, accepted or sending at Twilio: Twilio has it.
TWILIO_STATUSES = {"queued": SENT, "accepted": SENT, "scheduled": SENT, "sending": SENT,
                   "sent": SENT, "delivered": DELIVERED, "read": DELIVERED,
                   "undelivered": UNDELIVERED, "failed": FAILED, "canceled": FAILED}
# Where each of ours may come from. WITHDRAWN is there because a message is withdrawn only
# while QUEUED, which a try that timed out yet reached Twilio leaves it in: the report is
# the truth. DELIVERED, UNDELIVERED and FAILED are final.
NOT_YET_SENT = (QUEUED, SENDING, WITHDRAWN)
MAY_BECOME = {SENT: NOT_YET_SENT, DELIVERED: (*NOT_YET_SENT, SENT),
              UNDELIVERED: (*NOT_YET_SENT, SENT), FAILED: (*NOT_YET_SENT, SENT)}


@dataclass
class DeliveryReport:
    message_id: int | None  # None: not one of ours, nothing recorded
    status: str | None      # the message's status once the report is applied


def record_delivery_status(*, provider_ref: str, provider_status: str,
                           error_code: str | None, message_id: int | None,
                           now: datetime) -> DeliveryReport:
    """Apply one status callback. `message_id` is the `sms` of the callback URL we gave
    Twilio: it finds a message whose SID was never written (the flush died after the send).
    Raises Conflict when this (SID, status) was already received."""
    with unit_of_work():
        message = _message_for(provider_ref, message_id)
        if message is None:
            return DeliveryReport(None, None)
        inserted = db.session.execute(insert_ignore(SmsStatusEvent).values(
            message_id=message.id, provider_ref=provider_ref, status=provider_status,
            error_code=error_code, at=now).returning(SmsStatusEvent.id)).scalar_one_or_none()
        if inserted is None:
            raise Conflict("Ce rapport de remise a déjà été reçu.", field="MessageSid",
                           code="duplicate_callback")
        target = TWILIO_STATUSES.get(provider_status)
        if target is not None:
            error = (N_("Envoi annulé chez Twilio.") if provider_status == "canceled"
                     else error_text(error_code))
            _move(message.id, target, provider_ref, error_code, error, now)
        db.session.refresh(message)
        return DeliveryReport(message.id, message.status)


def _message_for(provider_ref: str, message_id: int | None) -> SmsMessage | None:
    message = db.session.scalar(sa.select(SmsMessage)
                                .where(SmsMessage.provider_ref == provider_ref).limit(1))
    if message is None and message_id is not None:
        message = db.session.scalar(sa.select(SmsMessage).where(
            SmsMessage.id == message_id, SmsMessage.provider_ref.is_(None)))
    return message


def _move(message_id: int, target: str, provider_ref: str, error_code: str | None,
          error: str, now: datetime) -> None:
    values = dict(status=target, status_at=now,
                  provider_ref=sa.func.coalesce(SmsMessage.provider_ref, provider_ref),
                  sent_at=sa.func.coalesce(SmsMessage.sent_at, now))
    if target in (UNDELIVERED, FAILED):
        values.update(error_code=error_code, error=error)
    else:
        values.update(error_code=None, error=None)
    db.session.execute(sa.update(SmsMessage)
                       .where(SmsMessage.id == message_id,
                              SmsMessage.status.in_(MAY_BECOME[target]))
                       .values(**values).execution_options(synchronize_session=False))
