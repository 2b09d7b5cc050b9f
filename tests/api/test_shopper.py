"""Browsing without an account: shops, their pickup settings, the catalogue, the slots."""
from datetime import date

import pytest

from app.extensions import db
from app.shops.services import add_closure
from tests.api.conftest import create_checkout, error_of
from tests.factories import make_product, make_shop


def test_shops_lists_the_active_shops_with_their_contact(client, shop):
    closed = make_shop("fromagerie", "Fromagerie Vidal", phone="04 71 02 03 04")
    closed.active = False
    db.session.commit()

    response = client.get("/api/v1/shops")

    assert response.status_code == 200
    assert [{k: s[k] for k in ("slug", "name", "address", "phone")} for s in response.json] == [
        {"slug": "boulangerie", "name": "Boulangerie Martin",
         "address": "3 rue des Tables, Le Puy-en-Velay", "phone": ""}]


def test_shop_has_opening_hours_pickup_settings_and_coming_closures(client, clock):
    shop = make_shop(phone="04 71 00 00 01", prep_minutes=30, seats_per_slot=2)
    add_closure(shop, date(2026, 12, 25), date(2026, 12, 26), "Noël")
    add_closure(shop, date(2026, 8, 1), date(2026, 8, 15), "congés passés")

    body = client.get("/api/v1/shops/boulangerie").json

    assert body["slug"] == "boulangerie" and body["phone"] == "+33471000001"
    assert body["opening_hours"]["tuesday"] == [{"opens": "09:00", "closes": "19:00"}]
    assert body["opening_hours"]["sunday"] == []
    assert body["pickup"] == {"slot_minutes": 15, "seats_per_slot": 2, "prep_minutes": 30,
                              "hold_minutes": 15}
    assert body["closures"] == [{"start_date": "2026-12-25", "end_date": "2026-12-26",
                                 "reason": "Noël"}]


@pytest.mark.parametrize("path", ["/api/v1/shops/nulle-part", "/api/v1/shops/nulle-part/slots"])
def test_unknown_shop_is_a_json_404(client, shop, path):
    assert error_of(client.get(path))[:2] == (404, "not_found")


def test_search_ignores_case_and_accents_and_hides_withdrawn_products(client, shop):
    pate = make_product(shop, "Pâté de campagne", 650, stock=4)
    make_product(shop, "Pâté en croûte", 900, stock=0)
    make_product(shop, "Pâté retiré", 500, active=False)
    make_product(shop, "Baguette", 130)

    body = client.get("/api/v1/products?q=PATE").json

    assert body["next_page"] is None
    assert [(p["name"], p["available"]) for p in body["items"]] == [
        ("Pâté de campagne", True), ("Pâté en croûte", False)]
    assert {k: body["items"][0][k] for k in ("id", "shop", "name", "price_cents")} == {
        "id": pate.id, "shop": "boulangerie", "name": "Pâté de campagne", "price_cents": 650}


def test_products_filter_by_shop_and_come_in_pages(client, shop):
    other = make_shop("epicerie", "Épicerie du Breuil")
    make_product(other, "Lentilles vertes du Puy", 420)
    for i in range(25):
        make_product(shop, f"Pain n°{i:02d}", 200)

    first = client.get("/api/v1/products?shop=boulangerie").json
    second = client.get("/api/v1/products?shop=boulangerie&page=2").json

    assert len(first["items"]) == 24 and first["next_page"] == 2
    assert [p["name"] for p in second["items"]] == ["Pain n°24"] and second["next_page"] is None
    assert {p["shop"] for p in first["items"] + second["items"]} == {"boulangerie"}
    unknown = client.get("/api/v1/products?shop=inconnue").json
    assert (unknown["items"], unknown["next_page"], unknown["total"]) == ([], None, 0)


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1.5", "99999999999999999999999"])
def test_a_bad_page_number_is_named(client, shop, page):
    assert error_of(client.get(f"/api/v1/products?page={page}")) == (422, "invalid_page", "page")


def test_todays_slots_start_after_the_preparation_time(client, shop):
    slots = client.get("/api/v1/shops/boulangerie/slots").json  # 09:00 in the town

    assert slots[0] == {"start": "2026-11-24T10:00:00+01:00",
                        "end": "2026-11-24T10:15:00+01:00", "remaining": 4}
    assert slots[-1]["start"] == "2026-11-24T18:45:00+01:00"
    assert len(slots) == 36


def test_slots_of_another_day_and_of_a_closed_day(client, shop):
    wednesday = client.get("/api/v1/shops/boulangerie/slots?date=2026-11-25").json
    sunday = client.get("/api/v1/shops/boulangerie/slots?date=2026-11-29").json

    assert wednesday[0]["start"] == "2026-11-25T09:00:00+01:00" and len(wednesday) == 40
    assert sunday == []


def test_a_booked_seat_leaves_one_less_in_the_slot(client, clock, shop, bread):
    create_checkout(client, {shop: [(bread, 1)]}, clock.now)

    slots = client.get("/api/v1/shops/boulangerie/slots").json

    assert slots[0]["remaining"] == 3


@pytest.mark.parametrize("value", ["2026-13-45", "2026-02-30", "demain", "20261125",
                                   "0001-01-01", "9999-12-31"])
def test_a_bad_date_is_named(client, shop, value):
    response = client.get(f"/api/v1/shops/boulangerie/slots?date={value}")
    assert error_of(response) == (422, "invalid_date", "date")
