"""Titles and descriptions written from the data, in the page's language: what a search
result and a shared link show under the page's name. A description stays under the length
search engines print (about 160 characters)."""
from flask import current_app
from flask_babel import gettext as _

from app.templating import page_euros

DESCRIPTION_LENGTH = 160


def shortened(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    return text[:length - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def kind_label(shop) -> str:
    from app.merchant.settings_forms import KIND_LABELS  # the labels the merchant chose from
    label = KIND_LABELS.get(shop.kind or "")
    return str(label) if label is not None else ""


def shop_title(shop) -> str:
    kind = kind_label(shop)
    town = current_app.config["TOWN_NAME"]
    if kind:
        return _("%(shop)s, %(kind)s à %(town)s", shop=shop.name, kind=kind.lower(), town=town)
    return _("%(shop)s à %(town)s", shop=shop.name, town=town)


def shop_description(shop) -> str:
    text = _("%(shop)s : commandez en ligne, payez et retirez en boutique au créneau de "
             "votre choix.", shop=shop.name)
    if shop.address:
        text = f"{text} {shop.address}."
    if shop.description:
        text = f"{shop.description} {text}"
    return shortened(text)


def product_title(product) -> str:
    return _("%(product)s – %(shop)s, %(town)s", product=product.name, shop=product.shop.name,
             town=current_app.config["TOWN_NAME"])


def product_description(product, price_cents: int) -> str:
    text = _("%(product)s à %(price)s chez %(shop)s (%(town)s) : réservez en ligne, retirez "
             "en boutique.", product=product.name, price=page_euros(price_cents),
             shop=product.shop.name, town=current_app.config["TOWN_NAME"])
    if product.description:
        text = f"{text} {product.description}"
    return shortened(text)
