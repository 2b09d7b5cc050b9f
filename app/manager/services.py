"""The town's figures for one day: every shop, every order, a few totals."""
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.catalog.models import Product
from app.extensions import db
from app.merchant.services import QueueEntry, paid_orders_between, queue_entry
from app.timeutil import day_bounds
from app.orders.models import CANCELLED, COLLECTED, CONFIRMED, NO_SHOW, PLACED, READY
from app.shops.models import Shop

# Orders that did not (and will not) bring money in: left out of the amounts.
LOST = (CANCELLED, NO_SHOW)


@dataclass
class ShopRow:
    shop: Shop
    products: int
    orders: int = 0
    amount_cents: int = 0  # current totals of the orders not cancelled nor missed


@dataclass
class DayTotals:
    orders: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        (PLACED, CONFIRMED, READY, COLLECTED), 0))
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
