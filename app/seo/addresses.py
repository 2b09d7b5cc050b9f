"""The public addresses of the shopper's pages: a product's readable address, the absolute
URLs that search engines and shared links get (COMPTOIR_PUBLIC_URL, not the request's
host: a page fetched through a proxy or a preview bot names the one public site), and the
page's language alternates (app/i18n.py: `?lang=en` names English, no argument French)."""
import re

from flask import current_app, request, url_for

from app.catalog.search import fold
from app.i18n import DEFAULT, LANGUAGES, PARAM

SLUG_LENGTH = 80
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def product_slug(name: str) -> str:
    """'Galette des rois à la frangipane' -> 'galette-des-rois-a-la-frangipane'."""
    words = re.sub(r"[^a-z0-9]+", "-", fold((name or "").lower().translate(LIGATURES)))
    return words.strip("-")[:SLUG_LENGTH].rstrip("-") or "produit"


def product_ref(product) -> str:
    """The product's part of its address: its id (stable: the product may be renamed, the
    link stays good) and its name's words (readable; an old name redirects)."""
    return f"{product.id}-{product_slug(product.name)}"


def product_path(product) -> str:
    return url_for("web.product", slug=product.shop.slug, product_id=product.id,
                   name=product_slug(product.name))


def absolute(path: str) -> str:
    """`path` (from url_for) on the public site; an absolute URL is left as it is (a
    photo in an S3 bucket)."""
    if "://" in path:
        return path
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def in_language(path: str, language: str) -> str:
    """The address of `path` in `language`: French without argument, English with it."""
    if language == DEFAULT:
        return path
    return f"{path}{'&' if '?' in path else '?'}{PARAM}={language}"


def addressed_language() -> str:
    """The language the address names (`?lang=`), French without one. A page's canonical
    is its own address in that language: the plain address also follows the reader's
    choice (cookie, Accept-Language) but stays the French page's address, as crawlers,
    which send neither, see it."""
    named = request.args.get(PARAM)
    return named if named in LANGUAGES else DEFAULT


def alternates(path: str) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of every language of the page, and x-default (the French
    address, which also follows a reader's own choice)."""
    return ([(language, absolute(in_language(path, language))) for language in LANGUAGES]
            + [("x-default", absolute(path))])
