"""Given-helpers: shops, products, accounts and orders in the state a test needs."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.accounts.services import create_user
from app.catalog.models import Product
from app.catalog.search import search_text_for
from app.extensions import db
from app.orders import services as orders
from app.orders.requests import parse_checkout
from app.pickup.services import next_bookable_slots
from app.shops.models import Shop
from app.shops.services import create_shop
from app.timeutil import iso

PASSWORD = "secret-pass-1"


def make_shop(slug="boulangerie", name="Boulangerie Martin", **settings) -> Shop:
    settings.setdefault("address", "3 rue des Tables, Le Puy-en-Velay")
    return create_shop(slug=slug, name=name, **settings)


def make_product(shop: Shop, name="Baguette tradition", price_cents=130, stock=50,
                 active=True) -> Product:
    """`stock` units in the shop, none of them held yet: all available."""
    product = Product(shop_id=shop.id, name=name, price_cents=price_cents, on_hand=stock,
                      active=active, search_text=search_text_for(name))
    db.session.add(product)
    db.session.commit()
    return product


def make_merchant(shop: Shop, email=None):
    return create_user(email=email or f"{shop.slug}@example.fr", password=PASSWORD,
                       role="merchant", shop_slug=shop.slug)


def make_manager(email="manager@example.fr"):
    return create_user(email=email, password=PASSWORD, role="manager")


def first_slot(shop: Shop, now: datetime) -> str:
    day, slots = next_bookable_slots(shop, now, days=1)[0]
    return iso(slots[0].start)


def checkout_payload(lines_by_shop: dict, now: datetime, *, phone="06 12 34 56 78",
                     name="Claire Dupont") -> dict:
    """{shop: [(product, qty), ...]} -> the JSON body of POST /checkouts."""
    return {"customer": {"name": name, "phone": phone},
            "orders": [{"shop": shop.slug, "slot": first_slot(shop, now),
                        "lines": [{"product_id": p.id, "quantity": q} for p, q in lines]}
                       for shop, lines in lines_by_shop.items()]}


def place_order(lines_by_shop: dict, now: datetime, payments, *, pay=True, **customer):
    """A checkout (paid by default) through the service layer; returns the Checkout."""
    payload = checkout_payload(lines_by_shop, now, **customer)
    result = orders.create_checkout(parse_checkout(payload), now=now, provider=payments,
                                    payload=payload)
    if pay:
        orders.pay_checkout(result.checkout.id, "test_ok", now=now, provider=payments)
    return result.checkout


def stock_of(product: Product) -> int:
    """Units available now (on hand less held), read from the database."""
    return db.session.scalar(sa.select(Product.stock).where(Product.id == product.id))


def counts_of(product: Product) -> tuple[int, int]:
    """(on hand, held), read from the database."""
    return tuple(db.session.execute(sa.select(Product.on_hand, Product.held)
                                    .where(Product.id == product.id)).one())


def later(now: datetime, **delta) -> datetime:
    return now + timedelta(**delta)
