from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import Claimable, UTCDateTime, utcnow
from app.extensions import db

QUEUED = "queued"    # written with the change that caused it, waiting for the flush
SENDING = "sending"  # claimed by one flushing process
SENT = "sent"
FAILED = "failed"


class SmsMessage(Claimable, db.Model):
    """Transactional outbox: a row is written in the same transaction as the order change.

    `dedupe_key` is unique ("reminder:42"), so two sweeps can never queue the same message.
    """

    __tablename__ = "sms_messages"
    __table_args__ = (sa.Index("ix_sms_messages_status_due", "status", "send_after"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    to: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(1600))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    order_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("orders.id"), index=True)
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=QUEUED)
    send_after: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class SmsOptOut(db.Model):
    """A number that answered STOP: no reminder (nor, later, anything promotional) goes to
    it; the messages that answer what the shopper just did still go. START deletes the row,
    so a row present means opted out (the opt-out of the moment, not a history)."""

    __tablename__ = "sms_opt_outs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    phone: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    opted_out_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    source: so.Mapped[str] = so.mapped_column(sa.String(40))  # "sms:STOP", "sms:ARRET"...
