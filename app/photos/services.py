"""Photos from a phone, made safe to show: checked, turned upright, stripped, resized.

An upload is refused (Invalid, with its field) when it is too heavy (checked before any
decoding), not a real JPEG/PNG/WebP/HEIC, or has more pixels than any phone takes (a
decompression bomb: a small file that would unpack into gigabytes). What is kept is a few
widths of WebP, never larger than the picture itself, with no metadata at all (EXIF with its
GPS position, XMP, comments): only pixels, turned the way the camera was held and brought
to sRGB.

The files are written first, with no transaction open (an S3 store is another machine),
then the row, in a unit of work. Their names are their content's hash: a file written for a
photo the database then refuses is an orphan, never a wrong picture; removing files no
longer referenced is left to a later clean-up."""
import hashlib
import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from app.catalog.models import Product
from app.database import insert_ignore, unit_of_work, utcnow
from app.errors import Invalid, NotFound
from app.extensions import db
from app.photos.models import Photo, file_name
from app.shops.models import Shop

try:  # iPhones' HEIC; optional so that a server without libheif still takes the rest
    import pillow_heif
    pillow_heif.register_heif_opener()
    HEIF = ("HEIF",)
except ImportError:  # pragma: no cover
    HEIF = ()

MAX_BYTES = 15 * 1024 * 1024  # a 48-megapixel HEIC or a full-size JPEG from a phone
# 48 megapixels (8064 × 6048) and a little more: beyond, a picture is a bomb, not a photo.
MAX_PIXELS = 50_000_000
WIDTHS = (160, 320, 640, 1280)  # a card on a phone, on a retina phone, a tablet, a screen
ACCEPTED = ("JPEG", "PNG", "WEBP", *HEIF)
WEBP_QUALITY = 78
SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class ProcessedPhoto:
    key: str
    width: int
    height: int
    widths: tuple[int, ...]
    files: dict[str, bytes]  # file name -> WebP bytes


def too_large_message() -> str:
    return _("Photo trop lourde (15 Mo au plus).")


def process_photo(data: bytes, *, field: str = "photo") -> ProcessedPhoto:
    """The kept widths of the picture in `data`, or Invalid (on `field`) saying why not.
    Pure: nothing is written."""
    with _refusals(field):
        image = _opened(data, field)
        image = ImageOps.exif_transpose(image)  # decodes; upright as it was taken
        image = _srgb(image)
    return _encode(image)


def check_photo(data: bytes, *, field: str = "photo") -> tuple[int, int]:
    """What process_photo would refuse without decoding (weight, kind, pixels): its header
    only, for a plan of many photos. The picture's (width, height)."""
    with _refusals(field):
        image = _opened(data, field)
    return image.size


def _opened(data: bytes, field: str) -> Image.Image:
    if not data:
        raise Invalid(_("Choisissez une photo."), field=field, code="required")
    if len(data) > MAX_BYTES:
        raise Invalid(too_large_message(), field=field, code="too_large")
    image = Image.open(io.BytesIO(data), formats=ACCEPTED)
    # Only the header is read so far: the size is known before any pixel is.
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(field)
    return image


def _too_many_pixels(field: str) -> Invalid:
    return Invalid(_("Image trop grande (50 millions de pixels au plus)."), field=field,
                   code="too_many_pixels")


@contextmanager
def _refusals(field: str):
    """Pillow's failures as refusals of the field."""
    with warnings.catch_warnings():
        # Pillow's own bomb check warns below twice its limit: a refusal here too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(field) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                TypeError, IndexError, KeyError, ZeroDivisionError):
            raise Invalid(_("Ce fichier n'est pas une photo (JPEG, PNG, WebP ou HEIC)."),
                          field=field, code="not_an_image") from None


def _srgb(image: Image.Image) -> Image.Image:
    """Plain RGB(A) pixels in sRGB (what browsers assume of an image without a profile),
    nothing else kept from the file."""
    alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if alpha else "RGB"
    profile = image.info.get("icc_profile")
    image = image.convert(mode)
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are
    clean = Image.new(mode, image.size)
    clean.paste(image)
    return clean


def _encode(image: Image.Image) -> ProcessedPhoto:
    widths = tuple(sorted({w for w in WIDTHS if w < image.width} | {min(image.width, WIDTHS[-1])}))
    encoded, source = {}, image
    for width in sorted(widths, reverse=True):  # each width from the next larger one
        height = max(1, round(image.height * width / image.width))
        if (width, height) != source.size:
            source = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        source.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
        encoded[width] = out.getvalue()
    digest = hashlib.sha256()
    for width in sorted(encoded):
        digest.update(encoded[width])
    key = digest.hexdigest()[:32]
    largest = max(widths)
    return ProcessedPhoto(key=key, width=largest,
                          height=max(1, round(image.height * largest / image.width)),
                          widths=tuple(sorted(widths)),
                          files={file_name(key, w): encoded[w] for w in sorted(encoded)})


def store_photo(shop_id: int, data: bytes, storage, *, field: str = "photo") -> Photo:
    """The photo row for this picture, its files in `storage`: made, or found if the shop
    sent the same picture before."""
    return save_processed(shop_id, process_photo(data, field=field), storage)


def save_processed(shop_id: int, processed: ProcessedPhoto, storage) -> Photo:
    for name, content in processed.files.items():
        storage.put(name, content)
    with unit_of_work():
        db.session.execute(insert_ignore(Photo).values(
            key=processed.key, shop_id=shop_id, width=processed.width, height=processed.height,
            widths=",".join(str(w) for w in processed.widths), created_at=utcnow()))
        return db.session.scalar(sa.select(Photo).where(Photo.shop_id == shop_id,
                                                        Photo.key == processed.key))


def _own_product(shop_id: int, product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or product.shop_id != shop_id or product.archived_at is not None:
        raise NotFound(_("Produit introuvable."), field="product_id")
    return product


def set_product_photo(shop_id: int, product_id: int, data: "bytes | ProcessedPhoto", storage,
                      *, field: str = "photo") -> Product:
    """The product's photo is now this picture (the previous one, if any, is replaced).
    `data`: the file, or the picture already processed (checked before the product was)."""
    _own_product(shop_id, product_id)  # a wrong product says so before any decoding
    processed = data if isinstance(data, ProcessedPhoto) else process_photo(data, field=field)
    photo = save_processed(shop_id, processed, storage)
    with unit_of_work():
        product = _own_product(shop_id, product_id)
        product.photo_id = photo.id
    return product


def remove_product_photo(shop_id: int, product_id: int) -> Product:
    with unit_of_work():
        product = _own_product(shop_id, product_id)
        product.photo_id = None
    return product


def set_shop_logo(shop_id: int, data: bytes, storage, *, field: str = "logo") -> Shop:
    photo = store_photo(shop_id, data, storage, field=field)
    with unit_of_work():
        shop = db.session.get(Shop, shop_id)
        shop.logo_id = photo.id
    return shop


def remove_shop_logo(shop_id: int) -> Shop:
    with unit_of_work():
        shop = db.session.get(Shop, shop_id)
        shop.logo_id = None
    return shop


def product_photos(product_ids) -> dict[int, Photo]:
    """{product id: its photo} for those that have one (an order's lines, by product)."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Product.id, Photo).join(Photo, Product.photo_id == Photo.id)
                              .where(Product.id.in_(ids)))
    return {product_id: photo for product_id, photo in rows}
