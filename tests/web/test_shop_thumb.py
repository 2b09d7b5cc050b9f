"""The shop page for the thumb and in English as in French (issue 15): the town with its
article, today and tomorrow in words, aisle names translated, the quantity stepper's limits
(and the server's), adding in the background or, without JavaScript, back at the product;
and the installable app: manifest, service worker, offline page."""
import io
import json
import re

import pytest
from PIL import Image

from app.extensions import db
from app.templating import of_town
from tests.factories import make_product, make_shop
from tests.web.test_english_pages import assert_english, english_town
from tests.web.helpers import add_to_cart, csrf_token, page, shopper_town, text


@pytest.mark.parametrize("town, said", [
    ("Le Puy-en-Velay", "du Puy-en-Velay"), ("Les Andelys", "des Andelys"),
    ("La Rochelle", "de La Rochelle"), ("Alençon", "d'Alençon"),
    ("Châlons-en-Champagne", "de Châlons-en-Champagne"), ("Évreux", "d'Évreux"),
    ("L'Isle-sur-la-Sorgue", "de L'Isle-sur-la-Sorgue"), ("Yssingeaux", "d'Yssingeaux"),
    ("Le Havre", "du Havre"), ("  Les   Sables-d'Olonne ", "des Sables-d'Olonne"),
])
def test_the_town_takes_its_article_after_de(town, said):
    assert of_town(town) == said


def test_home_names_the_town_with_its_article_in_french_and_plainly_in_english(client):
    french = text(page(client, "/"))
    client.set_cookie("lang", "en")
    english = text(page(client, "/"))

    assert "Les commerces du Puy-en-Velay" in french and "de Le Puy" not in french
    assert "Shops in Le Puy-en-Velay" in english


def test_the_next_pickups_say_today_then_tomorrow(client, clock):
    town = shopper_town()
    db.session.commit()
    clock.set("2026-11-24T09:00:00+01:00")  # Tuesday morning: pickups from 10:00 today
    today = text(page(client, f"/boutiques/{town.bakery.slug}"))
    clock.set("2026-11-24T20:00:00+01:00")  # Tuesday evening: the next are tomorrow's
    tomorrow = text(page(client, f"/boutiques/{town.bakery.slug}"))
    client.set_cookie("lang", "en")
    english = text(page(client, f"/boutiques/{town.bakery.slug}"))

    assert "Retrait aujourd'hui : 10:00, 10:15" in today
    assert "Retrait demain : 09:00, 09:15" in tomorrow
    assert "Pickup tomorrow: 09:00, 09:15" in english


def test_a_later_day_is_written_as_a_date_with_its_month_capitalised_in_english(client, clock):
    town = shopper_town()
    db.session.commit()
    clock.set("2026-11-28T20:00:00+01:00")  # Saturday evening; closed on Sundays
    client.set_cookie("lang", "en")

    seen = text(page(client, f"/boutiques/{town.bakery.slug}"))

    assert "Pickup Monday 30 November: 09:00" in seen


def test_aisles_are_named_in_the_pages_language(client):
    shop = make_shop()
    make_product(shop, "Croissant", 110).category = "Viennoiseries"
    make_product(shop, "Pain de mie", 250).category = "Rayon du fond"  # the shop's own words
    db.session.commit()
    french = page(client, "/boutiques/boulangerie")
    client.set_cookie("lang", "en")
    english = page(client, "/boutiques/boulangerie")

    assert "Viennoiseries" in text(french)
    assert "Pastries" in text(english) and "Viennoiseries" not in text(english)
    assert "Rayon du fond" in text(english)  # unknown to the catalogue: as typed


def test_the_shop_and_home_pages_in_english_have_no_french_left(client, clock):
    rye, _ham = english_town()
    rye.category = "Pains"
    db.session.commit()
    client.set_cookie("lang", "en")
    clock.set("2026-11-28T20:00:00+01:00")  # a day named as a date, not "tomorrow"

    shop = page(client, "/boutiques/north-bakery")

    assert_english(shop)
    assert_english(page(client, "/"))
    assert "Bread" in text(shop) and "Monday 30 November:" in text(shop)


def _quantity_input(html: str, product) -> str:
    return re.search(rf'<input id="qty-{product.id}"[^>]*>', html)[0]


