"""Finding products: the town-wide search and a shop's listing."""
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from app.catalog.models import Product
from app.extensions import db
from app.shops.models import Shop

PAGE_SIZE = 24


def fold(text: str) -> str:
    """'Pâté de Campagne' -> 'pate de campagne': case and accents do not matter in search."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def search_text_for(name: str, description: str = "") -> str:
    return fold(f"{name} {description}")[:600]


@dataclass
class ProductPage:
    items: list[Product]
    next_page: int | None


def search_products(*, q: str = "", shop_slug: str | None = None, page: int = 1,
                    page_size: int = PAGE_SIZE) -> ProductPage:
    """Active products of active shops; every word of q must appear, whatever case/accents."""
    query = (sa.select(Product).join(Product.shop)
             .where(Product.active.is_(True), Shop.active.is_(True)))
    if shop_slug:
        query = query.where(Shop.slug == shop_slug)
    for word in fold(q).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Product.search_text.like(f"%{escaped}%", escape="\\"))
    query = query.order_by(Product.name, Product.id).offset((page - 1) * page_size)
    rows = list(db.session.scalars(query.limit(page_size + 1)))
    return ProductPage(rows[:page_size], page + 1 if len(rows) > page_size else None)
