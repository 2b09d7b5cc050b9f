"""The town's figures for one day: every shop, every order, a few totals."""
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from app.catalog.models import Product
from app.extensions import db
from app.merchant.services import QueueEntry, paid_orders_between, queue_entry
from app.timeutil import day_bounds
from app.orders.models import (CANCELLED, CHECKOUT_PENDING, COLLECTED, CONFIRMED, NO_SHOW,
                               PENDING_PAYMENT, PLACED, READY, Checkout, Customer, Order,
                               OrderLine)
from app.shops.models import Shop

# Orders that did not (and will not) bring money in: left out of the amounts.
LOST = (CANCELLED, NO_SHOW)
MAX_HOLDS_SHOWN = 200  # the largest holds first; past that, the page says how many are shown


@dataclass
class ShopRow:
    shop: Shop
    products: int
    orders: int = 0
    amount_cents: int = 0  # current totals of the orders not cancelled nor missed


@dataclass
class DayTotals:
    orders: int = 0
    # Every state a paid order can be in: the total is always the sum of these.
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        (PLACED, CONFIRMED, READY, COLLECTED, CANCELLED, NO_SHOW), 0))
    collected_cents: int = 0


@dataclass
class TownDay:
    day: date
    shops: list[ShopRow]
    orders: list[QueueEntry]
    totals: DayTotals


def town_day(day: date) -> TownDay:
    """Orders are counted on the day of their pickup slot, paid orders only."""
    products = dict(db.session.execute(
        sa.select(Product.shop_id, sa.func.count(Product.id)).group_by(Product.shop_id)).all())
    rows = {shop.id: ShopRow(shop, products.get(shop.id, 0))
            for shop in db.session.scalars(sa.select(Shop).order_by(Shop.name))}
    entries = [queue_entry(order) for order in paid_orders_between(*day_bounds(day))]
    totals = DayTotals()
    for entry in entries:
        order, row = entry.order, rows[entry.order.shop_id]
        row.orders += 1
        totals.orders += 1
        if order.status not in LOST:
            row.amount_cents += entry.total_cents
        if order.status in totals.by_status:
            totals.by_status[order.status] += 1
        if order.status == COLLECTED:
            totals.collected_cents += entry.total_cents
    return TownDay(day=day, shops=list(rows.values()), orders=entries, totals=totals)


# --- who holds what: checkouts waiting for payment ------------------------------------------

@dataclass
class PendingHold:
    checkout_id: int
    phone: str  # partly masked: enough to tell holders apart, not to call them
    client_ip: str | None
    shops: list[str]
    units: int
    total_cents: int
    expires_at: datetime


def mask_phone(phone: str) -> str:
    """+33612345678 -> +336•••••78: the country, the first digit and the last two."""
    keep_head = 4 if phone.startswith("+") else 2
    hidden = max(0, len(phone) - keep_head - 2)
    return phone[:keep_head] + "•" * hidden + phone[keep_head + hidden:]


def pending_holds(now: datetime) -> list[PendingHold]:
    """Checkouts still holding goods and seats for a payment that has not come: the most
    units first. Holds past their expiry are left to the sweep, not shown."""
    units = (sa.select(Order.checkout_id, sa.func.sum(OrderLine.quantity).label("units"))
             .join(OrderLine, OrderLine.order_id == Order.id)
             .where(Order.status == PENDING_PAYMENT).group_by(Order.checkout_id).subquery())
    rows = db.session.execute(
        sa.select(Checkout.id, Customer.phone, Checkout.client_ip, units.c.units,
                  Checkout.total_cents, Checkout.hold_expires_at)
        .join(Customer, Customer.id == Checkout.customer_id)
        .join(units, units.c.checkout_id == Checkout.id)
        .where(Checkout.status == CHECKOUT_PENDING, Checkout.hold_expires_at > now)
        .order_by(units.c.units.desc(), Checkout.hold_expires_at, Checkout.id)
        .limit(MAX_HOLDS_SHOWN)).all()
    shops: dict[int, list[str]] = {}
    for checkout_id, name in db.session.execute(
            sa.select(Order.checkout_id, Shop.name).join(Shop, Shop.id == Order.shop_id)
            .where(Order.checkout_id.in_([row.id for row in rows]))
            .order_by(Shop.name)):
        shops.setdefault(checkout_id, []).append(name)
    return [PendingHold(row.id, mask_phone(row.phone), row.client_ip, shops.get(row.id, []),
                        row.units, row.total_cents, row.hold_expires_at) for row in rows]
