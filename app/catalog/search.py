"""Finding products: the town-wide search and a shop's listing."""
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from app.catalog import fulltext
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


def search_products(*, q: str = "", shop_slug: str | None = None, category: str | None = None,
                    page: int = 1, page_size: int = PAGE_SIZE) -> ProductPage:
    """Active products of active shops. With q: every word must start a word of the
    product's name or description, whatever case and accents, best matches first (the
    database's full-text index, app/catalog/fulltext.py); without: by name."""
    query = (sa.select(Product).join(Product.shop)
             .where(Product.active.is_(True), Shop.active.is_(True)))
    if shop_slug:
        query = query.where(Shop.slug == shop_slug)
    if category:
        query = query.where(Product.category == category)
    order = [Product.name, Product.id]
    if q.strip():
        query_words = fulltext.words(fold(q))
        if not query_words:  # only punctuation: nothing can match it
            return ProductPage([], None)
        match, rank = fulltext.match_clause(db.engine.dialect.name, query_words,
                                            Product.__table__)
        if isinstance(match, sa.Subquery):
            query = query.join(match, match.c.rowid == Product.id)
        else:
            query = query.where(match)
        order = [rank, *order]
    query = query.order_by(*order).offset((page - 1) * page_size)
    rows = list(db.session.scalars(query.limit(page_size + 1)))
    return ProductPage(rows[:page_size], page + 1 if len(rows) > page_size else None)


def categories(shop_slug: str | None = None) -> list[str]:
    """The categories that active products carry, for the search filter."""
    query = (sa.select(Product.category).distinct().join(Product.shop)
             .where(Product.active.is_(True), Shop.active.is_(True), Product.category != ""))
    if shop_slug:
        query = query.where(Shop.slug == shop_slug)
    return sorted(db.session.scalars(query), key=str.lower)
