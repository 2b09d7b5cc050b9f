"""Photos from the shop's pages: a product's (catalogue page), the shop's logo (settings page).

The phone's camera opens from the file field (capture="environment"); the services check,
upright, strip and resize the picture (app/photos/services.py). A refused picture is said
on its field, nothing written; a body over the request's limit is said on the page it came
from, not on a bare 413 page. Registers on the merchant blueprint when imported."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import DomainError
from app.extensions import db
from app.merchant.routes import bp
from app.photos.routes import photo_storage
from app.photos.services import (MAX_BYTES, remove_product_photo, remove_shop_logo,
                                 set_product_photo, set_shop_logo, too_large_message)
from app.photos.uploads import takes_upload

PHOTO_KW = {"accept": "image/*", "capture": "environment"}


def photo_field(label, *, required: bool = True, testid: str = "photo"):
    validators = [FileRequired(message=_l("Choisissez une photo."))] if required else []
    return FileField(label, validators=validators, render_kw={**PHOTO_KW, "data-testid": testid})


class PhotoForm(FlaskForm):
    photo = photo_field(_l("Photo du produit"))


class LogoForm(FlaskForm):
    logo = photo_field(_l("Logo de la boutique"), testid="logo")


class RemoveForm(FlaskForm):
    pass


def photo_form(product_id: int, **kwargs) -> PhotoForm:
    return PhotoForm(prefix=f"ph{product_id}", **kwargs)


def uploaded(field) -> bytes:
    """The file's bytes, one more than the limit at most (the service says it is too big)."""
    return field.data.read(MAX_BYTES + 1) if field.data else b""


def _shown_on(form, field_name: str, error: DomainError) -> None:
    db.session.rollback()
    target = form[field_name]
    target.errors = [*target.errors, error.message]


@bp.post("/produits/<int:product_id>/photo")
def product_photo(product_id: int):
    from app.merchant.catalogue import _render, own_product
    product = own_product(product_id)
    form = photo_form(product.id)
    if not form.validate():
        return _render(photo_failed=(product.id, form), status=422)
    try:
        set_product_photo(current_user.shop_id, product.id, uploaded(form.photo),
                          photo_storage())
    except DomainError as error:
        _shown_on(form, "photo", error)
        return _render(photo_failed=(product.id, form), status=error.status)
    flash(_("Photo de « %(name)s » enregistrée.", name=product.name), "success")
    return redirect(url_for("merchant.catalogue", _anchor=f"p{product.id}"))


@bp.post("/produits/<int:product_id>/photo/retirer")
def remove_photo(product_id: int):
    from app.merchant.catalogue import own_product
    if not RemoveForm().validate():
        abort(400)
    product = own_product(product_id)
    remove_product_photo(current_user.shop_id, product.id)
    flash(_("Photo de « %(name)s » retirée.", name=product.name), "success")
    return redirect(url_for("merchant.catalogue", _anchor=f"p{product.id}"))


@bp.post("/reglages/logo")
def settings_logo():
    from app.merchant.settings import _render
    form = LogoForm()
    if not form.validate():
        return _render(logo=form, status=422)
    try:
        set_shop_logo(current_user.shop_id, uploaded(form.logo), photo_storage())
    except DomainError as error:
        _shown_on(form, "logo", error)
        return _render(logo=form, status=error.status)
    flash(_("Logo enregistré."), "success")
    return redirect(url_for("merchant.settings", _anchor="logo"))


@bp.post("/reglages/logo/retirer")
def remove_logo():
    if not RemoveForm().validate():
        abort(400)
    remove_shop_logo(current_user.shop_id)
    flash(_("Logo retiré."), "success")
    return redirect(url_for("merchant.settings", _anchor="logo"))


for _endpoint in ("product_photo", "settings_logo", "new_product"):
    takes_upload(f"merchant.{_endpoint}")
takes_upload("merchant.import_dry_run", "PHOTO_ZIP_MAX_BYTES")

# Where a body too large for its request goes back to, with the message.
TOO_LARGE_BACK = {
    "merchant.product_photo": lambda args: url_for("merchant.catalogue",
                                                   _anchor=f"p{args.get('product_id')}"),
    "merchant.new_product": lambda args: url_for("merchant.new_product"),
    "merchant.settings_logo": lambda args: url_for("merchant.settings", _anchor="logo"),
    "merchant.import_dry_run": lambda args: url_for("merchant.import_page"),
}


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    back = TOO_LARGE_BACK.get(request.endpoint or "")
    if back is None:
        return error
    message = (_("Fichiers trop lourds (%(mb)s Mo au plus en tout).",
                 mb=request.max_content_length // (1024 * 1024))
               if request.endpoint == "merchant.import_dry_run" else too_large_message())
    flash(message, "error")
    return redirect(back(request.view_args or {}), 303)
