"""What the sitemap lists: every page of a shop and of a product on sale, with the time it
last changed (lastmod). A product's row moves with its price, promotion, stock and
withdrawal (Product.updated_at); a shop's page shows its products, so it changed when the
latest of them did. The products are split into sitemaps of `page_size` addresses (the
protocol allows 50,000 at most), named by a sitemap index."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.catalog.models import Product
from app.extensions import db
from app.shops.models import Shop

MAX_PAGE_SIZE = 50_000


@dataclass(frozen=True)
class Entry:
    path: str
    lastmod: datetime | None


def on_sale():
    """Products whose page answers 200: active, in a published shop (archived ones are
    withdrawn too)."""
    return (sa.select(Product).join(Product.shop)
            .where(Product.active.is_(True), Shop.active.is_(True)))


def shops_with_lastmod() -> list[tuple[Shop, datetime]]:
    latest = (sa.select(Product.shop_id, sa.func.max(Product.updated_at).label("at"))
              .where(Product.active.is_(True)).group_by(Product.shop_id).subquery())
    rows = db.session.execute(
        sa.select(Shop, latest.c.at).outerjoin(latest, latest.c.shop_id == Shop.id)
        .where(Shop.active.is_(True)).order_by(Shop.slug))
    # max() keeps the column's type (UTCDateTime): aware UTC on both databases.
    return [(shop, max(filter(None, (shop.created_at, at)))) for shop, at in rows]


def product_pages(page_size: int) -> int:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(on_sale().subquery()))
    return max(1, -(-count // page_size))


def products_page(page: int, page_size: int) -> list[Product]:
    query = (on_sale().options(so.contains_eager(Product.shop)).order_by(Product.id)
             .offset((page - 1) * page_size).limit(page_size))
    return list(db.session.scalars(query))

