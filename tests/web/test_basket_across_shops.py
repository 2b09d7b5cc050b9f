"""One basket across shops: it outlives the tab, offers one trip for all its shops, and
prices every line at the moment's price."""
from datetime import timedelta

from app.catalog.services import update_product
from tests.web.helpers import add_to_cart, input_value, page, radio_values, shopper_town, text


def test_the_basket_cookie_outlives_the_browser_and_brings_the_basket_back(app, client):
    town = shopper_town()
    response = add_to_cart(client, town.bread, 2)

    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie  # not a cookie that dies with the tab
    value = client.get_cookie("session").value
    other_browser = app.test_client()
    other_browser.set_cookie("session", value)
    assert "Baguette tradition" in text(page(other_browser, "/panier"))


def test_one_trip_for_two_shops_is_offered_and_sets_both_slots(client):
    town = shopper_town()
    add_to_cart(client, town.bread, 1)
    add_to_cart(client, town.pate, 1)
    html = page(client, "/commande")
    assert "Tout récupérer en un passage" in text(html)

    chosen = client.post("/commande", data={
        "csrf_token": input_value(html, "csrf_token"), "use_window": "1",
        "idempotency_key": input_value(html, "idempotency_key"), "name": "Claire Dupont"})

    assert chosen.status_code == 200
    page_after = chosen.get_data(as_text=True)
    first = radio_values(html, f"slot_{town.bakery.id}")[0]  # both open at 09:00
    assert page_after.count(f'value="{first}" checked') == 2  # one radio per shop
    assert 'value="Claire Dupont"' in page_after  # what was typed is kept


def test_no_trip_is_offered_for_one_shop(client):
    town = shopper_town()
    add_to_cart(client, town.bread, 1)

    assert "Tout récupérer" not in text(page(client, "/commande"))


def test_a_running_promotion_prices_the_basket(client, clock):
    town = shopper_town()
    update_product(town.bakery.id, town.bread.id, {
        "promo_price_cents": 99, "promo_ends_at": (clock.now + timedelta(days=2)).isoformat()},
        now=clock.now)
    add_to_cart(client, town.bread, 3)

    basket = text(page(client, "/panier"))

    assert "2,97 €" in basket and "0,99 € l'unité" in basket
