from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import Claimable, UTCDateTime, utcnow
from app.extensions import db

AUTHORIZE, CAPTURE, VOID = "authorize", "capture", "void"
PENDING = "pending"        # written in the business transaction, done at the provider after commit
PROCESSING = "processing"  # claimed by one process that is talking to the provider
SUCCEEDED, FAILED = "succeeded", "failed"


class PaymentTransaction(Claimable, db.Model):
    """Append-only money record: rows are added, amounts never edited.

    A settlement (capture or void) is written as `pending` in the same transaction as the
    order change that made it due, under a unique idempotency key, and carried out at the
    provider after commit; only its status moves on (pending -> processing -> succeeded).
    """

    __tablename__ = "payment_transactions"
    __table_args__ = (sa.CheckConstraint("amount_cents >= 0", name="amount"),
                      sa.Index("ix_payment_transactions_status", "status"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    checkout_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checkouts.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    amount_cents: so.Mapped[int]
    provider: so.Mapped[str] = so.mapped_column(sa.String(20))
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    status: so.Mapped[str] = so.mapped_column(sa.String(20))
    idempotency_key: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # On an authorisation: the provider lets it lapse at this instant (Stripe: 7 days for
    # online card payments, or the charge's own capture_before); the sweep settles before.
    capture_before: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class PaymentIntentLink(db.Model):
    """The provider's payment object opened for a checkout (a Stripe PaymentIntent), kept so
    that every later look at the checkout finds it again instead of opening another: the
    provider forgets idempotency keys after 24 hours, we do not."""

    __tablename__ = "payment_intents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    checkout_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checkouts.id"), unique=True)
    provider: so.Mapped[str] = so.mapped_column(sa.String(20))
    intent_id: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    client_secret: so.Mapped[str] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class PaymentEvent(db.Model):
    """A provider's webhook event, recorded once it has been handled: a second delivery of
    the same event id finds it here and changes nothing."""

    __tablename__ = "payment_events"
    __table_args__ = (sa.UniqueConstraint("provider", "event_id",
                                          name="uq_payment_events_provider"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider: so.Mapped[str] = so.mapped_column(sa.String(20))
    event_id: so.Mapped[str] = so.mapped_column(sa.String(120))
    type: so.Mapped[str] = so.mapped_column(sa.String(80))
    checkout_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("checkouts.id"),
                                                          index=True)
    outcome: so.Mapped[str] = so.mapped_column(sa.String(40))  # what handling it did
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
