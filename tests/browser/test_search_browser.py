"""The search page on a phone when nothing matches: the nearby words and the aisles are
links a thumb can hit, and axe-core finds no WCAG violation; with results, the count."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from tests.browser.test_accessibility import TARGETS_JS, WCAG_AA
from tests.factories import make_product, make_shop

pytestmark = pytest.mark.layout


def test_no_match_offers_words_and_aisles_a_thumb_can_hit(app, live_server, phone):
    bakery = make_shop("boulangerie-martin", "Boulangerie Martin")
    for name, aisle in (("Baguette tradition", "Pains"), ("Croissant au beurre",
                                                          "Viennoiseries")):
        make_product(bakery, name, 130).category = aisle
    db.session.commit()

    phone.goto(live_server + "/recherche?q=bagette+camembert")

    assert phone.get_by_test_id("nearby-words").get_by_role("link").first.inner_text() == \
        "baguette"
    assert phone.get_by_test_id("aisles").get_by_role("link").all_inner_texts() == [
        "Pains", "Viennoiseries"]
    small = [t for t in phone.evaluate(TARGETS_JS) if t["width"] < 44 or t["height"] < 44]
    assert small == []
    violations = Axe().run(phone, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                           "resultTypes": ["violations"]})
    assert violations.response["violations"] == []

    phone.get_by_test_id("aisles").get_by_role("link", name="Pains").click()
    assert phone.get_by_test_id("result-count").inner_text() == "1 produit"
    phone.goto(live_server + "/recherche?q=crosant")
    assert "résultats pour « croissant »" in phone.get_by_test_id("result-count").inner_text()
