"""What the checkout says of each shop's first pickup, the earliest slot already chosen,
a running promotion's price up to the total, and the hold's countdown on the payment page."""
from datetime import datetime, timedelta, timezone

from app.catalog.services import update_product
from app.extensions import db
from tests.web.helpers import add_to_cart, checkout_form, page, radio_values, shopper_town, text


def test_an_evening_shopper_is_told_to_come_back_tomorrow_from_nine(client, clock):
    town = shopper_town()
    clock.set("2026-11-24T21:00:00+01:00")  # Tuesday evening, shops closed at 19:00
    add_to_cart(client, town.bread, 1)

    html = page(client, "/commande")

    assert "commandez ce soir, retirez demain dès 09:00" in text(html)
    assert 'value="2026-11-25T09:00:00+01:00" checked' in html  # the earliest, chosen


def test_saturday_evening_says_monday(client, clock):
    town = shopper_town()
    clock.set("2026-11-28T21:00:00+01:00")  # closed on Sundays
    add_to_cart(client, town.pate, 1)

    html = page(client, "/commande")

    assert "commandez ce soir, retirez lundi dès 09:00" in text(html)
    assert radio_values(html, f"slot_{town.deli.id}")[0] == "2026-11-30T09:00:00+01:00"


def test_during_opening_hours_the_first_pickup_time_is_said(client, clock):
    town = shopper_town()
    clock.set("2026-11-24T14:05:00+01:00")
    add_to_cart(client, town.pate, 1)

    html = page(client, "/commande")

    # prep time from the shop's settings: the first slot is whatever the picker lists first
    first = radio_values(html, f"slot_{town.deli.id}")[0]
    assert f"Premier retrait aujourd'hui à {first[11:16]}" in text(html)
    assert f'value="{first}" checked' in html


def test_two_shops_with_close_slots_get_one_trip(client):
    town = shopper_town()
    add_to_cart(client, town.bread, 1)
    add_to_cart(client, town.pate, 1)

    html = page(client, "/commande")

    first = radio_values(html, f"slot_{town.bakery.id}")[0][11:16]  # both shops: 10:00
    assert 'data-testid="common-window"' in html
    assert f"Tout récupérer en un passage, mardi 24 novembre entre {first} et 10:15" in text(html)


def test_no_trip_when_a_shop_slots_are_longer_than_the_span(client):
    town = shopper_town()
    town.deli.slot_minutes = 60  # an hour's slot never fits in 30 minutes
    db.session.commit()
    add_to_cart(client, town.bread, 1)
    add_to_cart(client, town.pate, 1)

    html = page(client, "/commande")

    assert 'data-testid="common-window"' not in html and "Tout récupérer" not in text(html)


def test_a_running_promotion_prices_the_checkout_total(client, clock):
    town = shopper_town()
    update_product(town.bakery.id, town.bread.id, {
        "promo_price_cents": 99, "promo_ends_at": (clock.now + timedelta(days=2)).isoformat()},
        now=clock.now)
    add_to_cart(client, town.bread, 3)
    add_to_cart(client, town.pate, 1)

    html = page(client, "/commande")

    assert "2,97 €" in text(html)
    assert 'data-testid="checkout-total">7,47\xa0€<' in html  # 3 × 0,99 + 4,50


def test_the_payment_page_counts_the_hold_down(client):
    town = shopper_town()
    add_to_cart(client, town.pate, 1)
    response = client.post("/commande", data=checkout_form(client, [town.deli]))

    html = page(client, response.headers["Location"])

    assert 'data-testid="hold-countdown">15:00<' in html
    assert 'aria-live="polite" data-testid="hold-announce"' in html
    assert "Articles et créneau réservés jusqu'à" in text(html)  # what a page without JS says


def test_the_basket_cookie_lives_thirty_days(client):
    town = shopper_town()
    add_to_cart(client, town.bread, 1)

    expires = client.get_cookie("session").expires  # a browser restart keeps it that long

    assert expires is not None
    assert timedelta(days=29) < expires - datetime.now(timezone.utc) <= timedelta(days=30)
