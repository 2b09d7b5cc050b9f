"""The catalogue import page (/marchand/import), the add-a-product page and the archive
button of the catalogue page.

An import is two steps: the file is read and planned (every line's fate and error, nothing
written), then "Importer" applies that plan. Between the two the file waits under
instance/imports/, named by its SHA-256; the second step plans the same file again and
applies it only if the plan is still the one the shop read (else it shows the new plan)."""
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired

from app import clock
from app.catalog.importer import DETECTED, apply_plan, plan_import
from app.catalog.services import MAX_STOCK, archive_product, create_product
from app.errors import DomainError, Invalid
from app.merchant.forms import EurosField
from app.merchant.photos import photo_field, uploaded
from app.numbers import NumberRange
from app.photos.archive import MATCHED, apply_photos, plan_photos
from app.photos.routes import photo_storage
from app.photos.services import process_photo, set_product_photo
from app.merchant.routes import bp

MAX_FILE_BYTES = 5 * 1024 * 1024  # 5,000 lines of a generous catalogue, several times over
SHA256 = re.compile(r"[0-9a-f]{64}")


class ImportForm(FlaskForm):
    file = FileField(_l("Fichier du catalogue (CSV ou XLSX)"),
                     validators=[FileRequired(message=_l("Choisissez un fichier."))],
                     render_kw={"accept": ".csv,.txt,.xlsx,text/csv", "data-testid": "file"})
    withdraw_missing = BooleanField(_l("Retirer de la vente les produits absents du fichier"),
                                    render_kw={"data-testid": "withdraw-missing"})
    photos = FileField(_l("Photos (ZIP, facultatif)"),
                       render_kw={"accept": ".zip,application/zip", "data-testid": "photos"})


class ApplyForm(FlaskForm):
    file_sha = HiddenField(validators=[InputRequired()])
    plan = HiddenField(validators=[InputRequired()])
    withdraw_missing = HiddenField()
    photos_sha = HiddenField()


class NewProductForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[InputRequired(message=_l("Indiquez le nom."))],
                       render_kw={"maxlength": 200, "data-testid": "name"})
    price = EurosField(_l("Prix"), validators=[InputRequired(message=_l("Indiquez le prix."))],
                       render_kw={"inputmode": "decimal", "data-testid": "price"})
    on_hand = IntegerField(_l("En boutique"), default=0, validators=[
        InputRequired(message=_l("Indiquez le nombre d'articles en boutique.")),
        NumberRange(0, MAX_STOCK, message=_l("Entre 0 et 1 000 000."))],
        render_kw={"min": 0, "inputmode": "numeric", "data-testid": "on-hand"})
    category = StringField(_l("Rayon"), render_kw={"maxlength": 60, "data-testid": "category"})
    sku = StringField(_l("Référence (SKU)"), render_kw={"maxlength": 64, "data-testid": "sku"})
    ean = StringField(_l("Code-barres (EAN-13)"),
                      render_kw={"maxlength": 13, "inputmode": "numeric", "data-testid": "ean"})
    description = TextAreaField(_l("Description"), render_kw={"rows": 3, "maxlength": 2000,
                                                               "data-testid": "description"})
    active = BooleanField(_l("En vente"), default=True, render_kw={"data-testid": "active"})
    photo = photo_field(_l("Photo"), required=False)


# A file read by a dry run waits this long for its "Importer" (a ZIP of photos may weigh
# 100 MB): a merchant who walked away does not fill the server's disk.
WAITING_SECONDS = 24 * 3600


def _waiting(sha: str) -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{current_user.shop_id}-{sha}"


def _forget_stale(folder: Path, now: float) -> None:
    """Remove what waited longer than WAITING_SECONDS (half-written parts included)."""
    for path in folder.iterdir():
        try:
            if now - path.stat().st_mtime > WAITING_SECONDS:
                path.unlink(missing_ok=True)
        except OSError:  # another worker removed it first
            pass


def _keep_waiting(upload) -> str:
    """The uploaded file under instance/imports/, streamed (a ZIP of photos may be large),
    named by its SHA-256; the name."""
    stream = upload.stream
    stream.seek(0)
    digest = hashlib.sha256()
    folder = _waiting("0" * 64).parent
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
    with os.fdopen(fd, "wb") as out:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
            out.write(chunk)
    sha = digest.hexdigest()
    os.replace(temporary, _waiting(sha))
    return sha


def _file_skus(plan) -> dict[str, str]:
    return {line.sku: line.name for line in plan.lines if line.sku and line.fate != "withdraw"}


def _plan_page(form, plan=None, apply_form=None, status=200, changed=False, photos=None):
    return render_template("merchant/import.html", form=form, plan=plan, apply_form=apply_form,
                           changed=changed, shop=current_user.shop, photos=photos), status


@bp.get("/import")
def import_page():
    return _plan_page(ImportForm())


