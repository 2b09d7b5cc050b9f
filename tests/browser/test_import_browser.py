"""A catalogue import from a phone: the merchant sends a file saved by Excel on Windows, reads
what the import would do (nothing written yet), then imports it; axe-core finds nothing on
the page, plan shown or not, nor on the catalogue with its archive button open, and the page
is no wider than the phone."""
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.catalog.models import Product
from app.extensions import db
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import WCAG_AA, _report
from tests.factories import make_merchant, make_product, make_shop

CATALOGUE = ("name;price;stock;sku;category\n"
             "Baguette tradition;1,40;40;;Pains\n"
             "Pâté en croûte;4,50;3;TRAI-1;Traiteur\n").encode("cp1252")


def _violations(page, name: str) -> list[str]:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                      "resultTypes": ["violations"]})
    return [_report(name, v) for v in result.response["violations"]]


def _names() -> list[tuple]:
    db.session.commit()  # a fresh read: the server wrote from its own connection
    return db.session.execute(sa.select(Product.name, Product.price_cents)
                              .order_by(Product.name)).all()


def test_a_dry_run_then_the_import_from_a_phone(app, live_server, phone):
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    make_product(bakery, "Baguette tradition", 130, stock=40)
    make_merchant(bakery, "martin@example.fr")
    db.session.commit()  # end the read transaction: SQLite's write lock must be free

    phone.goto(live_server + "/connexion")
    sign_in(phone, "martin@example.fr")
    phone.goto(live_server + "/marchand/produits")
    phone.get_by_test_id("catalogue-product").first.locator("summary").first.click()
    phone.get_by_test_id("archive-open").click()  # archiving says what it means first
    expect(phone.get_by_test_id("archive-product")).to_be_visible()
    assert not _violations(phone, "catalogue")
    phone.get_by_test_id("import-link").click()
    assert not _violations(phone, "import")

    phone.get_by_test_id("file").set_input_files(
        {"name": "catalogue.csv", "mimeType": "text/csv", "buffer": CATALOGUE})
    phone.get_by_test_id("dry-run").click()

    expect(phone.get_by_test_id("import-plan")).to_be_visible()
    lines = phone.get_by_test_id("plan-line")
    expect(lines).to_have_count(2)
    assert lines.nth(0).get_attribute("data-fate") == "update"
    assert "Pâté en croûte" in lines.nth(1).inner_text()
    assert _names() == [("Baguette tradition", 130)]  # nothing written yet
    assert not _violations(phone, "import-plan")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "import-plan")

    phone.get_by_test_id("apply-import").click()

    expect(phone.get_by_test_id("flashes")).to_contain_text("1 créés, 1 mis à jour")
    assert _names() == [("Baguette tradition", 140), ("Pâté en croûte", 450)]
