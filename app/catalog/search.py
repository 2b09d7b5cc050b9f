"""Finding products: the town-wide search and a shop's listing."""
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.catalog import fulltext
from app.catalog.models import Product
from app.extensions import db
from app.shops.models import Shop

PAGE_SIZE = 24
fold = fulltext.fold  # one folding for the index, the queries and the merchant's filter
RANKED = 200  # matches ranked for a query: the first this many the index gives


def search_text_for(name: str, description: str = "") -> str:
    return fold(f"{name} {description}")[:600]


@dataclass
class ProductPage:
    items: list[Product]
    next_page: int | None
    total: int | None = None         # products found (None: not counted)
    more: bool = False                # more than `total` found: the count stopped there
    corrected: str | None = None      # the words searched instead of a typo, when one was


def search_products(*, q: str = "", shop_slug: str | None = None, category: str | None = None,
                    page: int = 1, page_size: int = PAGE_SIZE,
                    count: bool = False) -> ProductPage:
    """Active products of active shops. With q: every word (its French stem, or the start
    of a word) must be in the product's name, English name, description, aisle or shop's kind,
    whatever case, accents and ligatures; the best matches first. A query that finds
    nothing is tried once more with its unknown words replaced by the catalogue's nearest
    (typos). Without q: by name, counted if `count`."""
    query = (sa.select(Product).join(Product.shop)
             .where(Product.active.is_(True), Shop.active.is_(True)))
    if shop_slug:
        query = query.where(Shop.slug == shop_slug)
    if category:
        query = query.where(Product.category == category)
    if q.strip():
        searched = fulltext.query_words(q)
        if not searched:  # only punctuation: nothing can match it
            return ProductPage([], None, total=0)
        filters = {"shop_slug": shop_slug, "category": category}
        found = _ranked(query, searched, page, page_size, **filters)
        if found.total == 0:
            corrected = _corrected(searched)
            if corrected:
                found = _ranked(query, corrected, page, page_size, **filters)
                if found.total:
                    found.corrected = " ".join(corrected)
        return found
    total = more = None
    if count:
        capped = db.session.scalar(sa.select(sa.func.count()).select_from(
            query.with_only_columns(Product.id).limit(RANKED + 1).subquery()))
        total, more = min(capped, RANKED), capped > RANKED
    query = query.order_by(Product.name, Product.id).offset((page - 1) * page_size)
    rows = list(db.session.scalars(query.options(so.selectinload(Product.photo))
                                   .limit(page_size + 1)))
    return ProductPage(rows[:page_size], page + 1 if len(rows) > page_size else None,
                       total=total, more=bool(more))


def _ranked(query, searched: list[str], page: int, page_size: int, *,
            shop_slug: str | None, category: str | None) -> ProductPage:
    """Ranks within a capped set: the first RANKED matches the index gives (with the
    shop's and product's rules and the filters), ranked here, the page's products loaded.
    Ranking every match of a word that a tenth of a big town carries ("pain") read them
    all; a shopper never pages past the first few hundred, and a query of a real town
    seldom matches as many, so its ranking is exact (bench/README.md)."""
    if db.engine.dialect.name == "sqlite":
        rows = _first_matches_sqlite(searched, shop_slug, category)
    else:
        match = fulltext.pg_match(db.session.connection(), searched)
        rows = _first_matches(query.with_only_columns(
            Product.id, Product.name, Product.name_en, Product.search_text, Product.category)
            .where(match).limit(RANKED + 1))
    more = len(rows) > RANKED
    rank = _ranker(searched)
    rows = sorted(rows[:RANKED], key=lambda row: (rank(row), row.search_text, row.id))
    start = (page - 1) * page_size
    ids = [row.id for row in rows[start:start + page_size]]
    loaded = {p.id: p for p in db.session.scalars(
        sa.select(Product).where(Product.id.in_(ids)).options(so.selectinload(Product.photo),
                                                              so.joinedload(Product.shop)))}
    return ProductPage([loaded[i] for i in ids], page + 1 if len(rows) > start + page_size
                       else None, total=len(rows), more=more)