@bp.post("/import")
def import_dry_run():
    form = ImportForm()
    if not form.validate():
        return _plan_page(form, status=422)
    data = form.file.data.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        form.file.errors.append(_("Fichier trop lourd (5 Mo au plus)."))
        return _plan_page(form, status=422)
    try:
        plan = plan_import(current_user.shop, data, withdraw_missing=form.withdraw_missing.data,
                           encodings=DETECTED)
    except Invalid as error:
        form.file.errors.append(error.message)
        return _plan_page(form, status=422)
    if not plan.errors:  # files will wait for "Importer": first clear what waited too long
        _forget_stale(_waiting("0" * 64).parent, time.time())
    photos, photos_sha = None, ""
    if form.photos.data:
        try:
            photos = plan_photos(current_user.shop_id, form.photos.data.stream,
                                 file_skus=_file_skus(plan))
        except Invalid as error:
            form.photos.errors.append(error.message)
            return _plan_page(form, status=422)
        if not plan.errors and any(photo.fate == MATCHED for photo in photos):
            photos_sha = _keep_waiting(form.photos.data)
    sha = hashlib.sha256(data).hexdigest()
    apply_form = None
    if not plan.errors:
        _waiting(sha).write_bytes(data)
        apply_form = ApplyForm(formdata=None, file_sha=sha, plan=plan.digest,
                               withdraw_missing="1" if form.withdraw_missing.data else "",
                               photos_sha=photos_sha)
    return _plan_page(form, plan, apply_form, 422 if plan.errors else 200, photos=photos)


@bp.post("/import/appliquer")
def import_apply():
    form = ApplyForm()
    if not form.validate() or not SHA256.fullmatch(form.file_sha.data or "") or (
            form.photos_sha.data and not SHA256.fullmatch(form.photos_sha.data)):
        abort(400)
    path = _waiting(form.file_sha.data)
    if not path.exists():
        flash(_("Ce fichier n'est plus en attente : envoyez-le de nouveau."), "error")
        return redirect(url_for("merchant.import_page"))
    withdraw = form.withdraw_missing.data == "1"
    try:
        plan = plan_import(current_user.shop, path.read_bytes(), withdraw_missing=withdraw,
                           encodings=DETECTED)
        if plan.digest != form.plan.data:  # the catalogue moved since the shop read the plan
            again = ImportForm(formdata=None, withdraw_missing=withdraw)
            apply_form = (ApplyForm(formdata=None, file_sha=form.file_sha.data,
                                    plan=plan.digest, withdraw_missing=form.withdraw_missing.data,
                                    photos_sha=form.photos_sha.data)
                          if not plan.errors else None)
            return _plan_page(again, plan, apply_form, 409, changed=True)
        report = apply_plan(current_user.shop, plan)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("merchant.import_page"))
    path.unlink(missing_ok=True)
    flash(_("Import terminé : %(created)s créés, %(updated)s mis à jour, %(unchanged)s "
            "inchangés, %(withdrawn)s retirés de la vente.", created=report.created,
            updated=report.updated, unchanged=report.unchanged, withdrawn=report.withdrawn),
          "success")
    photos = _waiting(form.photos_sha.data) if form.photos_sha.data else None
    if photos is not None and photos.exists():
        with photos.open("rb") as archive:
            taken = apply_photos(current_user.shop_id, archive, photo_storage())
        photos.unlink(missing_ok=True)
        flash(_("Photos : %(set)s associées à leur produit, %(refused)s refusées.",
                set=taken.set, refused=taken.refused), "success")
    return redirect(url_for("merchant.catalogue"))


# Where the service's field names land on the add page's form.
NEW_FIELDS = {"price_cents": "price", "stock": "on_hand"}


@bp.route("/produits/nouveau", methods=["GET", "POST"])
def new_product():
    form = NewProductForm()
    if not form.validate_on_submit():
        return render_template("merchant/product_new.html", form=form, shop=current_user.shop), \
            422 if form.is_submitted() else 200
    processed = None
    if form.photo.data:  # checked first: a refused picture leaves no product behind
        try:
            processed = process_photo(uploaded(form.photo))
        except DomainError as error:
            form.photo.errors = [*form.photo.errors, error.message]
            return render_template("merchant/product_new.html", form=form,
                                   shop=current_user.shop), error.status
    fields = {"name": form.name.data or "", "price_cents": form.price.data,
              "stock": form.on_hand.data, "sku": form.sku.data, "ean": form.ean.data,
              "description": form.description.data or "",
              "category": form.category.data or "", "active": form.active.data}
    try:
        product = create_product(current_user.shop_id, fields)
    except DomainError as error:
        target = form[NEW_FIELDS.get(error.field, error.field)] if (
            NEW_FIELDS.get(error.field, error.field) in form) else form.name
        target.errors = [*target.errors, error.message]
        return render_template("merchant/product_new.html", form=form,
                               shop=current_user.shop), error.status
    if processed is not None:
        set_product_photo(current_user.shop_id, product.id, processed, photo_storage())
    flash(_("« %(name)s » ajouté.", name=product.name), "success")
    return redirect(url_for("merchant.catalogue", _anchor=f"p{product.id}"))


class ArchiveForm(FlaskForm):
    pass


@bp.post("/produits/<int:product_id>/archiver")
def archive(product_id: int):
    if not ArchiveForm().validate():
        abort(400)
    try:
        product = archive_product(current_user.shop_id, product_id, clock())
    except DomainError:
        abort(404)
    flash(_("« %(name)s » archivé : il n'apparaît plus dans le catalogue.", name=product.name),
          "success")
    return redirect(url_for("merchant.catalogue"))
