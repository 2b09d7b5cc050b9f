"""Photos on the shopper's pages (shop, search, basket, tracking) and from the shop's pages
(a product's photo on the catalogue page or when adding one, the logo in the settings):
`<img srcset sizes width height alt>` lazy below the fold; a refused picture said on its
field with nothing written; a body too large said on the page, not on a bare 413."""
import io
import re
from html import unescape

import pytest
import sqlalchemy as sa

from app.catalog.models import Product
from app.extensions import db
from app.photos.models import Photo
from app.photos.services import set_product_photo, set_shop_logo
from app.photos.storage import CACHE_CONTROL
from tests.factories import make_merchant, make_product, make_shop
from tests.photos.images import jpeg, png
from tests.web.helpers import add_to_cart, field_error
from tests.web.merchant_helpers import csrf_token, log_in, order_at, page, text


def _imgs(html: str, testid: str = "photo") -> list[dict]:
    tags = re.findall(rf'<img\b[^>]*data-testid="{testid}"[^>]*>', html)
    return [{name: unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}
            | {"lazy": 'loading="lazy"' in tag} for tag in tags]


def _photo_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Photo))


@pytest.fixture
def bakery_with_photos(app, photo_store):
    shop = make_shop("boulangerie", "Boulangerie Martin")
    products = [make_product(shop, name, 130 + i) for i, name in enumerate(
        ["A <b>baguette</b> & « co »", "Brioche", "Croissant", "Ficelle"])]
    for i, product in enumerate(products):
        set_product_photo(shop.id, product.id, png(900, 600, (40 * i, 100, 200)), photo_store)
    set_shop_logo(shop.id, png(400, 400, "navy"), photo_store)
    return shop, products


def test_the_shop_page_shows_the_logo_and_each_photo_with_its_widths(client,
                                                                     bakery_with_photos):
    shop, products = bakery_with_photos

    html = page(client, f"/boutiques/{shop.slug}")

    logo, = _imgs(html, "shop-logo")
    assert logo["alt"] == "Logo de Boulangerie Martin" and not logo["lazy"]
    photos = _imgs(html)
    assert [p["alt"] for p in photos] == ["A <b>baguette</b> & « co »", "Brioche", "Croissant",
                                          "Ficelle"]  # the name, as text
    assert "<b>baguette</b>" not in html
    first = photos[0]
    assert re.fullmatch(r"/photos/[0-9a-f]{32}-160\.webp 160w, /photos/[0-9a-f]{32}-320\.webp "
                        r"320w, /photos/[0-9a-f]{32}-640\.webp 640w, /photos/[0-9a-f]{32}-900"
                        r"\.webp 900w", first["srcset"])
    assert (first["width"], first["height"], first["sizes"]) == ("96", "96", "96px")
    assert first["src"].endswith("-320.webp")  # 96 px on a 2x screen
    assert first["decoding"] == "async"
    # The first two are above the fold; the others load when scrolled to
    assert [p["lazy"] for p in photos] == [False, False, True, True]


def test_a_photo_file_is_cached_for_a_year(client, bakery_with_photos):
    shop, _ = bakery_with_photos
    src = _imgs(page(client, f"/boutiques/{shop.slug}"))[0]["src"]

    response = client.get(src)

    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/photos/" + "0" * 32 + "-160.webp").status_code == 404
    assert client.get("/photos/..%2F..%2Fcomptoir.db").status_code == 404


def test_search_basket_and_tracking_show_the_photos(client, clock, payments,
                                                    bakery_with_photos):
    shop, products = bakery_with_photos

    search = page(client, "/recherche?q=brioche")
    add_to_cart(client, products[1], 2)
    basket = page(client, "/panier")
    order = order_at(shop, [(products[2], 1)], clock.now, payments)
    tracking = page(client, f"/suivi/{order.tracking_token}")

    assert [p["alt"] for p in _imgs(search)] == ["Brioche"]
    assert [p["alt"] for p in _imgs(basket)] == ["Brioche"]
    # On the tracking page the line's name is in the same cell: the photo says nothing more
    assert [p["alt"] for p in _imgs(tracking)] == [""]
    assert "Croissant" in tracking
    assert _imgs(tracking, "shop-logo")[0]["alt"] == "Logo de Boulangerie Martin"
    for html in (search, basket, tracking):
        assert "srcset=" in html


def test_a_product_without_photo_shows_no_image(client, app):
    shop = make_shop()
    make_product(shop, "Baguette")

    assert "<img" not in page(client, f"/boutiques/{shop.slug}")


# --- the shop's pages ----------------------------------------------------------------


def _merchant(client):
    shop = make_shop("boulangerie", "Boulangerie Martin")
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    return shop


