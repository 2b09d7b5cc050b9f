"""Browsing: the town's shops, search across them, a shop's page, friendly 404s."""
from tests.factories import make_product, make_shop
from tests.web.helpers import page, shopper_town, text


def test_home_lists_the_towns_shops_and_a_search_box(client):
    town = shopper_town()

    html = page(client, "/")

    assert "Boulangerie Martin" in text(html) and "Charcuterie Vidal" in text(html)
    assert f'href="/boutiques/{town.deli.slug}"' in html
    assert 'action="/recherche"' in html and 'name="q"' in html


def test_search_ignores_accents_and_case_across_shops(client):
    shopper_town()

    html = page(client, "/recherche?q=PATE")

    seen = text(html)
    assert "Pâté de campagne" in seen
    assert "Charcuterie Vidal" in seen          # the shop it comes from
    assert "4,50 €" in seen                     # its price, in euros
    assert "En stock" in seen
    assert "Baguette" not in seen
    assert 'data-testid="add-to-cart"' in html


def test_search_says_when_nothing_matches_and_survives_a_bad_page_number(client):
    shopper_town()

    assert "Aucun produit ne correspond à « caviar »" in text(page(client, "/recherche?q=caviar"))
    assert "Pâté" in text(page(client, "/recherche?q=pate&page=abc"))


def test_sold_out_product_is_shown_without_an_add_button(client):
    town = shopper_town()
    make_product(town.deli, "Rillettes", 550, stock=0)

    html = page(client, "/recherche?q=rillettes")

    assert "Épuisé pour le moment" in text(html)
    assert 'data-testid="add-to-cart"' not in html


def test_shop_page_shows_address_hours_in_french_next_pickups_and_products(client):
    town = shopper_town()

    seen = text(page(client, f"/boutiques/{town.bakery.slug}"))

    assert "3 rue des Tables" in seen
    assert "04 71 09 12 34" in seen
    assert "Mardi 09:00–19:00" in seen and "Dimanche fermé" in seen
    # Tuesday 09:00 with an hour of preparation: the first pickup is at 10:00, today.
    assert "Retrait aujourd'hui : 10:00, 10:15, 10:30, 10:45" in seen
    assert "Baguette tradition" in seen and "Tarte aux myrtilles" in seen
    assert "Pâté" not in seen


def test_shop_products_are_paged(client):
    shop = make_shop()
    for i in range(30):
        make_product(shop, f"Pain n°{i:02d}")

    first = page(client, "/boutiques/boulangerie")
    second = page(client, "/boutiques/boulangerie?page=2")

    assert "Pain n°00" in first and "Pain n°29" not in first
    assert 'href="/boutiques/boulangerie?page=2"' in first
    assert "Pain n°29" in second and "Pain n°00" not in second


def test_unknown_shop_and_wrong_tracking_token_are_friendly_404s(client):
    shopper_town()

    for url in ("/boutiques/nulle-part", "/suivi/pas-le-bon-jeton", "/page-inconnue"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in text(response.get_data(as_text=True))
