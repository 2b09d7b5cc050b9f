"""The catalogue: stock moves by conditional UPDATE, the merchant's product edits.

Stock as the shop counts it: `on_hand` (units in the shop, bags set aside included) and
`held` (units set aside for open orders); available = on_hand - held (Product.stock). A
checkout holds, a handover takes from both, a release gives back the hold only."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app import clock
from app.database import built_once, unit_of_work
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.catalog.models import MAX_PER_ORDER_LIMIT, Product
from app.catalog.promotions import PROMO_FIELDS, check_promotion, parse_instant
from app.catalog.search import ProductPage, fold, search_text_for

MAX_PRICE_CENTS = 10_000_000
MAX_STOCK = 1_000_000
MERCHANT_PAGE_SIZE = 20
BOUNDS = {"price_cents": (0, MAX_PRICE_CENTS), "stock": (0, MAX_STOCK),
          "on_hand": (0, MAX_STOCK), "expected_on_hand": (0, MAX_STOCK),
          "promo_price_cents": (0, MAX_PRICE_CENTS), "max_per_order": (1, MAX_PER_ORDER_LIMIT)}
EDITABLE = (*BOUNDS, "active", "name", "category", *PROMO_FIELDS)


def _build_take_stock(_dialect):
    products = Product.__table__
    return (sa.update(products)
            .where(products.c.id == sa.bindparam("product_id"), products.c.active.is_(True),
                   products.c.on_hand - products.c.held >= sa.bindparam("quantity"))
            .values(held=products.c.held + sa.bindparam("quantity")))


_take_stock = built_once(_build_take_stock)


def take_stock(product_id: int, quantity: int, connection=None) -> bool:
    """Set units aside for a checkout if that many are available; the database settles
    races for the last units. The units stay on hand until they are collected."""
    return _take_stock({"product_id": product_id, "quantity": quantity},
                       connection).rowcount == 1


def _move(product_id: int, **values) -> None:
    db.session.execute(sa.update(Product).where(Product.id == product_id).values(**values)
                       .execution_options(synchronize_session=False))


def return_stock(product_id: int, quantity: int) -> None:
    """A hold given back (an order expired, cancelled, not collected): the units were never
    taken off the shelf, so only the hold goes."""
    if quantity:
        _move(product_id, held=Product.held - quantity)


def collect_stock(product_id: int, quantity: int) -> None:
    """Handed over: the units held for the order leave the shop."""
    if quantity:
        _move(product_id, on_hand=Product.on_hand - quantity, held=Product.held - quantity)


def confirm_short(product_id: int, held_before: int, confirmed: int) -> None:
    """The shop found fewer than were held for a line: the hold shrinks to what it found,
    and the shelf is empty, so the count drops to what other orders have set aside
    (available 0). Both sides of the SET read the row as it was."""
    shortfall = held_before - confirmed
    _move(product_id, held=Product.held - shortfall, on_hand=Product.held - shortfall)


class StockChanged(Conflict):
    """A count made against a figure that has moved since (a collection, another count).
    Carries the figures of now so that the page can show them."""

    code = "stock_changed"

    def __init__(self, on_hand: int, held: int):
        super().__init__(_("Le stock a changé entre-temps : %(on_hand)s en boutique maintenant "
                           "(dont %(held)s mis de côté). Recomptez, puis enregistrez.",
                           on_hand=on_hand, held=held), field="on_hand")
        self.on_hand, self.held = on_hand, held


def _count(product: Product, changes: dict) -> None:
    """The shop's count, compare-and-set in the database: `on_hand` replaces the count if
    it is still `expected_on_hand` (when sent) and covers what is held; v1's `stock` says
    what should be available, on top of what is held at that moment."""
    products = Product.__table__
    update = sa.update(products).where(products.c.id == product.id)
    if "stock" in changes:
        update = update.values(on_hand=products.c.held + changes["stock"])
    else:
        update = update.where(products.c.held <= changes["on_hand"]).values(
            on_hand=changes["on_hand"])
        if changes.get("expected_on_hand") is not None:
            update = update.where(products.c.on_hand == changes["expected_on_hand"])
    if db.session.execute(update).rowcount != 1:
        on_hand, held = db.session.execute(
            sa.select(products.c.on_hand, products.c.held)
            .where(products.c.id == product.id)).one()
        if changes.get("expected_on_hand") not in (None, on_hand):
            raise StockChanged(on_hand, held)
        raise Conflict(_("%(held)s sont mis de côté pour des commandes : le comptage ne peut "
                         "pas être inférieur.", held=held), field="on_hand", code="below_held")
    db.session.expire(product, ["on_hand", "held"])


def update_product(shop_id: int, product_id: int, changes: dict,
                   now: datetime | None = None) -> Product:
    """Merchant edit of price, stock, the active flag, name, category or the promotion;
    all or nothing. Stock is touched only when `on_hand` (the shop's count, compare-and-set
    against `expected_on_hand` when sent) or v1's `stock` (what can be sold now) is sent.
    `now` dates the check that a new promotion end is not already past."""
    with unit_of_work():
        product = _edit(shop_id, product_id, changes, now)
    return product


def _edit(shop_id: int, product_id: int, changes: dict, now: datetime | None) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or product.shop_id != shop_id or product.archived_at is not None:
        raise NotFound(_("Produit introuvable."), field="id")
    for key in changes:
        if key not in EDITABLE:
            raise Invalid(_("Champ inconnu : %(key)s.", key=key), field=key, code="unknown_field")
    for key, (low, high) in BOUNDS.items():
        if key in changes:
            value = changes[key]
            nullable = key in ("promo_price_cents", "expected_on_hand")
            if not ((nullable and value is None)
                    or (type(value) is int and low <= value <= high)):
                raise Invalid(_("%(key)s doit être un entier entre %(low)s et %(high)s.",
                                key=key, low=low, high=high), field=key)
    if "stock" in changes and "on_hand" in changes:
        raise Invalid(_("Envoyez on_hand (le comptage) ou stock (le disponible), pas les deux."),
                      field="stock")
    if "expected_on_hand" in changes and "on_hand" not in changes:
        raise Invalid(_("expected_on_hand accompagne on_hand."), field="expected_on_hand")
    if "active" in changes and type(changes["active"]) is not bool:
        raise Invalid(_("active doit valoir true ou false."), field="active")
    changes = {**changes, **_texts(changes)}
    # The API route does not pass `now` yet: until it does, the app's clock stands in.
    promo = _promotion(product, changes, now or clock())
    if "stock" in changes or "on_hand" in changes:  # before anything else: it may refuse
        _count(product, changes)
    for key in ("price_cents", "active", "category", "max_per_order"):
        if key in changes:
            setattr(product, key, changes[key])
    if "name" in changes:
        product.name = changes["name"]
        product.search_text = search_text_for(product.name, product.description)
    if promo is not None:
        (product.promo_price_cents, product.promo_starts_at,
         product.promo_ends_at) = promo
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


def create_product(shop_id: int, fields: dict) -> Product:
    """A new product from what the shop typed (the add page, the API): the same rules for
    each value as a catalogue file's cells. A sku or an EAN already on one of the shop's
    products is refused (409) on its field."""
    from app.catalog.importer import product_fields  # the file's rules, cell by cell
    row = product_fields(fields)
    with unit_of_work():
        for key in ("sku", "ean"):
            if row[key] is not None and db.session.scalar(sa.select(Product.id).where(
                    Product.shop_id == shop_id, getattr(Product, key) == row[key],
                    Product.archived_at.is_(None)).limit(1)) is not None:
                raise Conflict(_("Un autre produit de la boutique a déjà ce code."),
                               field=key, code="duplicate")
        product = Product(shop_id=shop_id, search_text=search_text_for(row["name"],
                                                                       row["description"]),
                          **row)
        db.session.add(product)
    return product


def archive_product(shop_id: int, product_id: int, now: datetime) -> Product:
    """The product leaves the shop's catalogue for good: withdrawn from sale and no longer
    listed to the shop, found by imports or editable; its row stays for the orders that
    name it. Units already held stay held: those orders go on. Archiving twice is once."""
    with unit_of_work():
        product = db.session.get(Product, product_id)
        if product is None or product.shop_id != shop_id:
            raise NotFound(_("Produit introuvable."), field="id")
        if product.archived_at is None:
            product.archived_at, product.active = now, False
    return product


def shop_catalogue(shop_id: int) -> list[Product]:
    """Every product of a shop, withdrawn ones included, archived ones not: what the
    merchant manages."""
    return list(db.session.scalars(sa.select(Product).where(Product.shop_id == shop_id,
                                                            Product.archived_at.is_(None))
                                   .options(so.selectinload(Product.photo))
                                   .order_by(Product.name, Product.id)))


def shop_catalogue_page(shop_id: int, *, q: str = "", page: int = 1,
                        page_size: int = MERCHANT_PAGE_SIZE) -> ProductPage:
    """One page of a shop's catalogue for its merchant, withdrawn products included;
    every word of q must appear in the product's name or description."""
    query = sa.select(Product).where(Product.shop_id == shop_id, Product.archived_at.is_(None))
    for word in fold(q).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Product.search_text.like(f"%{escaped}%", escape="\\"))
    query = query.order_by(Product.name, Product.id).offset((page - 1) * page_size)
    rows = list(db.session.scalars(query.options(so.selectinload(Product.photo))
                                   .limit(page_size + 1)))
    return ProductPage(rows[:page_size], page + 1 if len(rows) > page_size else None)
