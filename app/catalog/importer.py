"""Catalogue import from CSV: all rows or none, each error with its line number.

A catalogue file comes from a spreadsheet, a till's export or anybody's hands: every cell is
read as the shop would mean it or refused, never cut or guessed. Numbers are ASCII digits
(Arabic-Indic or superscript digits pass `str.isdigit()` and `\\d`); text fits its column,
holds no control character (a NUL fails PostgreSQL), no markup and no spreadsheet formula
(the file goes back into spreadsheets, and its names into CSV exports)."""
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
MAX_NAME = 200  # products.name's (and order_lines.name's) width
MAX_SKU = 64  # products.sku's width
MAX_DESCRIPTION = 2000  # a shelf label's worth; the search reads the first 600 characters
MAX_ROWS = 5000  # a shop's catalogue, with room to spare
MAX_CELL = 10_000  # csv's own limit is 131,072 (beyond, its error names no line)
PRICE = re.compile(r"[0-9]{1,6}(?:[.,][0-9]{1,2})?")
DIGITS = re.compile(r"[0-9]{1,9}")
COLUMNS = ("name", "price", "price_cents", "stock", "sku", "description", "active", "category")
YES, NO = ("1", "true", "oui", "yes", "o", "y"), ("0", "false", "non", "no", "n")
# What a spreadsheet runs as a formula when a cell starts with it (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")  # a tag's opening, not "< 500 g"
# Control characters (NUL included) and the invisible ones that turn text around.
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
HIDDEN_IN_DESCRIPTION = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass
class ImportReport:
    created: int
    updated: int


def _cents(text: str) -> int:
    whole, _sep, frac = text.replace(",", ".").partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def decode(data: bytes) -> str:
    """A file's bytes as text: UTF-8 (a spreadsheet's BOM allowed), or a refusal naming the
    line of the first byte that is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise Invalid(_("ligne %(line)s : le fichier n'est pas en UTF-8 (enregistrez-le en "
                        "« CSV UTF-8 »).", line=line), field="file") from None


def _delimiter(header: str) -> str:
    """The header's separator: the one of ; , tab it uses most (comma when none)."""
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _rows(text: str):
    """(line number, header, row) for each record; the line is where the record starts."""
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise Invalid(_("ligne %(line)s : caractère nul dans le fichier.", line=line),
                      field="file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]),
                        strict=True)
    header, number = None, 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise Invalid(_("ligne %(line)s : ligne CSV illisible (un guillemet non fermé, "
                            "ou une cellule de plus de 100 000 caractères).", line=number),
                          field="file") from None
        if header is None:
            header = [cell.strip().lower() for cell in cells]
            _check_header(header)
        elif any(cell.strip() for cell in cells):  # blank lines are skipped
            yield number, header, cells
        number = reader.line_num + 1


def _check_header(header: list[str]) -> None:
    if "name" not in header:
        raise Invalid(_("ligne 1 : la première ligne doit nommer les colonnes (name, price, "
                        "stock…)."), field="name")
    for column in COLUMNS:  # other columns are the shop's own notes: left aside
        if header.count(column) > 1:
            raise Invalid(_("ligne 1 : colonne « %(column)s » en double.", column=column),
                          field="file")
    if "price" not in header and "price_cents" not in header:
        raise Invalid(_("ligne 1 : colonne price (ou price_cents) manquante."), field="price")


def _cell(row: dict, column: str, where: str, most: int, *, hidden=HIDDEN) -> str:
    """A text cell as the shop typed it, or a refusal saying what is wrong with it."""
    value = row.get(column, "")
    if len(value) > most:
        raise Invalid(_("%(where)s : %(column)s trop long (%(length)s caractères ; "
                        "%(most)s au plus).", where=where, column=column, length=len(value),
                        most=most), field=column)
    if hidden.search(value):
        raise Invalid(_("%(where)s : %(column)s contient un caractère de contrôle ou "
                        "invisible.", where=where, column=column), field=column)
    if value.startswith(FORMULA_START):
        raise Invalid(_("%(where)s : %(column)s commence par « %(char)s », ce qu'un tableur "
                        "lit comme une formule.", where=where, column=column,
                        char=value[0]), field=column)
    if MARKUP.search(value):
        raise Invalid(_("%(where)s : %(column)s contient une balise (« < » suivi d'une "
                        "lettre).", where=where, column=column), field=column)
    return value


