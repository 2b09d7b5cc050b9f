"""The shopper's pages in English: a visitor who chose English reads no French but the
shops' own names, with money and dates written the English way; the switch on every page
takes them there and back to the same page."""
import re

import pytest
from babel.messages.pofile import read_po

from app.extensions import db
from tests.factories import make_product, make_shop
from tests.web.helpers import add_to_cart, checkout_form, csrf_token, page, text

CATALOGUE = "app/translations/en/LC_MESSAGES/messages.po"
FRENCH_WORDS = (" le ", " la ", " les ", " vous ", " votre ", " des ", " pour ", "Panier",
                "Commande", "Boutiques", "Retrait")
ACCENTS = re.compile(r"[éèàêçùâôîûœ]")


def _french_texts() -> list[str]:
    """The catalogue's French texts whose English differs (placeholders dropped)."""
    with open(CATALOGUE, "rb") as po:
        catalogue = read_po(po)
    texts = []
    for message in catalogue:
        if isinstance(message.id, str) and message.string and message.string != message.id:
            texts += [part for part in re.split(r"%\(\w+\)s", message.id) if len(part) > 6]
    return texts


def assert_english(html: str) -> None:
    seen = f" {text(html).replace('Français', '')} "
    assert not ACCENTS.search(seen), seen
    assert not [word for word in FRENCH_WORDS if word in seen], seen
    assert not [french for french in _french_texts() if french in seen], seen


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def english_town():
    """Names a shop could give in English: whatever French remains is the site's own."""
    north = make_shop("north-bakery", "North Bakery", address="3 Market Street")
    south = make_shop("south-deli", "South Deli", address="12 Church Lane")
    return (make_product(north, "Rye loaf", 1250, stock=20),
            make_product(south, "Smoked ham", 690, stock=2))


def test_every_shopper_page_reads_in_english(english, clock):
    rye, ham = english_town()
    db.session.commit()

    assert_english(page(english, "/"))
    results = page(english, "/recherche?q=rye")
    assert "Rye loaf" in results and "€12.50" in text(results)
    assert_english(results)
    assert_english(page(english, "/recherche?q=nothingatall"))
    assert_english(page(english, "/boutiques/north-bakery"))
    add_to_cart(english, rye, 1)
    add_to_cart(english, ham, 1)
    basket = page(english, "/panier")
    assert "€19.40" in text(basket)
    assert_english(basket)
    assert_english(page(english, "/commande"))

    refused = english.post("/commande", data={"csrf_token": csrf_token(page(english,
                                                                             "/commande"))})
    assert refused.status_code == 422
    assert "Enter your name." in text(refused.get_data(as_text=True))
    assert_english(refused.get_data(as_text=True))

    placed = english.post("/commande", data=checkout_form(english, [rye.shop, ham.shop],
                                                          name="Sam Lee"))
    payment = page(english, placed.headers["Location"])
    assert_english(payment)
    paid = english.post(placed.headers["Location"], data={
        "csrf_token": csrf_token(payment), "payment_method": "test_ok"})
    thanks = page(english, paid.headers["Location"])
    assert_english(thanks)
    tracking_url = re.search(r'href="(/suivi/[^"]+)"', thanks)[1]
    tracking = page(english, tracking_url)
    assert "Received" in text(tracking)
    assert re.search(r"(Mon|Tues|Wednes|Thurs|Fri|Satur)day \d+ \w+ at \d\d:\d\d",
                     text(tracking))
    assert_english(tracking)
    missing = english.get("/suivi/not-a-token")
    assert missing.status_code == 404
    assert_english(missing.get_data(as_text=True))


def test_the_same_pages_in_french_by_default(client):
    rye, _ = english_town()
    db.session.commit()

    results = page(client, "/recherche?q=rye")

    assert "12,50\u00a0€" in results  # a no-break space: the sum never splits
    assert "Rechercher un produit" in text(results)
    assert '<html lang="fr">' in results


def test_the_switch_remembers_english_and_comes_back_to_the_same_page(client):
    english_town()
    db.session.commit()
    shop_page = page(client, "/boutiques/north-bakery?page=1")
    link = re.search(r'href="([^"]+)"[^>]*data-testid="lang-switch"', shop_page)[1]
    assert 'lang="en"' in re.search(r'<a [^>]*data-testid="lang-switch"[^>]*>', shop_page)[0]

    switched = client.get(link.replace("&amp;", "&"))

    assert switched.status_code == 302
    assert switched.headers["Location"] == "/boutiques/north-bakery?page=1"
    assert "lang=en" in switched.headers["Set-Cookie"]
    assert "Max-Age=31536000" in switched.headers["Set-Cookie"]
    again = page(client, "/boutiques/north-bakery")
    assert '<html lang="en">' in again and "Opening hours" in text(again)


def test_the_switch_never_sends_the_browser_to_another_site(client):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.get("/langue/en", query_string={"next": target})
        assert response.headers["Location"] == "/"
