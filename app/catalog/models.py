from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy import event
from sqlalchemy.ext.hybrid import hybrid_property

from app.catalog import fulltext
from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.photos.models import Photo
from app.shops.models import Shop


DEFAULT_MAX_PER_ORDER = 20  # units of a product per checkout, unless the shop says otherwise
MAX_PER_ORDER_LIMIT = 999  # the highest a shop may set (a checkout line's own limit)


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("price_cents >= 0", name="price"),
        # Stock moves only by conditional UPDATEs (catalog/services.py); these are the backstop.
        sa.CheckConstraint("on_hand >= 0", name="on_hand"),
        sa.CheckConstraint("held >= 0", name="held"),
        sa.CheckConstraint("held <= on_hand", name="held_on_hand"),
        sa.CheckConstraint("promo_price_cents IS NULL OR promo_price_cents >= 0",
                           name="promo_price"),
        sa.Index("ix_products_shop_active", "shop_id", "active"),
        # One product per barcode in a shop; an archived product leaves its barcode free.
        sa.Index("ux_products_shop_ean", "shop_id", "ean", unique=True,
                 sqlite_where=sa.text("archived_at IS NULL"),
                 postgresql_where=sa.text("archived_at IS NULL")),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Lower-case, accent-free copy of name (+ description) for search on any database.
    search_text: so.Mapped[str] = so.mapped_column(sa.String(600), default="", index=True)
    # The French stems of everything a shopper may search it by (name, English name,
    # description, aisle, shop's kind): the full-text index's column, kept by the events
    # below (app/catalog/fulltext.py).
    search_stems: so.Mapped[str] = so.mapped_column(sa.String(fulltext.MAX_STEMS), default="",
                                                    server_default="")
    # Its name in English, if the shop gives one: found by English words.
    name_en: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    sku: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    # EAN-13, checksum checked (catalog/importer.py): the barcode a till's file knows it by.
    ean: so.Mapped[str | None] = so.mapped_column(sa.String(13))
    # The shop's own shelf name ("Pains", "Fromages"): the search filters on it.
    category: so.Mapped[str] = so.mapped_column(sa.String(60), default="", server_default="",
                                                index=True)
    price_cents: so.Mapped[int]
    # A promotion: this price between the two times (either open-ended when None).
    promo_price_cents: so.Mapped[int | None]
    promo_starts_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    promo_ends_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Units in the shop as the shop counts them, bags set aside for orders included.
    on_hand: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Units set aside for open orders (pending payment to ready): still on hand, not for sale.
    held: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Withdrawn from sale (false): out for a while, back with one tap.
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Archived: gone from the shop's catalogue for good (withdrawn too); the row stays
    # because past orders name it. Imports and the catalogue page no longer see it.
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The most units of it one checkout may take (the shop's setting): nobody empties the
    # shelf with one basket.
    max_per_order: so.Mapped[int] = so.mapped_column(default=DEFAULT_MAX_PER_ORDER,
                                                     server_default=str(DEFAULT_MAX_PER_ORDER))
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow,
                                                       onupdate=utcnow)
    # Its photo (app/photos), shown on the shopper's pages; none until the shop sends one.
    photo_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("photos.id"))

    shop: so.Mapped[Shop] = so.relationship()
    photo: so.Mapped[Photo | None] = so.relationship()

    @hybrid_property
    def stock(self) -> int:
        """Units the shop can sell now (the API's v1 `stock`): on hand less held. Derived,
        never written: counts go to on_hand, checkouts to held."""
        return (self.on_hand or 0) - (self.held or 0)

    @stock.inplace.expression
    @classmethod
    def _stock_expression(cls) -> sa.ColumnElement[int]:
        return cls.on_hand - cls.held

    @property
    def available(self) -> bool:
        return self.active and self.stock > 0

    def price_at(self, now: datetime) -> int:
        """The price a checkout made at `now` pays: the promotion's while it runs."""
        return price_at(self.price_cents, self.promo_price_cents, self.promo_starts_at,
                        self.promo_ends_at, now)

    def promo_running(self, now: datetime) -> bool:
        return self.price_at(now) < self.price_cents


