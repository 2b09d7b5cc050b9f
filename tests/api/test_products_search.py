"""GET /api/v1/products?q=&shop=&category=&page=: the town-wide search for apps, same
matching as the page (accents, plurals, prefixes, every word), filters combined."""
import pytest

from app.extensions import db
from tests.factories import make_product
from tests.web.helpers import shopper_town


def names(client, **query) -> list[str]:
    response = client.get("/api/v1/products", query_string=query)
    assert response.status_code == 200, response.json
    return [item["name"] for item in response.json["items"]]


def test_words_match_whatever_the_accents_case_and_plural(client):
    shopper_town()

    assert names(client, q="PÂTÉ") == ["Pâté de campagne"]
    assert names(client, q="pate campagne") == ["Pâté de campagne"]
    assert names(client, q="baguettes") == ["Baguette tradition"]
    assert names(client, q="myrt") == ["Tarte aux myrtilles"]


def test_shop_and_category_filters_combine_with_the_words(client):
    town = shopper_town()
    rye = make_product(town.bakery, "Pain de seigle", 350)
    rye.category = town.bread.category = "Pains"
    town.tart.category = "Pâtisseries"
    make_product(town.deli, "Pain de viande", 900).category = "Traiteur"
    db.session.commit()

    # The aisle "Pains" is searched too, after the names.
    assert names(client, q="pain") == ["Pain de seigle", "Pain de viande", "Baguette tradition"]
    assert names(client, q="pain", shop="boulangerie") == ["Pain de seigle",
                                                           "Baguette tradition"]
    assert names(client, q="pain", category="Traiteur") == ["Pain de viande"]
    assert names(client, shop="boulangerie", category="Pains") == ["Baguette tradition",
                                                                   "Pain de seigle"]
    assert names(client, q="tarte", category="Pains") == []


def test_a_withdrawn_product_or_a_closed_shop_is_never_found(client):
    town = shopper_town()
    town.bread.active = False
    town.deli.active = False
    db.session.commit()

    assert names(client, q="baguette") == []
    assert names(client, q="jambon") == []
    assert names(client, q="tarte") == ["Tarte aux myrtilles"]


def test_pages_follow_each_other(client):
    town = shopper_town()
    for n in range(30):
        make_product(town.bakery, f"Cookie {n:02d}", 150)

    first = client.get("/api/v1/products", query_string={"q": "cookie"}).json
    second = client.get("/api/v1/products",
                        query_string={"q": "cookie", "page": first["next_page"]}).json

    assert len(first["items"]) == 24 and first["next_page"] == 2
    assert [i["name"] for i in second["items"]] == [f"Cookie {n}" for n in range(24, 30)]
    assert second["next_page"] is None


@pytest.mark.parametrize("hostile", ['"', "*", "(pain", "NEAR(a b)", "-pain", "pain:*",
                                     "a & b | !c", "' OR 1=1 --", "\\", "%_"])
def test_query_syntax_is_only_text(client, hostile):
    shopper_town()

    assert names(client, q=hostile) == []


def test_too_long_words_or_filters_are_refused_on_their_field(client):
    too_long_q = client.get("/api/v1/products", query_string={"q": "p" * 201})
    too_long_shop = client.get("/api/v1/products", query_string={"shop": "s" * 65})

    assert too_long_q.status_code == 422 and too_long_q.json["error"]["field"] == "q"
    assert too_long_shop.status_code == 422 and too_long_shop.json["error"]["field"] == "shop"
