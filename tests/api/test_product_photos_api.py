"""PUT and DELETE /merchant/products/{id}/photo: a photo from a till or an app (multipart,
field `photo`), shown in the product's JSON (and the shop's logo in the shop's) as the
URLs of each width; a refused picture named in `field`, nothing written."""
import io

import pytest

from app.extensions import db
from app.photos.models import Photo
from app.photos.services import set_shop_logo
from tests.api.conftest import count, error_of
from tests.factories import make_product, make_shop
from tests.photos.images import heic, jpeg


def _put(client, product, auth, data: bytes | None, filename="photo.jpg"):
    files = {} if data is None else {"photo": (io.BytesIO(data), filename)}
    return client.put(f"/api/v1/merchant/products/{product.id}/photo", data=files,
                      headers=auth, content_type="multipart/form-data")


def test_a_photo_is_set_shown_to_shoppers_and_removed(client, bread, auth, photo_store):
    assert client.get("/api/v1/products?q=baguette").json["items"][0]["photo"] is None

    answer = _put(client, bread, auth, jpeg(1000, 800, orientation=6, gps=True))

    assert answer.status_code == 200
    photo = answer.json["photo"]
    assert (photo["width"], photo["height"]) == (800, 1000)  # upright
    assert list(photo["urls"]) == ["160", "320", "640", "800"]
    assert all(url.startswith("http://localhost/photos/") and url.endswith(f"-{w}.webp")
               for w, url in photo["urls"].items())
    shopper = client.get("/api/v1/products?q=baguette").json["items"][0]
    assert shopper["photo"] == photo
    served = client.get(photo["urls"]["320"])
    assert served.status_code == 200 and served.mimetype == "image/webp"

    removed = client.delete(f"/api/v1/merchant/products/{bread.id}/photo", headers=auth)

    assert removed.status_code == 200 and removed.json["photo"] is None
    assert client.get("/api/v1/products?q=baguette").json["items"][0]["photo"] is None


def test_a_heic_from_an_iphone_is_taken(client, bread, auth, photo_store):
    answer = _put(client, bread, auth, heic(640, 480), "IMG_0001.HEIC")

    assert answer.status_code == 200
    assert answer.json["photo"]["width"] == 640


@pytest.mark.parametrize("data, code", [
    (None, "required"),
    (b"", "required"),
    (b"%PDF-1.7 not a picture", "not_an_image"),
])
def test_what_is_not_a_photo_is_refused_on_its_field(client, bread, auth, photo_store, data,
                                                      code):
    answer = _put(client, bread, auth, data)

    assert error_of(answer) == (422, code, "photo")
    assert db.session.get(type(bread), bread.id).photo_id is None
    assert count(Photo) == 0 and not list(photo_store.root.rglob("*"))


def test_a_body_over_the_limit_is_413_in_the_api_shape(client, app, bread, auth):
    app.config["PHOTO_UPLOAD_MAX_BYTES"] = 32 * 1024

    answer = _put(client, bread, auth, b"\xff\xd8" + b"\0" * 64 * 1024)

    assert error_of(answer) == (413, "too_large", None)


def test_another_shops_product_is_not_found(client, auth, photo_store):
    other = make_product(make_shop("fromagerie", "Fromagerie"), "Fourme")

    answer = _put(client, other, auth, jpeg())
    removed = client.delete(f"/api/v1/merchant/products/{other.id}/photo", headers=auth)

    assert error_of(answer)[:2] == (404, "not_found")
    assert error_of(removed)[:2] == (404, "not_found")
    assert count(Photo) == 0


def test_without_a_token_no_photo_is_kept(client, bread, photo_store):
    answer = _put(client, bread, {}, jpeg())

    assert error_of(answer)[:2] == (401, "missing_token")
    assert count(Photo) == 0 and not list(photo_store.root.rglob("*"))


def test_the_shops_json_carries_its_logo(client, shop, photo_store):
    assert client.get(f"/api/v1/shops/{shop.slug}").json["logo"] is None

    set_shop_logo(shop.id, jpeg(300, 300), photo_store)

    logo = client.get(f"/api/v1/shops/{shop.slug}").json["logo"]
    assert list(logo["urls"]) == ["160", "300"]
    assert client.get("/api/v1/shops").json[0]["logo"] == logo


def test_the_import_takes_a_zip_of_photos_named_by_sku(client, shop, auth, photo_store):
    import zipfile
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("PAIN-1.jpg", jpeg(400, 300))
        z.writestr("PAIN-9.jpg", jpeg())
        z.writestr("../PAIN-1.jpg", jpeg())
    catalogue = "name;price;stock;sku\nFougasse;3,20;4;PAIN-1\n".encode()

    def send(dry_run: str):
        return client.post(f"/api/v1/merchant/products/import?dry_run={dry_run}", headers=auth,
                           content_type="multipart/form-data", data={
                               "file": (io.BytesIO(catalogue), "catalogue.csv"),
                               "photos": (io.BytesIO(archive.getvalue()), "photos.zip")})

    planned = send("true")
    assert planned.status_code == 200
    assert [(p["name"], p["fate"]) for p in planned.json["photos"]] == [
        ("PAIN-1.jpg", "matched"), ("PAIN-9.jpg", "no_such_sku"),
        ("../PAIN-1.jpg", "not_an_image")]
    assert count(Photo) == 0 and "photos_set" not in planned.json

    imported = send("false")

    assert imported.status_code == 200 and imported.json["photos_set"] == 1
    fougasse = client.get("/api/v1/merchant/products", headers=auth).json[0]
    assert fougasse["name"] == "Fougasse" and fougasse["photo"]["width"] == 400
