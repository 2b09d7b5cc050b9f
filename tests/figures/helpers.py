"""Orders written straight into the tables, in any state and placed at any instant: the
figures must add up whatever the orders went through."""
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.figures.services import Period
from app.orders.models import COLLECTED, Checkout, Customer, Order, OrderLine
from app.timeutil import day_bounds


def customer(phone="+33612345678", name="Claire") -> Customer:
    person = Customer(phone=phone, name=name)
    db.session.add(person)
    db.session.flush()
    return person


def raw_order(shop, product, who: Customer, status: str, placed: datetime,
              lines=((130, 2, None),)) -> Order:
    """lines: (unit price, quantity, confirmed quantity or None)."""
    total = sum(price * qty for price, qty, _c in lines)
    checkout = Checkout(customer_id=who.id, status="placed", total_cents=total,
                        hold_expires_at=placed + timedelta(minutes=15),
                        payment_provider="offline", created_at=placed)
    db.session.add(checkout)
    db.session.flush()
    order = Order(checkout_id=checkout.id, shop_id=shop.id, customer_id=who.id, status=status,
                  slot_start=placed + timedelta(days=1), slot_end=placed + timedelta(days=1,
                  minutes=15), total_cents=total, tracking_token=secrets.token_hex(16),
                  created_at=placed)
    db.session.add(order)
    db.session.flush()
    for price, qty, confirmed in lines:
        db.session.add(OrderLine(order_id=order.id, product_id=product.id, name="x",
                                 unit_price_cents=price, quantity=qty,
                                 confirmed_quantity=confirmed))
    db.session.flush()
    return order


def direct_counts(period: Period) -> tuple[dict, dict]:
    """The same figures counted over the raw orders: {(shop_id, status): orders} and
    {shop_id: confirmed amount of the collected orders}."""
    start, end = day_bounds(period.start)[0], day_bounds(period.end)[1]
    placed = (Order.created_at >= start, Order.created_at < end)
    counts = dict(((shop, status), n) for shop, status, n in db.session.execute(
        sa.select(Order.shop_id, Order.status, sa.func.count()).where(*placed)
        .group_by(Order.shop_id, Order.status)))
    revenue = dict(db.session.execute(
        sa.select(Order.shop_id, sa.func.sum(
            sa.func.coalesce(OrderLine.confirmed_quantity, 0) * OrderLine.unit_price_cents))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(*placed, Order.status == COLLECTED).group_by(Order.shop_id)).all())
    return counts, revenue