def _send_photo(client, product, data: bytes, filename="photo.jpg"):
    token = csrf_token(page(client, "/marchand/produits"))
    return client.post(f"/marchand/produits/{product.id}/photo",
                       data={"csrf_token": token,
                             f"ph{product.id}-photo": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_the_merchant_sets_replaces_and_removes_a_products_photo(client, photo_store):
    shop = _merchant(client)
    bread = make_product(shop, "Baguette")
    catalogue = page(client, "/marchand/produits")
    assert 'accept="image/*"' in catalogue and 'capture="environment"' in catalogue
    assert 'enctype="multipart/form-data"' in catalogue

    sent = _send_photo(client, bread, jpeg(1600, 1200, orientation=6, gps=True))

    assert sent.status_code == 302
    assert "Photo de « Baguette » enregistrée." in text(client.get(sent.headers["Location"]))
    photo = db.session.get(Product, bread.id).photo
    assert (photo.width, photo.height) == (1200, 1600)  # upright: portrait
    assert _imgs(page(client, f"/boutiques/{shop.slug}"))[0]["alt"] == "Baguette"

    _send_photo(client, bread, png(500, 500))
    assert db.session.get(Product, bread.id).photo_id != photo.id
    token = csrf_token(page(client, "/marchand/produits"))
    removed = client.post(f"/marchand/produits/{bread.id}/photo/retirer",
                          data={"csrf_token": token})
    assert removed.status_code == 302
    assert db.session.get(Product, bread.id).photo_id is None
    assert "<img" not in page(client, f"/boutiques/{shop.slug}")


def test_a_file_that_is_not_a_photo_is_refused_on_its_field(client, photo_store):
    shop = _merchant(client)
    bread = make_product(shop, "Baguette")

    sent = _send_photo(client, bread, b"name;price\nBaguette;1,30\n", filename="prix.jpg")

    html = sent.get_data(as_text=True)
    assert sent.status_code == 422
    assert field_error(html, f"ph{bread.id}-photo") == (
        "Ce fichier n'est pas une photo (JPEG, PNG, WebP ou HEIC).")
    assert 'data-testid="error-summary"' in html
    assert db.session.get(Product, bread.id).photo_id is None
    assert _photo_count() == 0 and not list(photo_store.root.rglob("*"))


def test_a_photo_too_heavy_for_the_request_is_said_on_the_page(client, app, photo_store):
    shop = _merchant(client)
    bread = make_product(shop, "Baguette")
    app.config["PHOTO_UPLOAD_MAX_BYTES"] = 64 * 1024  # a small limit, a small test

    sent = _send_photo(client, bread, b"\xff\xd8" + b"\0" * 100 * 1024)

    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"/marchand/produits#p{bread.id}")
    assert "Photo trop lourde (15 Mo au plus)." in text(client.get(sent.headers["Location"]))
    assert _photo_count() == 0


def test_other_pages_keep_the_2_mb_limit(client, app):
    shop = _merchant(client)
    token = csrf_token(page(client, "/marchand/reglages"))

    refused = client.post("/marchand/reglages/profil",
                          data={"csrf_token": token, "description": "x" * (3 * 1024 * 1024)})

    assert refused.status_code == 413
    assert shop.description == ""


def test_a_new_product_with_its_photo(client, photo_store):
    _merchant(client)
    token = csrf_token(page(client, "/marchand/produits/nouveau"))

    def add(name, data):
        return client.post("/marchand/produits/nouveau", data={
            "csrf_token": token, "name": name, "price": "2,50", "on_hand": "3", "active": "y",
            "photo": (io.BytesIO(data), "photo.heic")},
            content_type="multipart/form-data")

    refused = add("Pain au levain", b"\0" * 300)
    added = add("Pain de seigle", png(700, 700))

    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "photo") == (
        "Ce fichier n'est pas une photo (JPEG, PNG, WebP ou HEIC).")
    names = db.session.scalars(sa.select(Product.name)).all()
    assert names == ["Pain de seigle"]  # the refused photo left no product behind
    assert added.status_code == 302
    assert db.session.scalar(sa.select(Product).where(Product.name == "Pain de seigle")).photo


def test_the_shop_logo_in_the_settings(client, photo_store):
    shop = _merchant(client)
    settings = page(client, "/marchand/reglages")
    assert 'data-testid="logo-form"' in settings

    def send(data):
        token = csrf_token(page(client, "/marchand/reglages"))
        return client.post("/marchand/reglages/logo", data={
            "csrf_token": token, "logo": (io.BytesIO(data), "logo.png")},
            content_type="multipart/form-data")

    refused = send(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "logo") == (
        "Ce fichier n'est pas une photo (JPEG, PNG, WebP ou HEIC).")
    assert db.session.get(type(shop), shop.id).logo_id is None

    assert send(png(300, 300)).status_code == 302
    assert _imgs(page(client, f"/boutiques/{shop.slug}"), "shop-logo")
    token = csrf_token(page(client, "/marchand/reglages"))
    client.post("/marchand/reglages/logo/retirer", data={"csrf_token": token})
    assert db.session.get(type(shop), shop.id).logo_id is None
