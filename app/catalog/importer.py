"""Catalogue import from CSV: all rows or none, each error with its line number."""
import csv
import io
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalog.models import Product
from app.catalog.search import search_text_for
from app.catalog.services import MAX_PRICE_CENTS, MAX_STOCK
from app.database import unit_of_work
from app.errors import Invalid
from app.extensions import db
from app.shops.models import Shop

MAX_CATEGORY = 60  # products.category's width
PRICE = re.compile(r"^\d{1,6}([.,]\d{1,2})?$")


@dataclass
class ImportReport:
    created: int
    updated: int


def _cents(text: str) -> int:
    whole, _, frac = text.replace(",", ".").partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def import_products(shop: Shop, text: str) -> ImportReport:
    """Columns: name, price (euros, "2,40") or price_cents, stock, [sku], [description],
    [active], [category]. A row with an existing sku (or, without sku, the same name) updates it.
    `stock` is the shop's count of the units in the shop, bags set aside for orders included:
    it becomes the product's on_hand, never less than what open orders hold."""
    sample = text[:2048]
    dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise Invalid("La première ligne doit nommer les colonnes (name, price, stock…).",
                      field="name")
    existing = {(p.sku or p.name.lower()): p for p in db.session.scalars(
        sa.select(Product).where(Product.shop_id == shop.id))}
    created = updated = 0
    with unit_of_work():
        for number, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k}
            where = f"ligne {number}"
            if not row.get("name"):
                raise Invalid(f"{where} : nom manquant.", field="name")
            if row.get("price_cents"):
                if not row["price_cents"].isdigit():
                    raise Invalid(f"{where} : price_cents entier attendu.", field="price_cents")
                price = int(row["price_cents"])
            elif PRICE.match(row.get("price", "")):
                price = _cents(row["price"])
            else:
                raise Invalid(f"{where} : prix illisible « {row.get('price', '')} ».",
                              field="price")
            stock_text = row.get("stock") or "0"
            if not stock_text.isdigit() or int(stock_text) > MAX_STOCK:
                raise Invalid(f"{where} : stock entier attendu.", field="stock")
            if price > MAX_PRICE_CENTS:
                raise Invalid(f"{where} : prix trop élevé.", field="price")
            category = row.get("category", "")
            if len(category) > MAX_CATEGORY:
                raise Invalid(_("%(where)s : rayon trop long (%(most)s caractères au plus).",
                                where=where, most=MAX_CATEGORY), field="category")
            active = row.get("active", "1").lower() not in ("0", "false", "non", "no")
            key = row.get("sku") or row["name"].lower()
            product = existing.get(key)
            if product is None:
                product = Product(shop_id=shop.id, sku=row.get("sku") or None)
                db.session.add(product)
                existing[key] = product
                created += 1
            else:
                updated += 1
            product.name = row["name"][:200]
            product.description = row.get("description", "")
            product.price_cents = price
            if product.id is None:
                product.on_hand = int(stock_text)
            else:
                _count(product, int(stock_text), where)
            product.active = active
            if "category" in reader.fieldnames:  # a file without the column keeps the aisles
                product.category = category
            product.search_text = search_text_for(product.name, product.description)
    return ImportReport(created, updated)


def _count(product: Product, counted: int, where: str) -> None:
    """The shop's count becomes on_hand, in the database's own check against what open
    orders hold right now (a checkout may hold more while the file is read)."""
    products = Product.__table__
    if db.session.execute(sa.update(products).where(products.c.id == product.id,
                                                    products.c.held <= counted)
                          .values(on_hand=counted)).rowcount != 1:
        held = db.session.scalar(sa.select(products.c.held).where(products.c.id == product.id))
        raise Invalid(_("%(where)s : %(counted)s en stock, mais %(held)s sont mis de côté "
                        "pour des commandes (ils sont encore en boutique : comptez-les aussi).",
                        where=where, counted=counted, held=held), field="stock")
    db.session.expire(product, ["on_hand", "held"])