def _number(text: str, where: str, column: str, most: int) -> int:
    if not DIGITS.fullmatch(text) or int(text) > most:
        raise Invalid(_("%(where)s : %(column)s : un entier de 0 à %(most)s est attendu "
                        "(chiffres 0-9).", where=where, column=column, most=most), field=column)
    return int(text)


def _product_row(header: list[str], cells: list[str], where: str) -> dict:
    if len(cells) > len(header):
        raise Invalid(_("%(where)s : %(found)s cellules pour %(columns)s colonnes.",
                        where=where, found=len(cells), columns=len(header)), field="file")
    row = {column: cell.strip() for column, cell in zip(header, cells) if column}
    if any(len(cell) > MAX_CELL for cell in cells):
        raise Invalid(_("%(where)s : cellule trop longue.", where=where), field="file")
    name = _cell(row, "name", where, MAX_NAME)
    if not name:
        raise Invalid(_("%(where)s : nom manquant.", where=where), field="name")
    if row.get("price_cents"):
        price = _number(row["price_cents"], where, "price_cents", MAX_PRICE_CENTS)
    elif PRICE.fullmatch(row.get("price", "")):
        price = _cents(row["price"])
    else:
        raise Invalid(_("%(where)s : prix illisible « %(price)s ».", where=where,
                        price=row.get("price", "")[:40]), field="price")
    if price > MAX_PRICE_CENTS:
        raise Invalid(_("%(where)s : prix trop élevé.", where=where), field="price")
    active = row.get("active", "1").lower() or "1"
    if active not in YES + NO:
        raise Invalid(_("%(where)s : active vaut 1 ou 0 (oui ou non).", where=where),
                      field="active")
    return {"name": name, "price_cents": price,
            "on_hand": _number(row.get("stock") or "0", where, "stock", MAX_STOCK),
            "sku": _cell(row, "sku", where, MAX_SKU) or None,
            "description": _cell(row, "description", where, MAX_DESCRIPTION,
                                 hidden=HIDDEN_IN_DESCRIPTION),
            "category": _cell(row, "category", where, MAX_CATEGORY),
            "active": active in YES}


def import_products(shop: Shop, text: str | bytes) -> ImportReport:
    """Columns: name, price (euros, "2,40") or price_cents, stock, [sku], [description],
    [active], [category]. A row with an existing sku (or, without sku, the same name) updates it.
    `stock` is the shop's count of the units in the shop, bags set aside for orders included:
    it becomes the product's on_hand, never less than what open orders hold."""
    if isinstance(text, bytes):
        text = decode(text)
    text = text.removeprefix("\ufeff")
    rows, seen = [], {}
    for number, header, cells in _rows(text):
        where = _("ligne %(line)s", line=number)
        if len(rows) == MAX_ROWS:
            raise Invalid(_("%(where)s : %(most)s produits au plus par fichier.", where=where,
                            most=MAX_ROWS), field="file")
        row = _product_row(header, cells, where)
        key = row["sku"] or row["name"].lower()
        if key in seen:
            raise Invalid(_("%(where)s : même produit que la ligne %(line)s (même sku, ou même "
                            "nom sans sku).", where=where, line=seen[key]), field="sku")
        seen[key] = number
        rows.append((where, row, "category" in header))
    existing = {(p.sku or p.name.lower()): p for p in db.session.scalars(
        sa.select(Product).where(Product.shop_id == shop.id))}
    created = updated = 0
    with unit_of_work():
        for where, row, with_category in rows:
            key = row["sku"] or row["name"].lower()
            product = existing.get(key)
            if product is None:
                product = Product(shop_id=shop.id, sku=row["sku"], on_hand=row["on_hand"])
                db.session.add(product)
                existing[key] = product
                created += 1
            else:
                _count(product, row["on_hand"], where)
                updated += 1
            product.name = row["name"]
            product.description = row["description"]
            product.price_cents = row["price_cents"]
            product.active = row["active"]
            if with_category:  # a file without the column keeps the aisles
                product.category = row["category"]
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
