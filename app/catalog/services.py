"""The catalogue: stock moves by conditional UPDATE, the merchant's product edits."""
import sqlalchemy as sa

from app.database import built_once
from app.errors import Invalid, NotFound
from app.extensions import db
from app.catalog.models import Product
from app.catalog.search import search_text_for

MAX_PRICE_CENTS = 10_000_000
MAX_STOCK = 1_000_000


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


def update_product(shop_id: int, product_id: int, changes: dict) -> Product:
    """Merchant edit of price, stock or the active flag; all or nothing."""
    product = db.session.get(Product, product_id)
    if product is None or product.shop_id != shop_id:
        raise NotFound("Produit introuvable.", field="id")
    allowed = {"price_cents": (0, MAX_PRICE_CENTS), "stock": (0, MAX_STOCK)}
    for key in changes:
        if key not in (*allowed, "active", "name"):
            raise Invalid(f"Champ inconnu : {key}.", field=key, code="unknown_field")
    for key, (low, high) in allowed.items():
        if key in changes:
            value = changes[key]
            if type(value) is not int or not low <= value <= high:
                raise Invalid(f"{key} doit être un entier entre {low} et {high}.", field=key)
    if "active" in changes and type(changes["active"]) is not bool:
        raise Invalid("active doit valoir true ou false.", field="active")
    if "name" in changes:
        name = changes["name"].strip() if isinstance(changes["name"], str) else ""
        if not 1 <= len(name) <= 200:
            raise Invalid("Le nom doit faire de 1 à 200 caractères.", field="name")
        changes = {**changes, "name": name}
    if "stock" in changes:  # absolute value from the shop's count
        product.stock = changes["stock"]
    if "price_cents" in changes:
        product.price_cents = changes["price_cents"]
    if "active" in changes:
        product.active = changes["active"]
    if "name" in changes:
        product.name = changes["name"]
        product.search_text = search_text_for(product.name, product.description)
    db.session.commit()
    return product


def shop_catalogue(shop_id: int) -> list[Product]:
    """Every product of a shop, withdrawn ones included: what the merchant manages."""
    return list(db.session.scalars(sa.select(Product).where(Product.shop_id == shop_id)
                                   .order_by(Product.name, Product.id)))
