"""Photos for a whole catalogue at once: a ZIP of pictures named by SKU (BOUL-001.jpg), sent
with the catalogue file on the import page.

The ZIP is read, never extracted: a member's name only gives a SKU (its last part, without
the extension), so "../../etc/passwd" or "C:\\x" can reach no file; names with such parts
are listed as refused all the same. A ZIP bomb is refused before anything is unpacked, on
the sizes the archive declares (members, total); each member is then read no further than
a photo's limit, whatever it declared. The plan (dry run) reads each picture's header only;
applying it decodes them, one at a time."""
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalog.models import Product
from app.errors import DomainError, Invalid
from app.extensions import db
from app.photos.services import MAX_BYTES, check_photo, set_product_photo

MAX_MEMBERS = 2000  # a catalogue's photos, with room to spare
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # 1 GB unpacked, all members together
EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
# A photo's fate in the plan.
MATCHED = "matched"  # a product of the shop (or of the file) has this SKU
NO_SUCH_SKU = "no_such_sku"  # neither the shop nor the file has this SKU
NOT_AN_IMAGE = "not_an_image"  # not a picture we take (or a name with path tricks)


@dataclass
class PlannedPhoto:
    name: str  # the member's name as the archive gives it (shown, escaped, never opened)
    sku: str
    fate: str
    message: str = ""
    product_name: str | None = None


@dataclass
class PhotoReport:
    set: int = 0
    refused: int = 0


def _members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = [info for info in archive.infolist() if not info.is_dir()
               and not _hidden(info.filename)]
    if len(archive.infolist()) > MAX_MEMBERS:
        raise Invalid(_("%(most)s fichiers au plus dans le ZIP.", most=MAX_MEMBERS),
                      field="photos", code="too_many_files")
    if sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
        raise Invalid(_("ZIP trop gros une fois décompressé (1 Go au plus)."),
                      field="photos", code="too_large")
    return members


def _hidden(name: str) -> bool:
    """What macOS and Windows add to an archive on their own: not the shop's photos."""
    parts = name.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1] in (
        ".DS_Store", "Thumbs.db", "desktop.ini")


def _open(data) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(data if hasattr(data, "seek") else io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Invalid(_("Ce fichier n'est pas un ZIP lisible."), field="photos",
                      code="invalid_zip") from None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """At most one byte over a photo's limit, whatever the member declared."""
    if info.flag_bits & 0x1:
        raise Invalid(_("Fichier chiffré."), field="photos", code="not_an_image")
    with archive.open(info) as member:
        return member.read(MAX_BYTES + 1)


def _sku_of(name: str) -> tuple[str | None, str]:
    """(SKU, refusal): the name's last part without its extension, if the name is a plain
    relative path to a picture."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in name:
        return None, _("Nom de fichier refusé (chemin).")
    if path.suffix.lower() not in EXTENSIONS:
        return None, _("Extension inconnue : JPEG, PNG, WebP ou HEIC attendus.")
    sku = path.stem.strip()
    return (sku, "") if sku else (None, _("Nom de fichier vide."))


def _skus(shop_id: int, extra: dict[str, str]) -> dict[str, str]:
    """{SKU folded: product name} of the shop's products, and those the file adds."""
    rows = db.session.execute(sa.select(Product.sku, Product.name).where(
        Product.shop_id == shop_id, Product.archived_at.is_(None), Product.sku.is_not(None)))
    found = {sku.casefold(): name for sku, name in rows}
    found.update({sku.casefold(): name for sku, name in extra.items()})
    return found


def plan_photos(shop_id: int, data, *, file_skus: dict[str, str] | None = None
                ) -> list[PlannedPhoto]:
    """Each photo of the ZIP and its fate; nothing is written. `file_skus`: {SKU: name} of
    the catalogue file's lines, whose products exist once it is imported."""
    archive = _open(data)
    with archive:
        members = _members(archive)
        skus = _skus(shop_id, file_skus or {})
        planned = []
        for info in members:
            sku, refusal = _sku_of(info.filename)
            if sku is None:
                planned.append(PlannedPhoto(info.filename, "", NOT_AN_IMAGE, refusal))
                continue
            try:
                check_photo(_read(archive, info), field="photos")
            except (Invalid, zipfile.BadZipFile, OSError, EOFError) as error:
                message = error.message if isinstance(error, Invalid) else _(
                    "Fichier illisible dans le ZIP.")
                planned.append(PlannedPhoto(info.filename, sku, NOT_AN_IMAGE, message))
                continue
            name = skus.get(sku.casefold())
            planned.append(PlannedPhoto(info.filename, sku, MATCHED if name else NO_SUCH_SKU,
                                        "" if name else _("Aucun produit avec ce SKU."),
                                        name))
    return planned


def apply_photos(shop_id: int, data, storage) -> PhotoReport:
    """Each matched photo becomes its product's (after the catalogue is imported): decoded
    one at a time, each its own unit of work; one refused leaves the others."""
    report = PhotoReport()
    archive = _open(data)
    with archive:
        members = _members(archive)
        products = {sku.casefold(): product_id for sku, product_id in db.session.execute(
            sa.select(Product.sku, Product.id).where(Product.shop_id == shop_id,
                                                     Product.archived_at.is_(None),
                                                     Product.sku.is_not(None)))}
        for info in members:
            sku, _refusal = _sku_of(info.filename)
            product_id = products.get(sku.casefold()) if sku else None
            if product_id is None:
                continue
            try:
                set_product_photo(shop_id, product_id, _read(archive, info), storage,
                                  field="photos")
                report.set += 1
            except (DomainError, zipfile.BadZipFile, OSError, EOFError):
                db.session.rollback()
                report.refused += 1
    return report
