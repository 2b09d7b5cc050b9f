from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime, utcnow
from app.extensions import db

# Ledger entry kinds. Amounts are never negative: the kind says which way the money goes.
SHARE = "share"                          # the shop's part of a collected sale
COMMISSION = "commission"                # the association's part of it
REFUND_SHARE = "refund_share"            # taken back from the shop's part by a refund
REFUND_COMMISSION = "refund_commission"  # taken back from the association's part
ENTRY_KINDS = (SHARE, COMMISSION, REFUND_SHARE, REFUND_COMMISSION)

# Refund states, as for settlements (app.payments.models).
PENDING = "pending"        # written with the business change, sent to the provider after commit
PROCESSING = "processing"  # claimed by one process that is talking to the provider
SUCCEEDED, FAILED = "succeeded", "failed"  # failed: the provider refused MAX_ATTEMPTS times


class LedgerEntry(db.Model):
    """Append-only: one row per (source, kind, shop), so recording twice is impossible.

    `source` names the money movement behind the entry: "capture:<payment transaction id>"
    or "refund:<refund id>". `at` is when the money moved (the capture or the refund
    succeeded at the provider): it decides the statement's period."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint("amount_cents >= 0", name="amount"),
        sa.CheckConstraint("rate_bps BETWEEN 0 AND 10000", name="rate_bps"),
        sa.CheckConstraint(f"kind IN {ENTRY_KINDS!r}", name="kind"),
        sa.UniqueConstraint("source", "kind", "shop_id", name="uq_ledger_entries_source_kind_shop"),
        sa.Index("ix_ledger_entries_at_shop", "at", "shop_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"))
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("orders.id"), index=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(40))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    amount_cents: so.Mapped[int]
    rate_bps: so.Mapped[int]  # the commission rate the split was made with
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


DELIVERY_FEE = "delivery_fee"  # a home delivery's fee: the association's, no shop's part
ASSOCIATION_KINDS = (DELIVERY_FEE,)


class AssociationEntry(db.Model):
    """Append-only: money that is the association's own revenue and no shop's (a delivery
    fee), so it never enters a shop's statement, share or commission. `source` as in
    LedgerEntry ("capture:<payment transaction id>", "voucher:<checkout id>"); unique per
    (source, kind), so recording twice is impossible."""

    __tablename__ = "association_entries"
    __table_args__ = (
        sa.CheckConstraint("amount_cents >= 0", name="amount"),
        sa.CheckConstraint(f"kind IN ('{DELIVERY_FEE}')", name="kind"),
        sa.UniqueConstraint("source", "kind", name="uq_association_entries_source_kind"),
        sa.Index("ix_association_entries_at", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    checkout_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checkouts.id"), index=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(40))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    amount_cents: so.Mapped[int]
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


class Refund(db.Model):
    """Money given back on a collected order: a row of its own, never an edited capture.

    Written `pending` in the transaction that checks it against what was captured (the
    checkout row locked), with its PaymentJob; carried out at the provider after commit
    under the key "refund:<id>"; only its status moves on (succeeded or failed)."""

    __tablename__ = "refunds"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount"),
        sa.Index("ix_refunds_status", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("orders.id"), index=True)
    checkout_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checkouts.id"))
    capture_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payment_transactions.id"))
    amount_cents: so.Mapped[int]
    reason: so.Mapped[str] = so.mapped_column(sa.String(300))
    actor: so.Mapped[str] = so.mapped_column(sa.String(80))  # "shop:12", "manager:3"
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=PENDING)
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    lines: so.Mapped[list["RefundLine"]] = so.relationship(order_by="RefundLine.id")


class RefundLine(db.Model):
    """Units of one order line given back (absent when a refund is a plain amount)."""

    __tablename__ = "refund_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint("amount_cents >= 0", name="amount"),
        sa.UniqueConstraint("refund_id", "order_line_id", name="uq_refund_lines_refund_line"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    refund_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("refunds.id"))
    order_line_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("order_lines.id"), index=True)
    quantity: so.Mapped[int]
    amount_cents: so.Mapped[int]
