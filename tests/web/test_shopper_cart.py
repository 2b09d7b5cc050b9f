"""The cart: kept in the session across shops, editable, honest about what left the shelf."""
import re

from app.catalog.services import update_product
from tests.factories import stock_of
from tests.web.helpers import add_to_cart, checkout_count, csrf_token, page, shopper_town, text


def _lines(html: str) -> dict[str, str]:
    """Cart lines as {product name: quantity in its input}."""
    found = re.findall(r'data-testid="line-name">([^<]+)<.*?name="quantity" value="(\d+)"', html,
                       re.S)
    return dict(found)


def test_adding_from_two_shops_shows_both_grouped_with_subtotals(client):
    town = shopper_town()

    response = add_to_cart(client, town.pate, 2)
    assert response.status_code == 302
    follow = page(client, response.headers["Location"])
    assert "« Pâté de campagne » ajouté au panier." in text(follow)
    add_to_cart(client, town.bread, 3)
    add_to_cart(client, town.bread, 1)

    html = page(client, "/panier")
    seen = text(html).split("Votre panier", 1)[1]
    assert _lines(html) == {"Pâté de campagne": "2", "Baguette tradition": "4"}
    assert seen.index("Boulangerie Martin") < seen.index("Baguette tradition") \
        < seen.index("Charcuterie Vidal") < seen.index("Pâté de campagne")
    assert "Sous-total 5,20 €" in seen and "Sous-total 9,00 €" in seen
    assert "Total 14,20 €" in seen
    assert 'data-testid="cart-count">6<' in html
    assert stock_of(town.bread) == 50  # a cart holds nothing back; checkout does


def test_quantities_can_be_changed_and_lines_removed(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    add_to_cart(client, town.ham, 1)
    token = csrf_token(page(client, "/panier"))

    client.post("/panier/modifier", data={"csrf_token": token, "product_id": town.pate.id,
                                          "quantity": 5})
    client.post("/panier/retirer", data={"csrf_token": token, "product_id": town.ham.id})

    assert _lines(page(client, "/panier")) == {"Pâté de campagne": "5"}
    client.post("/panier/modifier", data={"csrf_token": token, "product_id": town.pate.id,
                                          "quantity": 0})
    assert "Votre panier est vide." in text(page(client, "/panier"))


def test_a_bad_quantity_is_refused_with_a_message(client):
    town = shopper_town()
    html = page(client, "/boutiques/charcuterie")

    response = client.post("/panier/ajouter", follow_redirects=True, data={
        "csrf_token": csrf_token(html), "product_id": town.pate.id, "quantity": "-3"})

    assert "Une quantité entre 1 et 999." in text(response.get_data(as_text=True))
    assert "Votre panier est vide." in text(page(client, "/panier"))


def test_adding_sends_back_to_the_page_of_origin_on_this_site_only(client):
    town = shopper_town()
    token = csrf_token(page(client, "/boutiques/charcuterie"))

    back = client.post("/panier/ajouter", data={"csrf_token": token, "product_id": town.pate.id,
                                                 "quantity": 1, "next": "/recherche?q=pate"})
    elsewhere = client.post("/panier/ajouter", data={
        "csrf_token": token, "product_id": town.pate.id, "quantity": 1,
        "next": "//evil.example/"})

    assert back.headers["Location"] == "/recherche?q=pate"
    assert elsewhere.headers["Location"] == "/panier"
    assert _lines(page(client, "/panier")) == {"Pâté de campagne": "2"}


def test_products_no_longer_available_are_flagged_not_dropped(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    add_to_cart(client, town.tart, 3)
    add_to_cart(client, town.ham, 1)
    update_product(town.deli.id, town.pate.id, {"active": False})
    update_product(town.bakery.id, town.tart.id, {"stock": 2})
    update_product(town.deli.id, town.ham.id, {"stock": 0})

    html = page(client, "/panier")

    assert set(_lines(html)) == {"Pâté de campagne", "Tarte aux myrtilles", "Jambon sec"}
    seen = text(html)
    assert "Ce produit n'est plus en vente : retirez-le du panier." in seen
    assert "Plus que 2 en stock : réduisez la quantité." in seen
    assert "Épuisé pour le moment : retirez-le du panier." in seen


def test_the_cart_survives_a_new_page_load_in_the_same_browser_only(client, app):
    town = shopper_town()
    add_to_cart(client, town.pate, 2)

    assert "Pâté de campagne" in text(page(client, "/panier"))
    other_browser = app.test_client()
    assert "Votre panier est vide." in text(page(other_browser, "/panier"))


def test_posting_without_the_csrf_token_is_refused_and_changes_nothing(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)

    refused = client.post("/panier/ajouter", data={"product_id": town.ham.id, "quantity": 1})
    assert refused.status_code == 400
    assert "Formulaire expiré" in text(refused.get_data(as_text=True))
    assert _lines(page(client, "/panier")) == {"Pâté de campagne": "1"}

    html = page(client, "/commande")
    slot = re.search(r'name="(slot_\d+)" value="([^"]+)"', html)
    refused = client.post("/commande", data={
        "idempotency_key": re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', html)[1],
        "name": "Claire Dupont", "phone": "06 12 34 56 78", slot[1]: slot[2]})
    assert refused.status_code == 400
    assert checkout_count() == 0
    assert stock_of(town.pate) == 10
