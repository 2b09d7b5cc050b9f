"""Merchant API for the catalogue's life: add a product, archive one, import a file (with a
dry run), set or remove a product's photo. The same services as the shop's pages
(catalog.services, catalog.importer, photos.services)."""
from flask import jsonify, request
from flask_babel import gettext as _

from app import clock
from app.api import bp
from app.api.inputs import ID, json_object
from app.api.merchant import _merchant
from app.api.serializers import merchant_product_json
from app.catalog.importer import DETECTED, apply_plan, plan_import
from app.catalog.services import archive_product, create_product
from app.errors import Invalid
from app.photos.archive import apply_photos, plan_photos
from app.photos.routes import photo_storage
from app.photos.services import MAX_BYTES, remove_product_photo, set_product_photo
from app.photos.uploads import takes_upload

FLAGS = {"true": True, "false": False}


def _flag(name: str, default: bool) -> bool:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if value not in FLAGS:
        raise Invalid(_("true ou false."), field=name)
    return FLAGS[value]


@bp.post("/merchant/products")
def create_merchant_product():
    shop_id = _merchant().shop_id
    return jsonify(merchant_product_json(create_product(shop_id, json_object()))), 201


@bp.post(f"/merchant/products/<{ID}:product_id>/archive")
def archive_merchant_product(product_id):
    shop_id = _merchant().shop_id
    return jsonify(merchant_product_json(archive_product(shop_id, product_id, clock())))


@bp.post("/merchant/products/import")
def import_merchant_products():
    """A dry run answers the plan, errors included (200); a real run applies it, or refuses
    the file on its first error (422) with nothing written."""
    shop = _merchant().shop
    dry_run = _flag("dry_run", True)
    withdraw = _flag("withdraw_missing", False)
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(_("Envoyez le fichier (multipart/form-data, champ file)."), field="file",
                      code="required")
    plan = plan_import(shop, upload.read(), withdraw_missing=withdraw, encodings=DETECTED)
    archive = request.files.get("photos")  # optional: a ZIP of photos named by SKU
    photos = plan_photos(shop.id, archive.stream, file_skus={
        line.sku: line.name for line in plan.lines if line.sku and line.fate != "withdraw"}
    ) if archive is not None else None
    answer = {"dry_run": dry_run,
              "counts": {fate: plan.count(fate)
                         for fate in ("create", "update", "unchanged", "withdraw")},
              "lines": [{"line": line.line, "fate": line.fate, "name": line.name,
                         "sku": line.sku, "ean": line.ean, "product_id": line.product_id}
                        for line in plan.lines],
              "errors": [{"line": error.line, "field": error.field, "message": error.message}
                         for error in plan.errors]}
    if photos is not None:
        answer["photos"] = [{"name": photo.name, "sku": photo.sku or None, "fate": photo.fate,
                             "message": photo.message or None} for photo in photos]
    if not dry_run:
        apply_plan(shop, plan)  # 422 on the first error, nothing written
        if photos is not None:
            report = apply_photos(shop.id, archive.stream, photo_storage())
            answer["photos_set"] = report.set
    return jsonify(answer)


takes_upload("api.import_merchant_products", "PHOTO_ZIP_MAX_BYTES")


@bp.put(f"/merchant/products/<{ID}:product_id>/photo")
def put_merchant_product_photo(product_id):
    """multipart/form-data, the picture in the field `photo` (as a phone's form sends it)."""
    shop_id = _merchant().shop_id
    upload = request.files.get("photo")
    if upload is None:
        raise Invalid(_("Envoyez la photo (multipart/form-data, champ photo)."), field="photo",
                      code="required")
    product = set_product_photo(shop_id, product_id, upload.read(MAX_BYTES + 1),
                                photo_storage())
    return jsonify(merchant_product_json(product))


@bp.delete(f"/merchant/products/<{ID}:product_id>/photo")
def delete_merchant_product_photo(product_id):
    shop_id = _merchant().shop_id
    return jsonify(merchant_product_json(remove_product_photo(shop_id, product_id)))


takes_upload("api.put_merchant_product_photo")
