"""A product's own page: found from its shop and from the search, at an address that
stays good, with its photo, price, promotion, availability, shop, next pickup and the
add-to-basket button; a withdrawn product answers 410 with the way to its shop."""

import sqlalchemy as sa

import app.merchant.catalogue  # noqa: F401  the product card's price helper
from app.catalog.models import Product
from app.catalog.services import archive_product, update_product
from app.demo.pictures import product_picture
from app.extensions import db
from app.photos.services import set_product_photo
from app.shops.models import Shop
from tests.seo.helpers import head
from tests.web.helpers import csrf_token, page, shopper_town, text

BREAD = "/boutiques/boulangerie/{id}-baguette-tradition"


def test_the_shop_page_and_the_search_lead_to_the_product_page(client):
    town = shopper_town()
    url = BREAD.format(id=town.bread.id)

    assert f'href="{url}"' in page(client, "/boutiques/boulangerie")
    assert f'href="{url}"' in page(client, "/recherche?q=baguette")


def test_the_product_page_shows_the_offer_and_adds_to_the_basket(client, clock, photo_store):
    town = shopper_town()
    set_product_photo(town.bakery.id, town.bread.id,
                      product_picture("boulangerie", "Baguette tradition", size=320), photo_store)
    update_product(town.bakery.id, town.bread.id, {
        "promo_price_cents": 99, "promo_ends_at": "2026-11-28T00:00:00+01:00"}, now=clock.now)
    url = BREAD.format(id=town.bread.id)

    html = page(client, url)
    seen = text(html)
    added = client.post("/panier/ajouter", data={
        "csrf_token": csrf_token(html), "product_id": town.bread.id, "quantity": 2,
        "next": url}, follow_redirects=True)

    assert "<h1 data-testid=\"product-name\">Baguette tradition</h1>" in html
    assert 'data-testid="product-photo"' in html and 'alt="Baguette tradition"' in html
    assert "Prix en promotion : 0,99 € au lieu du prix habituel de 1,30 €" in seen
    assert "jusqu'au vendredi 27 novembre inclus" in seen
    assert "En stock" in seen
    assert "Chez Boulangerie Martin , 3 rue des Tables, Le Puy-en-Velay" in seen  # a link, then text
    # The clock reads Tuesday 09:00; 60 minutes of preparation.
    assert "Prochain retrait : mardi 24 novembre, 10:00, 10:15, 10:30, 10:45…" in seen
    assert added.status_code == 200
    assert 'data-testid="cart-count">2<' in added.get_data(as_text=True)
    # Titles and descriptions are written from the data.
    tags = head(html)
    assert tags.title == "Baguette tradition – Boulangerie Martin, Le Puy-en-Velay · Comptoir"
    assert " ".join(tags.metas["description"].split()) == ("Baguette tradition à 0,99 € chez Boulangerie "
                                         "Martin (Le Puy-en-Velay) : réservez en ligne, "
                                         "retirez en boutique.")


def test_a_sold_out_product_says_so_without_a_button(client, clock):
    town = shopper_town()
    update_product(town.bakery.id, town.tart.id, {"stock": 0}, now=clock.now)

    html = page(client, f"/boutiques/boulangerie/{town.tart.id}-tarte-aux-myrtilles")

    assert "Épuisé pour le moment" in text(html)
    assert 'data-testid="add-to-cart"' not in html


def test_an_old_or_cut_address_redirects_to_the_product_s_own(client, clock):
    town = shopper_town()
    update_product(town.bakery.id, town.bread.id, {"name": "Baguette de tradition"},
                   now=clock.now)
    new = f"/boutiques/boulangerie/{town.bread.id}-baguette-de-tradition"

    renamed = client.get(BREAD.format(id=town.bread.id))
    cut = client.get(f"/boutiques/boulangerie/{town.bread.id}?lang=en")

    assert (renamed.status_code, renamed.headers["Location"]) == (301, new)
    assert (cut.status_code, cut.headers["Location"]) == (301, new + "?lang=en")
    assert client.get(new).status_code == 200


def test_a_withdrawn_product_answers_410_with_its_shop(client, clock):
    town = shopper_town()
    update_product(town.bakery.id, town.bread.id, {"active": False}, now=clock.now)
    archive_product(town.bakery.id, town.tart.id, clock.now)

    withdrawn = client.get(BREAD.format(id=town.bread.id))
    archived = client.get(f"/boutiques/boulangerie/{town.tart.id}-tarte-aux-myrtilles")

    for response in (withdrawn, archived):
        html = response.get_data(as_text=True)
        assert response.status_code == 410
        assert 'href="/boutiques/boulangerie" data-testid="gone-shop-link"' in html
        assert '<meta name="robots" content="noindex">' in html
    assert "« Baguette tradition » n'est plus en vente chez Boulangerie Martin." in \
        text(withdrawn.get_data(as_text=True))


def test_no_page_for_an_unknown_product_another_shop_s_or_an_unpublished_shop(client):
    town = shopper_town()
    db.session.execute(sa.update(Shop).where(Shop.id == town.deli.id).values(active=False))
    db.session.commit()

    assert client.get("/boutiques/boulangerie/999999-rien").status_code == 404
    assert client.get(f"/boutiques/boulangerie/{town.ham.id}-jambon-sec").status_code == 404
    assert client.get(f"/boutiques/charcuterie/{town.ham.id}-jambon-sec").status_code == 404


def test_a_shared_link_shows_the_product_with_its_photo_and_price(client, clock, photo_store):
    town = shopper_town()
    set_product_photo(town.bakery.id, town.bread.id,
                      product_picture("boulangerie", "Baguette tradition", size=800), photo_store)
    photo = db.session.get(Product, town.bread.id).photo

    metas = head(page(client, BREAD.format(id=town.bread.id))).metas

    assert metas["og:type"] == "product"
    assert metas["og:title"] == "Baguette tradition – Boulangerie Martin, Le Puy-en-Velay"
    assert metas["og:url"] == "http://comptoir.test" + BREAD.format(id=town.bread.id)
    assert metas["og:image"] == f"http://comptoir.test/photos/{photo.key}-640.webp"
    assert client.get(metas["og:image"].removeprefix("http://comptoir.test")).status_code == 200
    assert metas["twitter:card"] == "summary_large_image"
    assert metas["product:price:amount"] == "1.30" and metas["product:price:currency"] == "EUR"
    assert "1,30" in metas["og:description"]
