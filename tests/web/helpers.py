"""The shopper's pages read as a browser would before submitting them (the CSRF token,
hidden fields, radio choices, visible text, the error next to a field), and given-helpers."""
import re
from html import unescape
from types import SimpleNamespace

import sqlalchemy as sa

from app.extensions import db
from app.orders.models import Checkout, Order
from tests.factories import make_product, make_shop

TAG = re.compile(r"<[^>]+>")
SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def _inputs(html: str, name: str) -> list[str]:
    return [tag for tag in re.findall(r"<input\b[^>]*>", html) if f'name="{name}"' in tag]


def _attr(tag: str, attr: str) -> str | None:
    match = re.search(rf'\b{attr}="([^"]*)"', tag)
    return unescape(match[1]) if match else None


def input_value(html: str, name: str) -> str:
    """The value of the first <input name=...> of the page (hidden fields included)."""
    tags = _inputs(html, name)
    assert tags, f"no input named {name!r} on the page"
    return _attr(tags[0], "value")


def csrf_token(html: str) -> str:
    return input_value(html, "csrf_token")


def radio_values(html: str, name: str) -> list[str]:
    return [_attr(tag, "value") for tag in _inputs(html, name) if 'type="radio"' in tag]


def text(html: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(unescape(TAG.sub(" ", SCRIPT.sub(" ", html))).split())


def field_error(html: str, field_id: str) -> str | None:
    """The error printed right after a field (templates/_macros.html field() and the slot
    pickers both give it the id "<field>-error")."""
    match = re.search(rf'<p class="error"[^>]*id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>',
                      html, re.S)
    return text(match[1]) if match else None


# --- given / when, for the shopper's pages ------------------------------------------------


def shopper_town() -> SimpleNamespace:
    """Two shops of the town, open Monday to Saturday 09:00-19:00, with a few products."""
    bakery = make_shop("boulangerie", "Boulangerie Martin", phone="04 71 09 12 34")
    deli = make_shop("charcuterie", "Charcuterie Vidal", address="12 place du Plot")
    return SimpleNamespace(
        bakery=bakery, deli=deli,
        bread=make_product(bakery, "Baguette tradition", 130, stock=50),
        tart=make_product(bakery, "Tarte aux myrtilles", 2200, stock=3),
        pate=make_product(deli, "Pâté de campagne", 450, stock=10),
        ham=make_product(deli, "Jambon sec", 690, stock=20))


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def add_to_cart(client, product, quantity=1):
    """Press "Ajouter" on the product's shop page."""
    html = page(client, f"/boutiques/{product.shop.slug}")
    return client.post("/panier/ajouter", data={
        "csrf_token": csrf_token(html), "product_id": product.id, "quantity": quantity,
        "next": f"/boutiques/{product.shop.slug}"})


def checkout_form(client, shops, **fields) -> dict:
    """The checkout page filled in: earliest slot of each shop, a name and a phone."""
    html = page(client, "/commande")
    data = {"csrf_token": csrf_token(html), "idempotency_key": input_value(html, "idempotency_key"),
            "name": "Claire Dupont", "phone": "06 12 34 56 78", "email": ""}
    for shop in shops:
        data[f"slot_{shop.id}"] = radio_values(html, f"slot_{shop.id}")[0]
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def checkout_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Checkout))


def order_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Order))
