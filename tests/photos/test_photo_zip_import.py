"""A ZIP of photos named by SKU on the import page: the dry run lists each photo's fate
(matched, no such SKU, refused) and writes nothing; importing gives each matched product its
photo. ZIP bombs and path tricks are refused without unpacking anything."""
import io
import re
import time
import zipfile

import sqlalchemy as sa

from app.catalog.models import Product
from app.extensions import db
from app.photos import archive
from app.photos.models import Photo
from tests.catalog.test_import_page import HEADER, signed_in
from tests.factories import make_product, make_shop
from tests.photos.images import jpeg, png
from tests.web.helpers import text
from tests.web.merchant_helpers import csrf_token, page


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def _dry_run(client, catalogue: str, photos: bytes | None):
    token = csrf_token(page(client, "/marchand/import"))
    data = {"csrf_token": token, "file": (io.BytesIO(catalogue.encode()), "catalogue.csv")}
    if photos is not None:
        data["photos"] = (io.BytesIO(photos), "photos.zip")
    return client.post("/marchand/import", data=data, content_type="multipart/form-data")


def _photo_fates(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return {text(name).split(" · ")[0]: fate for fate, name in re.findall(
        r'data-testid="plan-photo" data-fate="(\w+)">\s*(.*?)</li>', html, re.S)}


def _apply(client, response):
    form = response.get_data(as_text=True).split('data-testid="apply-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))
    return client.post("/marchand/import/appliquer", data=fields)


def _photos() -> dict[str, int | None]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Product.name, Product.photo_id)).all())


def test_the_dry_run_lists_each_photos_fate_and_import_sets_them(client, photo_store):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=5)
    bread.sku = "BOUL-001"
    db.session.commit()
    signed_in(client, shop)
    catalogue = HEADER + "Baguette;1,30;5;BOUL-001;;\nFicelle;1,00;8;BOUL-002;;\n"
    photos = _zip({
        "boul-001.JPG": jpeg(800, 600),  # a product of the shop, whatever the case
        "photos/BOUL-002.png": png(500, 500),  # a product the file adds
        "BOUL-999.jpg": jpeg(),  # no such SKU
        "BOUL-003.jpg": b"not a picture at all",
        "../../../etc/BOUL-002.jpg": jpeg(),  # a path trick: refused, never opened
        "notes.txt": b"hello",
        "__MACOSX/._boul-001.JPG": b"\0\0",  # what a Mac adds: not listed
    })

    checked = _dry_run(client, catalogue, photos)

    assert checked.status_code == 200
    assert _photo_fates(checked) == {
        "boul-001.JPG": "matched", "photos/BOUL-002.png": "matched",
        "BOUL-999.jpg": "no_such_sku", "BOUL-003.jpg": "not_an_image",
        "../../../etc/BOUL-002.jpg": "not_an_image", "notes.txt": "not_an_image"}
    seen = text(checked.get_data(as_text=True))
    assert "2 associées à un produit, 1 sans produit de ce SKU, 3 refusées." in seen
    assert "Nom de fichier refusé (chemin)." in seen
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 0
    assert not list(photo_store.root.rglob("*.webp"))  # nothing written by the dry run

    imported = _apply(client, checked)

    assert imported.status_code == 302
    assert "Photos : 2 associées à leur produit, 0 refusées." in text(
        client.get(imported.headers["Location"]).get_data(as_text=True))
    photos_now = _photos()
    assert photos_now["Baguette"] and photos_now["Ficelle"]
    assert db.session.get(Photo, photos_now["Baguette"]).width == 800


def test_a_zip_bomb_is_refused_on_what_it_declares(client, photo_store, monkeypatch):
    shop = make_shop()
    signed_in(client, shop)
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 4 * 1024 * 1024)
    bomb = _zip({"BOUL-001.jpg": b"\0" * 40 * 1024 * 1024})  # 40 MB of zeros in ~40 KB
    assert len(bomb) < 100 * 1024

    started = time.monotonic()
    refused = _dry_run(client, HEADER + "Baguette;1,30;5;BOUL-001;;\n", bomb)

    assert time.monotonic() - started < 5
    assert refused.status_code == 422
    assert "ZIP trop gros une fois décompressé" in text(refused.get_data(as_text=True))
    assert 'data-testid="apply-form"' not in refused.get_data(as_text=True)


def test_too_many_files_or_not_a_zip_is_refused_on_the_field(client, photo_store,
                                                             monkeypatch):
    shop = make_shop()
    signed_in(client, shop)
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    catalogue = HEADER + "Baguette;1,30;5;BOUL-001;;\n"

    crowded = _dry_run(client, catalogue, _zip({f"{i}.jpg": b"x" for i in range(4)}))
    not_zip = _dry_run(client, catalogue, b"PK\x03\x04 but not really")

    assert crowded.status_code == not_zip.status_code == 422
    assert re.search(r'id="photos-error">3 fichiers au plus dans le ZIP\.<',
                     crowded.get_data(as_text=True))
    assert "Ce fichier n'est pas un ZIP lisible." in text(not_zip.get_data(as_text=True))
    assert _photos() == {}


def test_a_member_larger_than_declared_is_read_no_further_than_a_photo(monkeypatch):
    monkeypatch.setattr(archive, "MAX_BYTES", 1024)
    data = _zip({"BOUL-001.jpg": jpeg(600, 600) + b"\0" * 4096})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        read = archive._read(z, z.infolist()[0])

    assert len(read) == 1025