def test_the_stepper_goes_from_one_to_the_most_one_order_may_take(client):
    town = shopper_town()
    limited = make_product(town.bakery, "Galette des rois", 1800, stock=40)
    limited.max_per_order = 2
    db.session.commit()

    html = page(client, f"/boutiques/{town.bakery.slug}")

    assert 'min="1"' in _quantity_input(html, town.bread)
    assert 'max="20"' in _quantity_input(html, town.bread)  # max_per_order 20, 50 in stock
    assert 'max="3"' in _quantity_input(html, town.tart)    # only 3 left
    assert 'max="2"' in _quantity_input(html, limited)      # the shop's limit
    assert html.count('data-step="-1"') == html.count('data-step="1"') == 3
    assert 'aria-label="Un de moins"' in html and 'aria-label="Un de plus"' in html


def test_the_server_keeps_the_basket_within_the_limit_too(client):
    town = shopper_town()
    db.session.commit()

    first = add_to_cart(client, town.tart, 5)   # 3 left: 3 go in
    after_first = text(page(client, "/panier"))
    second = add_to_cart(client, town.tart, 1)  # nothing more
    after_second = text(page(client, "/panier"))

    assert first.status_code == second.status_code == 302
    assert "3 × « Tarte aux myrtilles » ajouté(s) au panier : le maximum." in after_first
    assert "Votre panier a déjà le maximum de « Tarte aux myrtilles » (3)." in after_second
    assert re.search(r'name="quantity"[^>]*value="3"', page(client, "/panier"))


def test_adding_in_the_background_answers_json_with_the_basket_count(client):
    town = shopper_town()
    db.session.commit()
    html = page(client, f"/boutiques/{town.bakery.slug}")
    form = {"csrf_token": csrf_token(html), "product_id": town.bread.id, "quantity": 2,
            "next": f"/boutiques/{town.bakery.slug}#product-{town.bread.id}"}

    added = client.post("/panier/ajouter", data=form, headers={"Accept": "application/json"})
    refused = client.post("/panier/ajouter", data={**form, "quantity": 0},
                          headers={"Accept": "application/json"})

    assert added.status_code == 200
    assert added.json == {"ok": True, "count": 2,
                          "message": "« Baguette tradition » ajouté au panier."}
    assert refused.status_code == 422 and refused.json["ok"] is False
    assert refused.json["count"] == 2
    # The JSON answer consumed no message: the next page shows none twice.
    assert "ajouté au panier" not in text(page(client, "/panier"))


def test_without_javascript_the_page_comes_back_at_the_product(client):
    town = shopper_town()
    db.session.commit()
    html = page(client, f"/boutiques/{town.bakery.slug}")
    back = re.search(rf'name="next" value="([^"]*#product-{town.tart.id})"', html)[1]
    assert f'id="product-{town.tart.id}"' in html

    answer = client.post("/panier/ajouter", data={
        "csrf_token": csrf_token(html), "product_id": town.tart.id, "quantity": 1,
        "next": back})

    assert answer.headers["Location"] == f"/boutiques/{town.bakery.slug}#product-{town.tart.id}"


def test_the_hours_are_folded_behind_horaires_after_the_products_start(client):
    town = shopper_town()
    db.session.commit()
    html = page(client, f"/boutiques/{town.bakery.slug}")

    folded = re.search(r'<details class="card shop-info"[^>]*>\s*<summary>([^<]*)</summary>', html)
    assert folded and "Horaires" in folded[1]
    assert "<details" in html and "open" not in re.search(r"<details[^>]*>", html)[0]


def test_the_manifest_makes_the_site_installable(client):
    answer = client.get("/manifest.webmanifest")
    manifest = json.loads(answer.get_data(as_text=True))

    assert answer.mimetype == "application/manifest+json"
    assert manifest["name"] == "Comptoir · Le Puy-en-Velay"
    assert manifest["short_name"] == "Comptoir"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5d4b"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"),
                     ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        width = int(icon["sizes"].split("x")[0])
        assert Image.open(io.BytesIO(image.data)).size == (width, width)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page(client, "/")


def test_the_service_worker_keeps_the_offline_page_and_static_files_only(client):
    answer = client.get("/sw.js")
    script = answer.get_data(as_text=True)
    precached = json.loads(re.search(r"var PRECACHED = (\[.*?\]);", script)[1])

    assert answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert precached[0] == "/hors-ligne"
    assert all(url.startswith("/static/") for url in precached[1:])
    for path in ("/panier", "/commande", "/marchand", "/gestion", "/suivi"):
        assert path not in script


def test_the_offline_page_holds_nothing_personal(client):
    town = shopper_town()
    db.session.commit()
    add_to_cart(client, town.bread, 2)

    html = page(client, "/hors-ligne")

    assert "Pas de réseau pour le moment" in text(html)
    assert "cart-count" not in html and "csrf_token" not in html
