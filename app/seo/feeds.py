"""The merchant listing feed (Google Merchant Center's local inventory and product data
fields, which the other listing services read too): one row per product on sale, with the
price a checkout made now would pay, its stock, and how soon it can be collected. Built on
each request from the catalogue, so it is as current as the shop's page, and streamed as it
is read (bench/feeds.py: the memory it takes does not grow with the town)."""
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy.orm as so

from app.catalog.models import Product
from app.extensions import db
from app.pickup.services import next_bookable_slots
from app.seo.sitemap import on_sale
from app.shops.models import Shop
from app.timeutil import iso, local_today

BATCH = 500  # products read at a time: a town's feed may hold many thousands
BLOCK = 64 * 1024  # characters sent at a time: not one write per template fragment
PICKUP_METHOD = "buy"  # paid online, collected in the shop


@dataclass(frozen=True)
class Pickup:
    method: str  # "buy", or "not supported" when no slot is open in the booking horizon
    sla: str | None  # "same day", "next day", "2-day" … "7-day", "multi-week"


def pickup_sla(first_day: date, today: date) -> str:
    days = (first_day - today).days
    if days <= 0:
        return "same day"
    if days == 1:
        return "next day"
    return f"{days}-day" if days <= 7 else "multi-week"


def shop_pickup(shop: Shop, now: datetime) -> Pickup:
    upcoming = next_bookable_slots(shop, now, days=1)
    if not upcoming:
        return Pickup("not supported", None)
    return Pickup(PICKUP_METHOD, pickup_sla(upcoming[0][0], local_today(now)))


def feed_products(shop_slug: str | None = None) -> Iterator[Product]:
    """Products on sale (of one shop, or the town's), by id, read in batches. Read when
    first iterated, not when called: a streamed response iterates after its request has
    ended, and with it the session the view had (the stream has a session of its own)."""
    query = (on_sale().options(so.contains_eager(Product.shop), so.selectinload(Product.photo))
             .order_by(Product.id).execution_options(yield_per=BATCH))
    if shop_slug:
        query = query.where(Shop.slug == shop_slug)
    yield from db.session.scalars(query)


def sale_dates(product: Product) -> str | None:
    """'start/end' of the running promotion (ISO-8601), as the sale_price_effective_date
    field takes it; an open end is written far ahead."""
    start = iso(product.promo_starts_at) or iso(product.updated_at)
    end = iso(product.promo_ends_at) or "2099-12-31T23:59:59+01:00"
    return f"{start}/{end}"


def in_blocks(pieces: Iterable[str]) -> Iterator[str]:
    """A streamed template's many small pieces, joined into blocks of about BLOCK."""
    size, block, length = BLOCK, [], 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)
