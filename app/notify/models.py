from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import Claimable, UTCDateTime, utcnow
from app.extensions import db

QUEUED = "queued"            # written with the change that caused it, waiting for the flush
SENDING = "sending"          # claimed by one flushing process; may have reached the provider
SENT = "sent"                # the provider accepted it
DELIVERED = "delivered"      # the operator confirmed delivery (status callback)
UNDELIVERED = "undelivered"  # the operator could not deliver it (status callback)
FAILED = "failed"            # refused for good, or out of retries: never reached the phone
WITHDRAWN = "withdrawn"      # no longer to be sent: order ended, slot moved, number opted out

NOT_TOLD = (FAILED, UNDELIVERED)  # the shopper was not told: the shop's queue shows it
PROMOTIONAL = "promo"             # the kind of messages bound by consent and the charter


class SmsMessage(Claimable, db.Model):
    """Transactional outbox: a row is written in the same transaction as the order change.

    `dedupe_key` is unique ("reminder:42"), so two sweeps can never queue the same message.
    """

    __tablename__ = "sms_messages"
    __table_args__ = (sa.Index("ix_sms_messages_status_due", "status", "send_after"),
                      # The figures' sweep finds the SMS reported since its last run.
                      sa.Index("ix_sms_messages_status_at", "status_at"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    to: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(1600))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    order_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("orders.id"), index=True)
    # Whose message it is, for the figures: the order's shop, or None for the association.
    shop_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("shops.id"), index=True)
    segments: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    # A reminder is about one slot: if the order moves, the queued reminder is withdrawn.
    slot_start: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=QUEUED)
    send_after: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    error_code: so.Mapped[str | None] = so.mapped_column(sa.String(10))  # Twilio's, e.g. 21610
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    status_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  # last change
    # How it went: None by SMS; PUSH as a Web Push to the shopper's browser (free, so the
    # SMS figures leave it out).
    channel: so.Mapped[str | None] = so.mapped_column(sa.String(10))


class SmsStatusEvent(db.Model):
    """One delivery status callback as received. The unique (provider_ref, status) pair
    makes a replayed callback fail to insert: it is refused and changes nothing."""

    __tablename__ = "sms_status_events"
    __table_args__ = (sa.UniqueConstraint("provider_ref", "status"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("sms_messages.id"),
                                                         index=True)
    provider_ref: so.Mapped[str] = so.mapped_column(sa.String(80))
    status: so.Mapped[str] = so.mapped_column(sa.String(20))
    error_code: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


class SmsInbound(db.Model):
    """A message from a shopper (Twilio's inbound webhook): STOP, START, or a reply shown
    on the order it answers. Unique provider_ref: a webhook retried is stored once."""

    __tablename__ = "sms_inbound"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(80), unique=True)
    from_phone: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(1600))
    order_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("orders.id"), index=True)
    handled_as: so.Mapped[str] = so.mapped_column(sa.String(20))  # opted_out, reply, ...
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


class SmsOptOut(db.Model):
    """A number that answered STOP: no reminder (nor, later, anything promotional) goes to
    it; the messages that answer what the shopper just did still go. START deletes the row,
    so a row present means opted out (the opt-out of the moment, not a history)."""

    __tablename__ = "sms_opt_outs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    phone: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    opted_out_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    source: so.Mapped[str] = so.mapped_column(sa.String(40))  # "sms:STOP", "sms:ARRET"...


PUSH = "push"  # SmsMessage.channel of a message that went as a Web Push


class PushSubscription(db.Model):
    """A browser's Web Push subscription, made on an order's tracking page: the shopper's
    news go there instead of an SMS while it lives. The push service answering 404 or 410
    ends it (ended_at) and the SMS takes over. Unique endpoint: the same browser opting in
    twice (or for another order) is one subscription, its keys and shopper the latest."""

    __tablename__ = "push_subscriptions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    endpoint: so.Mapped[str] = so.mapped_column(sa.String(1000), unique=True)
    p256dh: so.Mapped[str] = so.mapped_column(sa.String(100))  # the browser's ECDH key
    auth: so.Mapped[str] = so.mapped_column(sa.String(40))     # its auth secret
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
