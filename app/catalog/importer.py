"""Catalogue import from CSV or XLSX: a plan first (every line's fate, every error with its
line number, nothing written), then that plan applied, all rows or none.

A catalogue file comes from a spreadsheet, a till's export or anybody's hands: every cell is
read as the shop would mean it or refused, never cut or guessed. Numbers are ASCII digits
(Arabic-Indic or superscript digits pass `str.isdigit()` and `\\d`); text fits its column,
holds no control character (a NUL fails PostgreSQL), no markup and no spreadsheet formula
(the file goes back into spreadsheets, and its names into CSV exports)."""
import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalog import fulltext
from app.catalog.models import DEFAULT_MAX_PER_ORDER, MAX_PER_ORDER_LIMIT, Product
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
COLUMNS = ("name", "price", "price_cents", "stock", "sku", "ean", "description", "active",
           "category", "name_en")
PRODUCT_FIELDS = ("name", "price_cents", "stock", "sku", "ean", "description", "category",
                  "active", "max_per_order")
MAX_SHEET_ROWS = 3 * MAX_ROWS  # rows read from a sheet, blank ones included
EAN = re.compile(r"[0-9]{13}")
UTF8 = ("utf-8-sig",)
# What the page and the API accept: UTF-8 first (it never decodes Windows-1252 text by
# mistake), then what Excel on Windows saves as "CSV" (Windows-1252).
DETECTED = ("utf-8-sig", "cp1252")
XLSX_MAGIC = b"PK\x03\x04"
# A line's fate in a plan.
CREATE = "create"  # a product the shop does not have yet
UPDATE = "update"  # a product found by sku, EAN or name, with something changed
UNCHANGED = "unchanged"  # found, and the file says what it already is
WITHDRAW = "withdraw"  # on sale, not in the file, and the shop asked to withdraw those
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
    unchanged: int = 0
    withdrawn: int = 0


@dataclass
class PlannedLine:
    line: int | None  # None for a product the file no longer lists
    fate: str
    name: str
    sku: str | None = None
    ean: str | None = None
    product_id: int | None = None
    row: dict | None = None


@dataclass
class LineError:
    line: int | None
    field: str | None
    message: str


