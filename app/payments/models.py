from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import Claimable, UTCDateTime, utcnow
from app.extensions import db

AUTHORIZE, CAPTURE, VOID, REFUND = "authorize", "capture", "void", "refund"
SUCCEEDED, FAILED = "succeeded", "failed"  # the outcome of one call to the provider
# A job's states: PENDING when written in the business transaction, PROCESSING while one
# process talks to the provider about it, then DONE or FAILED (retries exhausted).
PENDING, PROCESSING, DONE = "pending", "processing", "done"


class PaymentTransaction(db.Model):
    """Append-only money history: one row per call to the provider and its outcome (an
    authorisation, a declined one, each try of a capture, a void or a refund). A row is
    written once and never changed; what is still to do lives in PaymentJob."""

    __tablename__ = "payment_transactions"
    __table_args__ = (sa.CheckConstraint("amount_cents >= 0", name="amount"),
                      sa.Index("ix_payment_transactions_kind", "checkout_id", "kind", "status"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    checkout_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checkouts.id"), index=True)
    job_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("payment_jobs.id"),
                                                     index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    amount_cents: so.Mapped[int]
    provider: so.Mapped[str] = so.mapped_column(sa.String(20))
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    status: so.Mapped[str] = so.mapped_column(sa.String(20))  # SUCCEEDED or FAILED
    # Unique: one successful authorisation per checkout ("authorize:<id>"), one row per
    # try of a job ("settle:<checkout>#<try>").
    idempotency_key: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # On an authorisation: the provider lets it lapse at this instant (Stripe: 7 days for
    # online card payments, or the charge's own capture_before); the sweep settles before.
    capture_before: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class PaymentJob(Claimable, db.Model):
    """A call still to make at the provider: the settlement of a checkout (a capture of
    what was collected, or a void) or a refund. Written in the business transaction under
    a unique key (so it exists once), carried out after commit by one process at a time
    (claim_rows), each try recorded as a PaymentTransaction. The key is also the
    provider's idempotency key: a retry after a crash cannot move money twice."""

    __tablename__ = "payment_jobs"
    __table_args__ = (sa.CheckConstraint("amount_cents >= 0", name="amount"),
                      sa.Index("ix_payment_jobs_status", "status"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    checkout_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checkouts.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # CAPTURE, VOID or REFUND
    amount_cents: so.Mapped[int]
    provider: so.Mapped[str] = so.mapped_column(sa.String(20))
    # What the call is about: the authorisation (capture, void) or the capture (refund).
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    # The refund this job carries out (refunds.id; no foreign key: refunds already point
    # at payment_transactions, which point here, and a cycle cannot be sorted).
    refund_id: so.Mapped[int | None]
    idempotency_key: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=PENDING)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


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
