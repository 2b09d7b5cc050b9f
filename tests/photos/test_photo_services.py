"""A photo from a phone is checked, turned upright, stripped of its metadata and kept as a few
WebP widths, never larger than it was; anything else is refused on its field, nothing kept."""
import io
import time

import pytest
import sqlalchemy as sa
from PIL import Image

from app.errors import Invalid
from app.extensions import db
from app.photos.models import Photo
from app.photos.services import (MAX_BYTES, process_photo, remove_product_photo,
                                 set_product_photo, store_photo)
from tests.factories import make_product, make_shop
from tests.photos.images import GPS_IFD, heic, jpeg, png, png_header_only


def _opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _largest(processed) -> Image.Image:
    return _opened(processed.files[max(processed.files, key=lambda n: len(processed.files[n]))])


def test_a_photo_taken_sideways_is_kept_upright():
    # Given a 200 × 100 JPEG, red on the left, whose EXIF says "turn me 90° clockwise" (6)
    data = jpeg(200, 100, orientation=6)

    processed = process_photo(data)

    # Then what is kept is portrait, 100 × 200, and the red half is now on top
    kept = _opened(processed.files[f"{processed.key}-100.webp"])
    assert (processed.width, processed.height) == (100, 200) == kept.size
    red, green, blue = kept.convert("RGB").getpixel((50, 20))
    assert red > 200 and blue < 60
    red, green, blue = kept.convert("RGB").getpixel((50, 180))
    assert blue > 200 and red < 60


def test_no_metadata_is_kept_gps_included():
    data = jpeg(800, 600, gps=True)
    assert _opened(data).getexif().get_ifd(GPS_IFD)  # the phone's position is in the file

    processed = process_photo(data)

    for name, content in processed.files.items():
        kept = _opened(content)
        assert kept.format == "WEBP"
        assert not kept.getexif(), name
        assert not {"exif", "xmp", "icc_profile"} & set(kept.info), name
        assert b"Exif" not in content and b"Apple" not in content


def test_sizes_are_a_few_widths_never_larger_than_the_picture():
    big = process_photo(png(2000, 1000))
    small = process_photo(png(500, 400))

    assert big.widths == (160, 320, 640, 1280)
    assert [_opened(big.files[f"{big.key}-{w}.webp"]).size for w in big.widths] == [
        (160, 80), (320, 160), (640, 320), (1280, 640)]
    assert small.widths == (160, 320, 500)  # not blown up to 640
    assert _opened(small.files[f"{small.key}-500.webp"]).size == (500, 400)


def test_an_iphone_heic_is_taken():
    processed = process_photo(heic(640, 480))

    assert processed.widths == (160, 320, 640)
    assert _opened(processed.files[f"{processed.key}-640.webp"]).size == (640, 480)


def test_a_text_file_named_jpg_is_refused():
    with pytest.raises(Invalid) as refused:
        process_photo(b"name;price\nBaguette;1,30\n" * 20, field="photo")

    assert refused.value.field == "photo"
    assert refused.value.code == "not_an_image"
    assert "pas une photo" in refused.value.message


def test_an_image_of_another_kind_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(out, "GIF")

    with pytest.raises(Invalid) as refused:
        process_photo(out.getvalue())

    assert refused.value.code == "not_an_image"


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (9000, 9000)])
def test_a_decompression_bomb_is_refused_at_once(width, height):
    # Given a few dozen bytes that claim billions of pixels (or just more than any phone)
    data = png_header_only(width, height)
    assert len(data) < 200

    started = time.monotonic()
    with pytest.raises(Invalid) as refused:
        process_photo(data, field="logo")

    # Then it is refused on its field without being decoded
    assert time.monotonic() - started < 1
    assert (refused.value.code, refused.value.field) == ("too_many_pixels", "logo")


def test_a_file_too_heavy_is_refused_before_decoding():
    with pytest.raises(Invalid) as refused:
        process_photo(b"\xff\xd8" + b"\0" * MAX_BYTES)

    assert refused.value.code == "too_large"
    assert "15 Mo" in refused.value.message


def test_the_same_picture_twice_is_one_photo_and_its_name_is_its_content(app, photo_store):
    shop = make_shop()
    data = png(700, 500)

    first = store_photo(shop.id, data, photo_store)
    again = store_photo(shop.id, data, photo_store)

    assert first.id == again.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 1
    assert (first.width, first.height, first.width_list) == (700, 500, [160, 320, 640, 700])
    assert sorted(p.name for p in photo_store.root.rglob("*.webp")) == sorted(
        first.file_name(w) for w in first.width_list)


def test_a_product_gets_its_photo_replaced_and_removed(app, photo_store):
    shop = make_shop()
    product = make_product(shop)

    set_product_photo(shop.id, product.id, png(400, 400, "red"), photo_store)
    first = db.session.get(type(product), product.id).photo_id
    set_product_photo(shop.id, product.id, png(400, 400, "blue"), photo_store)
    second = db.session.get(type(product), product.id).photo_id
    remove_product_photo(shop.id, product.id)

    assert first and second and first != second
    assert db.session.get(type(product), product.id).photo_id is None


def test_a_refused_picture_changes_nothing(app, photo_store):
    shop = make_shop()
    product = make_product(shop)

    with pytest.raises(Invalid):
        set_product_photo(shop.id, product.id, b"GIF89a not really", photo_store)

    assert db.session.get(type(product), product.id).photo_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 0
    assert not list(photo_store.root.rglob("*"))


def test_another_shops_product_is_not_found(app, photo_store):
    product = make_product(make_shop())
    other = make_shop("fromagerie", "Fromagerie")

    with pytest.raises(Exception) as refused:
        set_product_photo(other.id, product.id, png(), photo_store)

    assert getattr(refused.value, "status", None) == 404
    assert not list(photo_store.root.rglob("*"))