@dataclass
class ImportPlan:
    lines: list[PlannedLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    with_category: bool = False

    def count(self, fate: str) -> int:
        return sum(1 for line in self.lines if line.fate == fate)

    @property
    def digest(self) -> str:
        """What the plan would do, in a few characters: the import page applies a plan only
        if planning the same file again still gives this (nothing moved in between)."""
        text = repr([(line.fate, line.product_id, line.row) for line in self.lines])
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cents(text: str) -> int:
    whole, _sep, frac = text.replace(",", ".").partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def decode(data: bytes, encodings: tuple[str, ...] = UTF8) -> str:
    """A file's bytes as text in the first of `encodings` that reads all of it (UTF-8 with a
    spreadsheet's BOM allowed), or a refusal naming the line of the first byte UTF-8 cannot
    read."""
    for encoding in encodings[1:]:
        try:
            data.decode("utf-8-sig")
            break
        except UnicodeDecodeError:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        if len(encodings) > 1:
            raise Invalid(_("ligne %(line)s : le fichier n'est ni en UTF-8 ni en "
                            "Windows-1252 (enregistrez-le en « CSV UTF-8 »).", line=line),
                          field="file") from None
        raise Invalid(_("ligne %(line)s : le fichier n'est pas en UTF-8 (enregistrez-le en "
                        "« CSV UTF-8 »).", line=line), field="file") from None


def _delimiter(header: str) -> str:
    """The header's separator: the one of ; , tab it uses most (comma when none)."""
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_records(text: str):
    """(line number, cells) for each CSV record; the line is where the record starts."""
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise Invalid(_("ligne %(line)s : caractère nul dans le fichier.", line=line),
                      field="file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]),
                        strict=True)
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise Invalid(_("ligne %(line)s : ligne CSV illisible (un guillemet non fermé, "
                            "ou une cellule de plus de 100 000 caractères).", line=number),
                          field="file") from None
        yield number, cells
        number = reader.line_num + 1


def _xlsx_text(value) -> str:
    """A sheet's cell as the shop sees it: 12 not 12.0, 2.4 not 2.4000000000000004."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    return str(value)


def _xlsx_records(data: bytes):
    """(row number, cells) of the workbook's first sheet, read as it streams (a sheet is a
    zip of XML: it is never loaded whole)."""
    import openpyxl  # only a workbook needs it
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise Invalid(_("ligne %(line)s : %(most)s produits au plus par fichier.",
                                line=number, most=MAX_ROWS), field="file")
            yield number, [_xlsx_text(value) for value in values]
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError):
        raise Invalid(_("Classeur XLSX illisible (enregistrez-le de nouveau, ou en CSV UTF-8)."),
                      field="file") from None


def _rows(records):
    """(line number, header, row) for each record that is not blank."""
    header = None
    for number, cells in records:
        if header is None:
            header = [cell.strip().lower() for cell in cells]
            _check_header(header)
        elif any(cell.strip() for cell in cells):  # blank lines are skipped
            yield number, header, cells


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
    ean = row.get("ean", "")
    if ean and not _ean13(ean):
        raise Invalid(_("%(where)s : EAN « %(ean)s » invalide (13 chiffres, le dernier étant "
                        "la clé de contrôle).", where=where, ean=ean[:20]), field="ean")
    active = row.get("active", "1").lower() or "1"
    if active not in YES + NO:
        raise Invalid(_("%(where)s : active vaut 1 ou 0 (oui ou non).", where=where),
                      field="active")
    return {"name": name, "price_cents": price,
            "on_hand": _number(row.get("stock") or "0", where, "stock", MAX_STOCK),
            "sku": _cell(row, "sku", where, MAX_SKU) or None, "ean": ean or None,
            "description": _cell(row, "description", where, MAX_DESCRIPTION,
                                 hidden=HIDDEN_IN_DESCRIPTION),
            "category": _cell(row, "category", where, MAX_CATEGORY),
            # Its English name (optional): English words find it; no column, none changed.
            "name_en": _cell(row, "name_en", where, MAX_NAME) or None,
            "active": active in YES}


def product_fields(fields: dict) -> dict:
    """A product typed by hand (the add page, the API) checked as a file's line is: name,
    price_cents, stock (on hand), [sku], [ean], [description], [category], [active],
    [max_per_order]. The product's columns, or a refusal on the culprit's field."""
    where = _("produit")
    for key in fields:
        if key not in PRODUCT_FIELDS:
            raise Invalid(_("Champ inconnu : %(key)s.", key=key), field=key, code="unknown_field")
    for key in ("name", "sku", "ean", "description", "category"):
        if not isinstance(fields.get(key, ""), str if key in ("name", "description",
                                                              "category") else str | None):
            raise Invalid(_("Une chaîne de caractères est attendue."), field=key)
    texts = {key: (fields.get(key) or "").strip()
             for key in ("name", "sku", "ean", "description", "category")}
    name = _cell(texts, "name", where, MAX_NAME)
    if not name:
        raise Invalid(_("Indiquez le nom du produit."), field="name", code="required")
    numbers = {}
    for key, low, high, default in (("price_cents", 0, MAX_PRICE_CENTS, None),
                                    ("stock", 0, MAX_STOCK, 0),
                                    ("max_per_order", 1, MAX_PER_ORDER_LIMIT,
                                     DEFAULT_MAX_PER_ORDER)):
        value = fields.get(key, default)
        if type(value) is not int or not low <= value <= high:
            raise Invalid(_("%(key)s doit être un entier entre %(low)s et %(high)s.",
                            key=key, low=low, high=high), field=key)
        numbers[key] = value
    if type(fields.get("active", True)) is not bool:
        raise Invalid(_("active doit valoir true ou false."), field="active")
    if texts["ean"] and not _ean13(texts["ean"]):
        raise Invalid(_("EAN invalide : 13 chiffres, le dernier étant la clé de contrôle."),
                      field="ean")
    return {"name": name, "price_cents": numbers["price_cents"], "on_hand": numbers["stock"],
            "max_per_order": numbers["max_per_order"],
            "sku": _cell(texts, "sku", where, MAX_SKU) or None, "ean": texts["ean"] or None,
            "description": _cell(texts, "description", where, MAX_DESCRIPTION,
                                 hidden=HIDDEN_IN_DESCRIPTION),
            "category": _cell(texts, "category", where, MAX_CATEGORY),
            "active": fields.get("active", True)}


def _ean13(text: str) -> bool:
    """13 ASCII digits whose last is the check digit (weights 1, 3, 1, 3… from the left)."""
    if not EAN.fullmatch(text):
        return False
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(text[:12]))
    return (10 - total % 10) % 10 == int(text[12])


def _records(data: str | bytes, encodings: tuple[str, ...]):
    if isinstance(data, bytes) and data.startswith(XLSX_MAGIC):
        return _xlsx_records(data)
    text = decode(data, encodings) if isinstance(data, bytes) else data
    return _csv_records(text.removeprefix("\ufeff"))


def _changed(product: Product, row: dict, with_category: bool) -> bool:
    return ((product.name, product.description, product.price_cents, product.on_hand,
             product.active) != (row["name"], row["description"], row["price_cents"],
                                 row["on_hand"], row["active"])
            or (row["sku"] is not None and product.sku != row["sku"])
            or (row["ean"] is not None and product.ean != row["ean"])
            or (row.get("name_en") is not None and product.name_en != row["name_en"])
            or (with_category and product.category != row["category"]))


def plan_import(shop: Shop, data: str | bytes, *, withdraw_missing: bool = False,
                encodings: tuple[str, ...] = UTF8) -> ImportPlan:
    """What importing the file would do, line by line, and every line's error; nothing is
    written. A line finds its product by sku, then by EAN, then (with neither) by name;
    archived products are not found. A file that cannot be read at all (encoding, header,
    CSV quoting) is refused whole."""
    plan, seen, matched = ImportPlan(), {}, set()
    products = list(db.session.scalars(sa.select(Product).where(
        Product.shop_id == shop.id, Product.archived_at.is_(None)).order_by(Product.id)))
    by_sku = {p.sku: p for p in products if p.sku}
    by_ean = {p.ean: p for p in products if p.ean}
    by_name = {p.name.lower(): p for p in products if not p.sku}
    rows = 0
    for number, header, cells in _rows(_records(data, encodings)):
        where = _("ligne %(line)s", line=number)
        plan.with_category = "category" in header
        if rows == MAX_ROWS:
            raise Invalid(_("%(where)s : %(most)s produits au plus par fichier.", where=where,
                            most=MAX_ROWS), field="file")
        rows += 1
        try:
            row = _product_row(header, cells, where)
            product = _find(row, by_sku, by_ean, by_name, where)
            for key, value in (("sku", row["sku"]), ("ean", row["ean"]),
                               ("name", None if row["sku"] or row["ean"]
                                else row["name"].lower())):
                if value is None:
                    continue
                if (key, value) in seen:
                    raise Invalid(_("%(where)s : même produit que la ligne %(line)s (même sku, "
                                    "même EAN, ou même nom sans sku).", where=where,
                                    line=seen[(key, value)]), field=key)
                seen[(key, value)] = number
            if product is not None and product.id in matched:
                raise Invalid(_("%(where)s : même produit qu'une ligne plus haut.",
                                where=where), field="sku")
            if product is not None and row["on_hand"] < product.held:
                raise Invalid(_("%(where)s : %(counted)s en stock, mais %(held)s sont mis de "
                                "côté pour des commandes (ils sont encore en boutique : "
                                "comptez-les aussi).", where=where, counted=row["on_hand"],
                                held=product.held), field="stock")
        except Invalid as error:
            plan.errors.append(LineError(number, error.field, error.message))
            continue
        if product is None:
            fate = CREATE
        else:
            matched.add(product.id)
            fate = UPDATE if _changed(product, row, plan.with_category) else UNCHANGED
        plan.lines.append(PlannedLine(number, fate, row["name"], row["sku"], row["ean"],
                                      product.id if product else None, row))
    if withdraw_missing:
        for product in products:
            if product.active and product.id not in matched:
                plan.lines.append(PlannedLine(None, WITHDRAW, product.name, product.sku,
                                              product.ean, product.id))
    return plan


def _find(row: dict, by_sku: dict, by_ean: dict, by_name: dict, where: str):
    """The product a line is about, or None for a new one."""
    product = by_sku.get(row["sku"]) if row["sku"] else None
    if product is None and row["ean"]:
        product = by_ean.get(row["ean"])
        if product is not None and row["sku"] and product.sku and product.sku != row["sku"]:
            raise Invalid(_("%(where)s : l'EAN %(ean)s est celui de « %(name)s » (sku "
                            "%(sku)s).", where=where, ean=row["ean"], name=product.name,
                            sku=product.sku), field="ean")
    elif product is not None and row["ean"] and by_ean.get(row["ean"]) not in (None, product):
        raise Invalid(_("%(where)s : l'EAN %(ean)s est celui de « %(name)s ».", where=where,
                        ean=row["ean"], name=by_ean[row["ean"]].name), field="ean")
    if product is None and not row["sku"] and not row["ean"]:
        product = by_name.get(row["name"].lower())
    return product


def apply_plan(shop: Shop, plan: ImportPlan) -> ImportReport:
    """Writes a plan without errors, all of it or nothing. Counts go through the database's
    check against what open orders hold at that moment (a checkout may hold more since)."""
    if plan.errors:
        first = plan.errors[0]
        raise Invalid(first.message, field=first.field)
    report = ImportReport(0, 0)
    with unit_of_work():
        products = {p.id: p for p in db.session.scalars(sa.select(Product).where(
            Product.id.in_([line.product_id for line in plan.lines if line.product_id])))}
        new = [{**line.row, "shop_id": shop.id,
                "category": line.row["category"] if plan.with_category else "",
                "search_text": search_text_for(line.row["name"], line.row["description"])}
               for line in plan.lines if line.fate == CREATE]
        found = set()
        for row in new:  # Core inserts pass no ORM event: the search columns are ours
            row["search_stems"], words = fulltext.index_terms(
                name=row["name"], name_en=row.get("name_en"), description=row["description"],
                category=row["category"], kind=shop.kind)
            found |= words
        if new:  # one executemany: a 5,000-line catalogue is one statement, not 5,000 objects
            db.session.execute(sa.insert(Product.__table__), new)
            fulltext.remember_words(db.session.connection(), found)
        report.created = len(new)
        for line in plan.lines:
            if line.fate == CREATE:
                continue
            elif line.fate == UPDATE:
                _update(products[line.product_id], line, plan.with_category)
                report.updated += 1
            elif line.fate == WITHDRAW:
                products[line.product_id].active = False
                report.withdrawn += 1
            else:
                report.unchanged += 1
    return report


def _update(product: Product, line: PlannedLine, with_category: bool) -> None:
    row = line.row
    if product.on_hand != row["on_hand"]:
        _count(product, row["on_hand"], _("ligne %(line)s", line=line.line))
    product.name = row["name"]
    product.description = row["description"]
    product.price_cents = row["price_cents"]
    product.active = row["active"]
    if row["sku"] is not None:
        product.sku = row["sku"]
    if row["ean"] is not None:
        product.ean = row["ean"]
    if row.get("name_en") is not None:
        product.name_en = row["name_en"]
    if with_category:  # a file without the column keeps the aisles
        product.category = row["category"]
    product.search_text = search_text_for(product.name, product.description)


def import_products(shop: Shop, data: str | bytes, *, withdraw_missing: bool = False,
                    encodings: tuple[str, ...] = UTF8) -> ImportReport:
    """Columns: name, price (euros, "2,40") or price_cents, stock, [sku], [ean],
    [description], [active], [category], [name_en] (its English name). A row with an
    existing sku (or EAN, or without either, the same name) updates it. `stock` is the shop's count of the units in the shop,
    bags set aside for orders included: it becomes the product's on_hand, never less than
    what open orders hold. The first error refuses the file, nothing written."""
    return apply_plan(shop, plan_import(shop, data, withdraw_missing=withdraw_missing,
                                        encodings=encodings))


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
