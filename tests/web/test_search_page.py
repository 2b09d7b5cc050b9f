"""The search page as a shopper uses it: words as they come to mind (plurals, the start of
a word, several words), the best match first, labelled filters kept from page to page."""
import re

import pytest

from app.extensions import db
from tests.factories import make_product
from tests.web.helpers import page, shopper_town, text


def test_plurals_word_starts_and_several_words_find_the_product(client):
    town = shopper_town()
    make_product(town.bakery, "Pain d'épeautre", 380)

    assert "Baguette tradition" in text(page(client, "/recherche?q=baguettes"))
    assert "Baguette tradition" in text(page(client, "/recherche?q=bag"))
    both = text(page(client, "/recherche?q=pain+epeautre"))
    assert "Pain d'épeautre" in both and "Baguette" not in both
    assert "Aucun produit ne correspond" in text(page(client, "/recherche?q=pain+campagne"))


def test_a_product_named_after_the_words_comes_before_one_that_only_mentions_them(client):
    town = shopper_town()
    spiced = make_product(town.bakery, "Pain d'épices", 450)
    spiced.description = "Au miel de nos ruchers"
    spiced.search_text = "pain d'epices au miel de nos ruchers"
    db.session.commit()
    make_product(town.deli, "Miel de montagne", 900)

    seen = text(page(client, "/recherche?q=miel"))

    assert seen.index("Miel de montagne") < seen.index("Pain d'épices")


def test_filters_are_labelled_and_offer_only_aisles_on_sale(client):
    town = shopper_town()
    town.bread.category = "Pains"
    town.pate.category = "Charcuterie"
    gone = make_product(town.deli, "Boudin noir", 300, active=False)
    gone.category = "Boucherie"
    db.session.commit()

    html = page(client, "/recherche?q=pate")

    assert '<label for="filter-shop">Boutique</label>' in html
    assert '<label for="filter-category">Rayon</label>' in html
    assert '<option value="charcuterie">Charcuterie Vidal</option>' in html
    assert '<option value="Pains">' in html and "Boucherie" not in html
    assert '<input type="hidden" name="q" value="pate">' in html  # filtering keeps the words


def test_the_next_page_keeps_the_words_and_the_filters(client):
    town = shopper_town()
    for n in range(25):
        make_product(town.bakery, f"Pain numéro {n:02d}", 200).category = "Pains"
    db.session.commit()

    html = page(client, "/recherche?q=pain&shop=boulangerie&category=Pains")
    link = re.search(r'href="([^"]+)" data-testid="next-page"', html)[1].replace("&amp;", "&")
    second = text(page(client, link))

    assert "q=pain" in link and "shop=boulangerie" in link and "category=Pains" in link
    assert "Pain numéro 24" in second and "Pain numéro 00" not in second


@pytest.mark.parametrize("hostile", ['"', "*", "(pain", "NEAR(a b)", "-pain", "pain:*",
                                     "a & b | !c", "' OR 1=1 --", "%_"])
def test_query_syntax_typed_in_the_box_is_only_text(client, hostile):
    shopper_town()

    response = client.get("/recherche", query_string={"q": hostile})

    assert response.status_code == 200
    assert "Baguette" not in text(response.get_data(as_text=True))
