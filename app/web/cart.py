"""The shopper's cart, kept in the signed session cookie as {product_id: quantity}.

Only ids and quantities are stored (the cookie stays small); names, prices and stock are
read from the database each time, so a product that changed or left the shelf is shown as
it is now, flagged on its line rather than dropped.
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import session
from flask_babel import gettext as _

from app.catalog.models import Product
from app.extensions import db
from app.orders.requests import MAX_LINES, MAX_QUANTITY
from app.shops.models import Shop

CART_KEY = "cart"
CHECKOUTS_KEY = "checkouts"
# Keeps the cookie well under 4 KB, and a shop's order under a checkout's MAX_LINES.
MAX_CART_LINES = min(50, MAX_LINES)
MAX_REMEMBERED_CHECKOUTS = 20


def quantities() -> dict[int, int]:
    """The cart as {product_id: quantity}; anything malformed in the cookie is ignored."""
    raw = session.get(CART_KEY)
    if not isinstance(raw, dict):
        return {}
    cart = {}
    for key, value in raw.items():
        if str(key).isdigit() and type(value) is int and 1 <= value <= MAX_QUANTITY:
            cart[int(key)] = value
    return cart


def _save(cart: dict[int, int]) -> None:
    session[CART_KEY] = {str(product_id): qty for product_id, qty in cart.items()}
    # A cookie that outlives the tab and the browser (PERMANENT_SESSION_LIFETIME): the
    # basket filled on the bus is still there in the evening.
    session.permanent = True


def add(product_id: int, quantity: int) -> bool:
    """Add to the line (capped at MAX_QUANTITY); False when the cart has no room left."""
    cart = quantities()
    if product_id not in cart and len(cart) >= MAX_CART_LINES:
        return False
    cart[product_id] = min(cart.get(product_id, 0) + quantity, MAX_QUANTITY)
    _save(cart)
    return True


def set_quantity(product_id: int, quantity: int) -> None:
    cart = quantities()
    if product_id not in cart:
        return
    if quantity <= 0:
        del cart[product_id]
    else:
        cart[product_id] = min(quantity, MAX_QUANTITY)
    _save(cart)


def remove(product_ids) -> None:
    cart = quantities()
    for product_id in product_ids:
        cart.pop(product_id, None)
    _save(cart)


def item_count() -> int:
    return sum(quantities().values())


@dataclass
class CartLine:
    product_id: int
    quantity: int
    product: Product | None
    unit_price_cents: int = 0  # what a checkout made now pays (a running promotion's)

    @property
    def name(self) -> str:
        return self.product.name if self.product else _("Article retiré de la vente")

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity if self.product else 0

    @property
    def problem(self) -> str | None:
        """Why this line cannot be ordered as it is, in the shopper's words; None if it can."""
        product = self.product
        if product is None or not product.active or not product.shop.active:
            return _("Ce produit n'est plus en vente : retirez-le du panier.")
        if product.stock <= 0:
            return _("Épuisé pour le moment : retirez-le du panier.")
        if product.stock < self.quantity:
            return _("Plus que %(n)s en stock : réduisez la quantité.", n=product.stock)
        return None


@dataclass
class ShopGroup:
    shop: Shop
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)


@dataclass
class CartView:
    groups: list[ShopGroup]
    orphans: list[CartLine]  # ids that match no product at all any more

    @property
    def total_cents(self) -> int:
        return sum(group.subtotal_cents for group in self.groups)

    @property
    def empty(self) -> bool:
        return not self.groups and not self.orphans

    @property
    def has_problems(self) -> bool:
        return bool(self.orphans) or any(line.problem for group in self.groups
                                         for line in group.lines)


def load(now) -> CartView:
    """The cart grouped by shop (shops by name, lines by product name), priced at `now`."""
    cart = quantities()
    products = {p.id: p for p in db.session.scalars(
        sa.select(Product).where(Product.id.in_(list(cart))))} if cart else {}
    groups: dict[int, ShopGroup] = {}
    orphans = []
    for product_id, quantity in cart.items():
        product = products.get(product_id)
        line = CartLine(product_id, quantity, product,
                        product.price_at(now) if product is not None else 0)
        if product is None:
            orphans.append(line)
            continue
        groups.setdefault(product.shop_id, ShopGroup(product.shop)).lines.append(line)
    ordered = sorted(groups.values(), key=lambda g: (g.shop.name.lower(), g.shop.id))
    for group in ordered:
        group.lines.sort(key=lambda line: (line.name.lower(), line.product_id))
    return CartView(ordered, orphans)


def remember_checkout(checkout_id: int) -> None:
    """This browser made that checkout: only it may open its payment and thank-you pages."""
    ids = [i for i in session.get(CHECKOUTS_KEY, []) if type(i) is int and i != checkout_id]
    session[CHECKOUTS_KEY] = (ids + [checkout_id])[-MAX_REMEMBERED_CHECKOUTS:]


def owns_checkout(checkout_id: int) -> bool:
    ids = session.get(CHECKOUTS_KEY)
    return isinstance(ids, list) and checkout_id in ids