def price_at(price_cents: int, promo_price_cents: int | None, starts_at: datetime | None,
             ends_at: datetime | None, now: datetime) -> int:
    """The one rule for a price at a moment (products and the checkout's raw rows alike):
    a promotion counts from its start (included) to its end (excluded), and only if lower."""
    if (promo_price_cents is None or promo_price_cents >= price_cents
            or (starts_at is not None and now < starts_at)
            or (ends_at is not None and now >= ends_at)):
        return price_cents
    return promo_price_cents


def order_limit(product: Product) -> int:
    """The most of `product` one basket may hold now: its max_per_order, or what is left
    if less (the shop page's quantity stepper stops there too)."""
    return max(0, min(product.max_per_order, product.stock))


class SearchWord(db.Model):
    """A word of the catalogue's names, aisles and shops' kinds (folded): what a typo is
    corrected to. Only added to (a word a product lost costs a suggestion that finds
    nothing, never a wrong result)."""
    __tablename__ = "search_words"

    word: so.Mapped[str] = so.mapped_column(sa.String(fulltext.MAX_WORD), primary_key=True)


SEARCHED = ("name", "name_en", "description", "category", "shop_id")


def _shop_kind(connection, shop_id) -> str:
    return connection.scalar(sa.select(Shop.kind).where(Shop.id == shop_id)) or ""


def _index(connection, product: Product) -> None:
    product.search_stems, found = fulltext.index_terms(
        name=product.name or "", name_en=product.name_en, description=product.description or "",
        category=product.category or "", kind=_shop_kind(connection, product.shop_id))
    fulltext.remember_words(connection, found)


@event.listens_for(Product, "before_insert")
def _index_new_product(_mapper, connection, product: Product) -> None:
    _index(connection, product)


@event.listens_for(Product, "before_update")
def _reindex_product(_mapper, connection, product: Product) -> None:
    state = sa.inspect(product)
    if any(state.attrs[key].history.has_changes() for key in SEARCHED):
        _index(connection, product)


@event.listens_for(Shop, "after_update")
def _reindex_shop(_mapper, connection, shop: Shop) -> None:
    """A shop that says what it is is found by it: its products' stems follow its kind."""
    if not sa.inspect(shop).attrs.kind.history.has_changes():
        return
    reindex_products(connection, Product.__table__, shop_id=shop.id)


def reindex_products(connection, products: sa.Table, shop_id: int | None = None) -> int:
    """Recomputes search_stems (and the vocabulary) of a shop's products, or of every
    product, as Core statements: inside a flush, and for the migration's backfill (which
    passes its own table of the columns named here)."""
    shops = sa.table("shops", sa.column("id"), sa.column("kind"))
    kinds = dict(connection.execute(sa.select(shops.c.id, shops.c.kind)).all())
    selected = sa.select(products.c.id, products.c.shop_id, products.c.name,
                         products.c.name_en, products.c.category, products.c.description)
    if shop_id is not None:
        selected = selected.where(products.c.shop_id == shop_id)
    rows, found = [], set()
    for row in connection.execute(selected).mappings():
        fields = dict(name=row["name"] or "", name_en=row["name_en"],
                      category=row["category"] or "", kind=kinds.get(row["shop_id"], ""))
        fields["description"] = row["description"] or ""
        stems, words = fulltext.index_terms(**fields)
        rows.append({"pid": row["id"], "stems": stems})
        found |= words
    if rows:
        connection.execute(products.update().where(products.c.id == sa.bindparam("pid"))
                           .values(search_stems=sa.bindparam("stems")), rows)
    fulltext.remember_words(connection, found)
    return len(rows)
