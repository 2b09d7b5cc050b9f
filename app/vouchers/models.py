"""The town's gift vouchers: issued by the association, sold, then spent at any member shop.

A voucher's balance has two records that always agree: the movements, only ever added
(issue, hold, release, consume), and `available_cents`, what can still be held, changed
only by conditional UPDATEs so that two phones spending the same voucher at the same
instant cannot both take it (CHECK available_cents >= 0 is the last line of defence).
available = issued - held + released; a consume spends what a hold already took.
"""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime, utcnow
from app.extensions import db

# Movement kinds.
ISSUE = "issue"      # the face value, once, when the association prints the voucher
HOLD = "hold"        # taken from the balance for one checkout, until it ends
RELEASE = "release"  # a hold (or what consuming it left) given back to the balance
CONSUME = "consume"  # part of a hold spent on what the shopper collected
MOVEMENT_KINDS = (ISSUE, HOLD, RELEASE, CONSUME)

# How the association was paid for a voucher.
SALE_METHODS = ("especes", "cheque", "carte", "virement")


class Voucher(db.Model):
    __tablename__ = "vouchers"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount"),
        sa.CheckConstraint("available_cents >= 0 AND available_cents <= amount_cents",
                           name="available"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Normalised: upper case, no separators (app.vouchers.codes).
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    batch: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    amount_cents: so.Mapped[int]
    available_cents: so.Mapped[int]
    # Valid through this day, in the town's time.
    expires_on: so.Mapped[date] = so.mapped_column(sa.Date)
    issued_by: so.Mapped[str] = so.mapped_column(sa.String(254))
    issued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Set once, by the sale's conditional UPDATE; an unsold voucher cannot be spent.
    sold_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    sale: so.Mapped["VoucherSale | None"] = so.relationship(back_populates="voucher")


class VoucherSale(db.Model):
    """The association sold the voucher: who bought it, for how much, paid how."""

    __tablename__ = "voucher_sales"
    __table_args__ = (
        sa.CheckConstraint("paid_cents >= 0", name="paid"),
        sa.CheckConstraint("method IN ('especes', 'cheque', 'carte', 'virement')",
                           name="method"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    voucher_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("vouchers.id"), unique=True)
    buyer_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    paid_cents: so.Mapped[int]
    method: so.Mapped[str] = so.mapped_column(sa.String(20))
    sold_by: so.Mapped[str] = so.mapped_column(sa.String(254))
    sold_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)

    voucher: so.Mapped[Voucher] = so.relationship(back_populates="sale")


class VoucherMovement(db.Model):
    """Append-only. One hold, at most one release and one consume per (voucher, checkout):
    the unique key is what makes a retried checkout or a second settlement a no-op."""

    __tablename__ = "voucher_movements"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount"),
        sa.CheckConstraint("kind IN ('issue', 'hold', 'release', 'consume')", name="kind"),
        sa.CheckConstraint("(kind = 'issue') = (checkout_id IS NULL)", name="checkout"),
        sa.UniqueConstraint("voucher_id", "checkout_id", "kind",
                            name="uq_voucher_movements_voucher_checkout_kind"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    voucher_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("vouchers.id"))
    checkout_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("checkouts.id"),
                                                          index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    amount_cents: so.Mapped[int]
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


class VoucherLookup(db.Model):
    """Every balance check by a shopper, kept to spot someone guessing codes."""

    __tablename__ = "voucher_lookups"
    __table_args__ = (sa.Index("ix_voucher_lookups_ip_at", "ip", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    ip: so.Mapped[str] = so.mapped_column(sa.String(45))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    success: so.Mapped[bool]
