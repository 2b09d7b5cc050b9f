from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.shops.models import Shop

# Order states (../shared/api-v1.md). Changed only by app.orders.transitions.transition().
PENDING_PAYMENT = "pending_payment"  # stock and seat held, waiting for the authorisation
PLACED = "placed"                    # authorised; the shop has to check the lines
CONFIRMED = "confirmed"              # lines checked, quantities final
READY = "ready"                      # prepared, waiting at the counter
COLLECTED = "collected"              # handed over; the confirmed amount is captured
EXPIRED = "expired"                  # not paid before hold_expires_at
CANCELLED = "cancelled"              # by the shopper (before confirmation), the shop, or a rule
NO_SHOW = "no_show"                  # never collected; goods back on the shelf, nothing charged
ORDER_STATES = (PENDING_PAYMENT, PLACED, CONFIRMED, READY, COLLECTED, EXPIRED, CANCELLED,
                NO_SHOW)
ENDED_STATES = (COLLECTED, EXPIRED, CANCELLED, NO_SHOW)
OPEN_STATES = (PLACED, CONFIRMED, READY)  # paid and not ended: the shop's to handle
RELEASED_STATES = (EXPIRED, CANCELLED, NO_SHOW)  # ended without a handover: goods go back
NEVER_PAID = (PENDING_PAYMENT, EXPIRED)  # baskets, not yet the shop's business

# Checkout states: the basket as a whole, as far as payment goes.
CHECKOUT_PENDING = "pending_payment"  # holds running, not authorised yet
CHECKOUT_PLACED = "placed"            # authorised; its orders go their own way
CHECKOUT_EXPIRED = "expired"          # hold ran out before payment


class Customer(db.Model):
    """A shopper, known by phone number (E.164); no account needed."""

    __tablename__ = "customers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    phone: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    # The language of the shopper's SMS: the one they used at checkout ("fr" or "en").
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="fr", server_default="fr")
    # Recorded consent to promotional SMS (ticked at checkout); None = no consent.
    promo_consent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Checkout(db.Model):
    """One payment for a basket that spans shops; split into one Order per shop."""

    __tablename__ = "checkouts"
    __table_args__ = (sa.CheckConstraint("total_cents >= 0", name="total"),
                      sa.Index("ix_checkouts_status_hold", "status", "hold_expires_at"),
                      sa.Index("ix_checkouts_client_ip_status", "client_ip", "status"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=CHECKOUT_PENDING)
    total_cents: so.Mapped[int]
    hold_expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # Same Idempotency-Key + same body -> same answer; request_hash tells the bodies apart.
    idempotency_key: so.Mapped[str | None] = so.mapped_column(sa.String(100), unique=True)
    request_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    payment_provider: so.Mapped[str] = so.mapped_column(sa.String(20))
    # The address the checkout came from (IPv4 or IPv6): unpaid ones are counted per address.
    client_ip: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    customer: so.Mapped[Customer] = so.relationship()
    orders: so.Mapped[list["Order"]] = so.relationship(back_populates="checkout",
                                                       order_by="Order.id")


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint("total_cents >= 0", name="total"),
        sa.UniqueConstraint("checkout_id", "shop_id", name="uq_orders_checkout_shop"),
        sa.Index("ix_orders_shop_slot", "shop_id", "slot_start"),
        sa.Index("ix_orders_status_slot", "status", "slot_start"),
        # The figures' sweep finds the days touched since its last run by these times.
        sa.Index("ix_orders_created_at", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    checkout_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("checkouts.id"))
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"))
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=PENDING_PAYMENT)
    slot_start: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    slot_end: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    total_cents: so.Mapped[int]  # as ordered; the confirmed amount is derived from the lines
    tracking_token: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    # Four digits the shopper shows at the counter (also as a QR code); the shop checks them.
    pickup_code: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    checkout: so.Mapped[Checkout] = so.relationship(back_populates="orders")
    shop: so.Mapped[Shop] = so.relationship()
    customer: so.Mapped[Customer] = so.relationship()
    lines: so.Mapped[list["OrderLine"]] = so.relationship(back_populates="order",
                                                          order_by="OrderLine.id")
    events: so.Mapped[list["OrderEvent"]] = so.relationship(
        back_populates="order", order_by="(OrderEvent.at, OrderEvent.id)")

    @property
    def confirmed_total_cents(self) -> int:
        """What the shopper owes if collected: confirmed quantities at the prices of the moment."""
        return sum((line.confirmed_quantity or 0) * line.unit_price_cents for line in self.lines)

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STATES

    @property
    def cancellation(self) -> "OrderEvent | None":
        """The event that cancelled it (what happened, or the reason a person typed)."""
        if self.status != CANCELLED:
            return None
        return next((e for e in reversed(self.events) if e.to_status == CANCELLED), None)


class OrderLine(db.Model):
    """Keeps the product's name and unit price of the moment: the product may change later."""

    __tablename__ = "order_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint("unit_price_cents >= 0", name="price"),
        sa.CheckConstraint("confirmed_quantity IS NULL OR "
                           "(confirmed_quantity >= 0 AND confirmed_quantity <= quantity)",
                           name="confirmed"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("orders.id"), index=True)
    product_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("products.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    unit_price_cents: so.Mapped[int]
    quantity: so.Mapped[int]
    confirmed_quantity: so.Mapped[int | None]  # set by the shop; None until confirmed

    order: so.Mapped[Order] = so.relationship(back_populates="lines")

    @property
    def held_quantity(self) -> int:
        """Units set aside for this line: all ordered until the shop confirms, then confirmed."""
        return self.quantity if self.confirmed_quantity is None else self.confirmed_quantity


class OrderEvent(db.Model):
    """Append-only history: one row per transition (and per notable action on an order)."""

    __tablename__ = "order_events"
    __table_args__ = (sa.Index("ix_order_events_at", "at"),)  # the figures' sweep, as above

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("orders.id"), index=True)
    type: so.Mapped[str] = so.mapped_column(sa.String(30))  # the new status, or an action name
    from_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    to_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    actor: so.Mapped[str] = so.mapped_column(sa.String(80))  # "shopper", "shop:12", "system"
    # What happened, as a code ("payment_authorized", "line_short"...) and its parameters
    # (numbers, names, ISO-8601 UTC instants; never sentences): pages, API and SMS put them
    # into words in their own language (app/orders/event_text.py). NULL on rows written
    # before codes, whose French note is shown instead.
    code: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    params: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    note: so.Mapped[str | None] = so.mapped_column(sa.String(500))  # words a person typed
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)

    order: so.Mapped[Order] = so.relationship(back_populates="events")
