"""Finding products: the town-wide search and a shop's listing."""
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

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
    rows = list(db.session.scalars(query.options(so.selectinload(Product.photo))
                                   .limit(page_size + 1)))
    return ProductPage(rows[:page_size], page + 1 if len(rows) > page_size else None)


def categories(shop_slug: str | None = None) -> list[str]:
    """The categories that active products of active shops carry, for the search filter.
    A town has a handful of aisles and hundreds of thousands of products: the aisles are
    walked on the category index one by one (a loose index scan, each step a MIN), and
    each is kept if one product on sale carries it, instead of a DISTINCT over them all."""
    products = Product.__table__
    later = products.alias("later")
    aisles = (sa.select(sa.func.min(products.c.category).label("category"))
              .where(products.c.category > "").cte("aisles", recursive=True))
    following = (sa.select(sa.func.min(later.c.category))
                 .where(later.c.category > aisles.c.category).scalar_subquery())
    aisles = aisles.union_all(sa.select(following).where(aisles.c.category.is_not(None)))
    on_sale = (sa.select(Product.id).join(Product.shop)
               .where(Product.category == aisles.c.category, Product.active.is_(True),
                      Shop.active.is_(True)))
    if shop_slug:
        on_sale = on_sale.where(Shop.slug == shop_slug)
    query = sa.select(aisles.c.category).where(aisles.c.category.is_not(None),
                                               on_sale.exists())
    return sorted(db.session.scalars(query), key=str.lower)
