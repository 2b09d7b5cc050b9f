"""Promotions on the shopper's pages: the promotional price with the old one struck through
(and said aloud) during the promotion only; the basket checked out then keeps that price."""
import re

# Registers the card's price helper until app/merchant/routes.py imports the module.
import app.merchant.catalogue  # noqa: F401
from app.catalog.services import update_product
from tests.web.helpers import add_to_cart, checkout_form, csrf_token, page, shopper_town, text

START, END = "2026-11-24T09:30:00+01:00", "2026-11-28T00:00:00+01:00"


def _promote(town, clock):
    update_product(town.bakery.id, town.bread.id, {
        "promo_price_cents": 99, "promo_starts_at": START, "promo_ends_at": END}, now=clock.now)


def _card(html: str, name: str) -> str:
    """The visible text of one product's card."""
    cards = re.findall(r'<li class="card product".*?</li>', html, re.S)
    return next(text(card) for card in cards if name in card)


def test_the_promotion_shows_with_the_old_price_during_its_window_only(client, clock):
    town = shopper_town()
    _promote(town, clock)

    clock.set("2026-11-24T09:29:00+01:00")
    before = _card(page(client, "/boutiques/boulangerie"), "Baguette tradition")
    clock.set(START)
    html = page(client, "/boutiques/boulangerie")
    during = _card(html, "Baguette tradition")
    found = _card(page(client, "/recherche?q=baguette"), "Baguette tradition")
    clock.set(END)
    after = _card(page(client, "/boutiques/boulangerie"), "Baguette tradition")

    assert "1,30 €" in before and "promotion" not in before
    # A screen reader hears both prices and which is which, not just a strike.
    assert "Prix en promotion : 0,99 € au lieu du prix habituel de 1,30 €" in during
    # It stops at Saturday's midnight: Friday is its last day.
    assert "jusqu'au vendredi 27 novembre inclus" in during
    assert re.search(r"<s\b[^>]*>.*?1,30", html, re.S)
    assert "Prix en promotion : 0,99 €" in found  # the town-wide search too
    assert "1,30 €" in after and "promotion" not in after and "0,99" not in after
    assert "promotion" not in _card(html, "Tarte aux myrtilles")


def test_a_promotion_ending_during_the_day_says_when(client, clock):
    town = shopper_town()
    update_product(town.bakery.id, town.bread.id, {
        "promo_price_cents": 110, "promo_ends_at": "2026-11-24T18:30:00+01:00"}, now=clock.now)

    card = _card(page(client, "/boutiques/boulangerie"), "Baguette tradition")

    assert "Prix en promotion : 1,10 €" in card
    assert "jusqu'au mardi 24 novembre à 18:30" in card


def test_a_basket_checked_out_during_the_promotion_keeps_its_price(client, clock, payments):
    town = shopper_town()
    _promote(town, clock)
    clock.set("2026-11-24T10:00:00+01:00")
    add_to_cart(client, town.bread, 3)

    placed = client.post("/commande", data=checkout_form(client, [town.bakery]))
    payment_url = placed.headers["Location"]
    assert "Total 2,97 €" in text(page(client, payment_url))
    paid = client.post(payment_url, data={"csrf_token": csrf_token(page(client, payment_url)),
                                          "payment_method": "test_ok"})
    tracking_url = re.findall(r'href="(/suivi/[^"]+)"', page(client, paid.headers["Location"]))[0]

    clock.set("2026-11-28T09:00:00+01:00")  # over, and the price goes up
    update_product(town.bakery.id, town.bread.id, {"price_cents": 150}, now=clock.now)

    tracking = text(page(client, tracking_url))
    assert "2,97 €" in tracking and "1,50" not in tracking
    assert "1,50 €" in _card(page(client, "/boutiques/boulangerie"), "Baguette tradition")