def _first_matches_sqlite(searched: list[str], shop_slug: str | None,
                          category: str | None) -> list:
    """FTS5 drives (CROSS JOIN fixes SQLite's join order): each match looked up by rowid
    until RANKED pass the filters. Left to itself, with a shop or an aisle filter, the
    planner walked that shop's or aisle's products and ran the MATCH once for each
    (1.3 s for an aisle of 80,000 products)."""
    filters, params = "", {"fts_query": fulltext.fts5_query(searched), "n": RANKED + 1}
    if shop_slug:
        filters += " AND shops.slug = :shop_slug"
        params["shop_slug"] = shop_slug
    if category:
        filters += " AND products.category = :category"
        params["category"] = category
    return db.session.execute(sa.text(
        "SELECT products.id, products.name, products.name_en, products.search_text, "
        f"products.category FROM {fulltext.FTS_TABLE} CROSS JOIN products "
        f"ON products.id = {fulltext.FTS_TABLE}.rowid CROSS JOIN shops "
        f"ON shops.id = products.shop_id WHERE {fulltext.FTS_TABLE} MATCH :fts_query "
        f"AND products.active IS 1 AND shops.active IS 1{filters} LIMIT :n"), params).all()


def _first_matches(statement) -> list:
    """PostgreSQL's candidates, through the GIN index, always: given a LIMIT and a word a tenth of
    the town carries, the planner walks the table (or a shop's index) expecting to stop
    soon, but each row's to_tsvector costs it some 20 µs: 250 ms, and 1.2 s for a word
    it overestimates. The index's bitmap (exact lexemes: fulltext.tsquery) stops after
    the pages of the first matches: 10-25 ms at 500,000 products (bench/README.md)."""
    plans = ("SELECT set_config('enable_seqscan', :on, true), "
             "set_config('enable_indexscan', :on, true)")
    db.session.execute(sa.text(plans), {"on": "off"})  # this transaction's, until reset
    try:
        return db.session.execute(statement).all()
    finally:
        db.session.execute(sa.text(plans), {"on": "on"})


def _ranker(searched: list[str]):
    """The rank of a candidate row (lower first): 0, the name's first word is the first
    word typed (the same stem: "poire" -> "Poires"); 1, it begins with it ("Poireaux");
    2, every word is in the name or description (search_text, which begins with the
    name) or the English name; 3, in the aisle too; 4, the shop's kind was needed (a
    bakery's croissant for "boulangerie"). Some 10 µs a row: 500 rows are ranked here
    rather than every match in the database."""
    stem, words = fulltext.stem, fulltext.words
    wanted = [(q, stem(q)) for q in searched]
    first, first_stem = wanted[0]

    def within(found: list[str]) -> bool:
        return all(any(w.startswith(q) or (w[0] == q[0] and stem(w) == s) for w in found)
                   for q, s in wanted)

    def rank(row) -> int:
        described = words(row.search_text)
        if row.name_en:
            english = fulltext.words_of(row.name_en)
            heads = [described[0], english[0]] if described and english else described[:1]
            described = described + english
        else:
            heads = described[:1]
        if any(stem(head) == first_stem for head in heads):
            return 0
        if any(head.startswith(first) for head in heads):
            return 1
        if within(described):
            return 2
        return 3 if within(described + _aisle_words(row.category)) else 4

    return rank


@lru_cache(maxsize=1024)
def _aisle_words(category: str) -> list[str]:
    return fulltext.words_of(f"{category} {fulltext.aisle_english(category)}")


def _corrected(searched: list[str]) -> list[str] | None:
    """The words with each unknown one replaced by the catalogue's nearest (similarity
    at least fulltext.CORRECT); None when no word was replaced."""
    connection = db.session.connection()
    out, replaced = [], False
    for word in searched:
        if len(word) < 3 or word.isdigit() or fulltext.known_prefix(connection, word):
            out.append(word)
            continue
        near = fulltext.nearby_words(connection, word, limit=1)
        if near and near[0][1] >= fulltext.CORRECT:
            out.append(near[0][0])
            replaced = True
        else:
            out.append(word)
    return out if replaced else None


def aisle_label(category: str, english: bool) -> str:
    """An aisle's name for the page: its English name on English pages when known."""
    return (fulltext.aisle_english(category) or category) if english else category


def nearby_words(q: str, limit: int = 5) -> list[str]:
    """Words of the catalogue near those of q (typos, other spellings): what the page
    proposes when nothing matches."""
    connection = db.session.connection()
    found: dict[str, float] = {}
    for word in fulltext.query_words(q):
        if len(word) < 3 or word.isdigit():
            continue
        for near, score in fulltext.nearby_words(connection, word, limit=limit):
            if near != word:
                found[near] = max(score, found.get(near, 0))
    return sorted(found, key=lambda w: (-found[w], w))[:limit]


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
    # A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL turned the EXISTS into a
    # semi-join hashing every product on sale (740 ms at 500,000 products); a subquery
    # per aisle stops at its first product on sale.
    query = sa.select(aisles.c.category).where(
        aisles.c.category.is_not(None), on_sale.limit(1).scalar_subquery().is_not(None))
    return sorted(db.session.scalars(query), key=str.lower)
