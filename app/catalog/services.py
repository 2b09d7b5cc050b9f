"""The catalogue: stock moves by conditional UPDATE, the merchant's product edits."""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.database import built_once
from app.errors import Invalid, NotFound
from app.extensions import db
from app.catalog.models import Product
from app.catalog.promotions import PROMO_FIELDS, check_promotion, parse_instant
from app.catalog.search import ProductPage, fold, search_text_for

MAX_PRICE_CENTS = 10_000_000
MAX_STOCK = 1_000_000
MERCHANT_PAGE_SIZE = 20
BOUNDS = {"price_cents": (0, MAX_PRICE_CENTS), "stock": (0, MAX_STOCK),
          "promo_price_cents": (0, MAX_PRICE_CENTS)}
EDITABLE = (*BOUNDS, "active", "name", "category", *PROMO_FIELDS)


def _build_take_stock(_dialect):
    products = Product.__table__
    return (sa.update(products)
            .where(products.c.id == sa.bindparam("product_id"), products.c.active.is_(True),
                   products.c.stock >= sa.bindparam("quantity"))
            .values(stock=products.c.stock - sa.bindparam("quantity")))


_take_stock = built_once(_build_take_stock)


def take_stock(product_id: int, quantity: int, connection=None) -> bool:
    """Decrement if enough is left; the database settles races for the last units."""
    return _take_stock({"product_id": product_id, "quantity": quantity},
                       connection).rowcount == 1


def return_stock(product_id: int, quantity: int) -> None:
    if quantity:
        db.session.execute(sa.update(Product).where(Product.id == product_id)
                           .values(stock=Product.stock + quantity)
                           .execution_options(synchronize_session=False))


def mark_sold_out(product_id: int) -> None:
    """A line confirmed short means the shelf is empty: the recorded stock was wrong."""
    db.session.execute(sa.update(Product).where(Product.id == product_id).values(stock=0)
                       .execution_options(synchronize_session=False))


def update_product(shop_id: int, product_id: int, changes: dict,
                   now: datetime | None = None) -> Product:
    """Merchant edit of price, stock, the active flag, name, category or the promotion;
    all or nothing. `now` dates the check that a new promotion end is not already past."""
    product = db.session.get(Product, product_id)
    if product is None or product.shop_id != shop_id:
        raise NotFound(_("Produit introuvable."), field="id")
    for key in changes:
        if key not in EDITABLE:
            raise Invalid(_("Champ inconnu : %(key)s.", key=key), field=key, code="unknown_field")
    for key, (low, high) in BOUNDS.items():
        if key in changes:
            value = changes[key]
            nullable = key == "promo_price_cents"
            if not ((nullable and value is None)
                    or (type(value) is int and low <= value <= high)):
                raise Invalid(_("%(key)s doit être un entier entre %(low)s et %(high)s.",
                                key=key, low=low, high=high), field=key)
    if "active" in changes and type(changes["active"]) is not bool:
        raise Invalid(_("active doit valoir true ou false."), field="active")
    changes = {**changes, **_texts(changes)}
    # The API route does not pass `now` yet: until it does, the app's clock stands in.
    promo = _promotion(product, changes, now or clock())
    if "stock" in changes:  # absolute value from the shop's count
        product.stock = changes["stock"]
    for key in ("price_cents", "active", "category"):
        if key in changes:
            setattr(product, key, changes[key])
    if "name" in changes:
        product.name = changes["name"]
        product.search_text = search_text_for(product.name, product.description)
    if promo is not None:
        (product.promo_price_cents, product.promo_starts_at,
         product.promo_ends_at) = promo
    db.session.commit()
    return product


def _texts(changes: dict) -> dict:
    cleaned = {}
    for key, most in (("name", 200), ("category", 60)):
        if key in changes:
            text = changes[key].strip() if isinstance(changes[key], str) else ""
            if not 1 <= len(text) <= most:
                raise Invalid(_("Le nom doit faire de 1 à 200 caractères.") if key == "name"
                              else _("La catégorie doit faire de 1 à 60 caractères."),
                              field=key)
            cleaned[key] = text
    return cleaned


def _promotion(product: Product, changes: dict, now: datetime):
    """The (price, start, end) the product will have, or None when no promotion field is
    sent. A null price ends the promotion and forgets its dates."""
    if not any(key in changes for key in PROMO_FIELDS):
        return None
    starts_at = (parse_instant(changes["promo_starts_at"], "promo_starts_at")
                 if "promo_starts_at" in changes else product.promo_starts_at)
    ends_at = (parse_instant(changes["promo_ends_at"], "promo_ends_at")
               if "promo_ends_at" in changes else product.promo_ends_at)
    price = changes.get("promo_price_cents", product.promo_price_cents)
    if price is None:
        if "promo_price_cents" not in changes:  # dates for a promotion that does not exist
            raise Invalid(_("Indiquez le prix promotionnel."), field="promo_price_cents",
                          code="required")
        return None, None, None
    check_promotion(changes.get("price_cents", product.price_cents), price, starts_at,
                    ends_at, now=now, ends_changed="promo_ends_at" in changes)
    return price, starts_at, ends_at


def shop_catalogue(shop_id: int) -> list[Product]:
    """Every product of a shop, withdrawn ones included: what the merchant manages."""
    return list(db.session.scalars(sa.select(Product).where(Product.shop_id == shop_id)
                                   .order_by(Product.name, Product.id)))


def shop_catalogue_page(shop_id: int, *, q: str = "", page: int = 1,
                        page_size: int = MERCHANT_PAGE_SIZE) -> ProductPage:
    """One page of a shop's catalogue for its merchant, withdrawn products included;
    every word of q must appear in the product's name or description."""
    query = sa.select(Product).where(Product.shop_id == shop_id)
    for word in fold(q).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Product.search_text.like(f"%{escaped}%", escape="\\"))
    query = query.order_by(Product.name, Product.id).offset((page - 1) * page_size)
    rows = list(db.session.scalars(query.limit(page_size + 1)))
    return ProductPage(rows[:page_size], page + 1 if len(rows) > page_size else None)
