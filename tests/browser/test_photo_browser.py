"""A photo taken and shown: on a phone the merchant gives a product its photo from the
catalogue page (the camera's file field), the shop's page then shows it, loaded, at the size
reserved for it; a file that is no photo is said on its field; axe-core finds nothing on the
pages, with or without the error."""
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_settings_browser import _violations
from tests.factories import make_merchant, make_product, make_shop
from tests.photos.images import jpeg


def test_a_photo_taken_on_the_phone_is_shown_on_the_shop_page(app, live_server, phone,
                                                              tmp_path):
    # Given a bakery with a baguette and no photo yet
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    make_merchant(bakery, "martin@example.fr")
    bread = make_product(bakery, "Baguette tradition", 130)
    db.session.commit()  # end the read transaction: SQLite's write lock must be free
    taken = tmp_path / "IMG_0042.jpg"
    taken.write_bytes(jpeg(1200, 900, orientation=6, gps=True))  # held upright
    not_a_photo = tmp_path / "prix.jpg"
    not_a_photo.write_text("name;price\nBaguette;1,30\n")

    phone.goto(live_server + "/connexion")
    sign_in(phone, "martin@example.fr")
    phone.goto(live_server + "/marchand/produits")
    card = phone.locator(f"#p{bread.id}")
    card.get_by_test_id("product-name").click()  # opens the product's form
    field = card.get_by_test_id("photo")
    assert field.get_attribute("accept") == "image/*"
    assert field.get_attribute("capture") == "environment"

    # When a file that is no photo is sent, it is refused on its field, announced
    field.set_input_files(str(not_a_photo))
    card.get_by_test_id("save-photo").click()
    expect(phone.get_by_test_id("error-summary")).to_be_visible()
    expect(phone.locator(f"#ph{bread.id}-photo-error")).to_contain_text("pas une photo")
    assert not _violations(phone, "catalogue-photo-error")

    # When the merchant takes the photo and saves it
    card = phone.locator(f"#p{bread.id}")
    card.get_by_test_id("photo").set_input_files(str(taken))
    card.get_by_test_id("save-photo").click()
    expect(phone.get_by_test_id("flashes")).to_contain_text("Photo de « Baguette tradition »")
    assert not _violations(phone, "catalogue-with-photo")

    # Then the shop's page shows it, loaded, upright, in the box reserved for it
    phone.goto(f"{live_server}/boutiques/{bakery.slug}")
    photo = phone.get_by_test_id("product").first.get_by_test_id("photo")
    expect(photo).to_be_visible()
    assert photo.get_attribute("alt") == "Baguette tradition"
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0",
                            arg=photo.element_handle())
    natural = photo.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural[0] > 0 and natural[1] > natural[0]  # portrait: turned upright
    box = photo.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (96, 96)
    assert photo.evaluate("img => img.currentSrc").endswith(".webp")
    assert not _violations(phone, "shop-with-photo")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "shop-with-photo")
