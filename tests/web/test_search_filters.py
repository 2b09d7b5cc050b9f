"""The search page's filters and the API's: by shop and by aisle, kept in the URL."""
from app.extensions import db
from tests.web.helpers import page, shopper_town, text


def _shelve(town):
    town.bread.category = town.tart.category = "Boulangerie"
    town.pate.category = town.ham.category = "Charcuterie"
    db.session.commit()


def test_the_page_filters_by_aisle_and_shop_and_keeps_them(client):
    town = shopper_town()
    _shelve(town)

    html = page(client, "/recherche?q=&category=Charcuterie")

    assert "Pâté de campagne" in text(html) and "Jambon sec" in text(html)
    assert "Baguette tradition" not in text(html)
    assert '<option value="Charcuterie" selected>' in html
    by_shop = text(page(client, "/recherche?q=tarte&shop=charcuterie"))
    assert "Aucun produit ne correspond à « tarte »" in by_shop


def test_the_api_filters_by_category_and_refuses_a_too_long_one(client):
    town = shopper_town()
    _shelve(town)

    found = client.get("/api/v1/products", query_string={"category": "Boulangerie"})
    too_long = client.get("/api/v1/products", query_string={"category": "x" * 61})

    assert [item["name"] for item in found.json["items"]] == ["Baguette tradition",
                                                              "Tarte aux myrtilles"]
    assert found.json["items"][0]["category"] == "Boulangerie"
    assert too_long.status_code == 422 and too_long.json["error"]["field"] == "category"
