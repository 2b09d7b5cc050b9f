"""POST /checkouts with `delivery`: one drop for the whole basket, the orders taking the
window as their slot, the fee added once to the checkout; every refusal on its field and
nothing written; a replayed Idempotency-Key takes no second drop. And the two read
endpoints a town's app chooses a delivery with."""
import pytest
import sqlalchemy as sa

from app.delivery.models import DeliveryPickup, DeliveryRequest
from app.delivery.services import drops_taken
from app.extensions import db
from app.orders.models import Checkout, Order
from app.orders.requests import parse_checkout
from app.orders.services import create_checkout
from app.payments.services import authorization
from app.pickup.models import SlotSeats
from tests.api.conftest import count, error_of
from tests.delivery.helpers import race
from tests.delivery.checkout_helpers import TUESDAY, delivered_payload, town  # noqa: F401
from tests.delivery.helpers import TABLES
from tests.factories import stock_of

def test_a_delivered_basket_takes_one_drop_no_seat_and_adds_the_fee_once(client, clock, town):
    response = client.post("/api/v1/checkouts", json=delivered_payload(town, clock))

    assert response.status_code == 201, response.json
    body = response.json
    assert body["delivery"] == {
        "window_id": town["window"].id, "day": TUESDAY, "start": "2026-11-24T17:00:00+01:00",
        "end": "2026-11-24T19:00:00+01:00", "fee_cents": 490, "address": TABLES.label,
        "status": "held"}
    assert [(o["shop"], o["total_cents"], o["slot"], o["slot_end"]) for o in body["orders"]] == [
        ("boulangerie", 900, "2026-11-24T17:00:00+01:00", "2026-11-24T19:00:00+01:00"),
        ("fromagerie", 1290, "2026-11-24T17:00:00+01:00", "2026-11-24T19:00:00+01:00")]
    assert body["total_cents"] == 900 + 1290 + 490
    assert body["payment"]["card_cents"] == 900 + 1290 + 490
    assert drops_taken(town["window"].id, clock.now.date()) == 1
    assert count(SlotSeats) == 0
    [held] = db.session.scalars(sa.select(DeliveryRequest)).all()
    assert held.checkout_id == body["id"] and held.status == "held"
    assert sorted(p.shop_id for p in held.shops) == sorted([town["bakery"].id,
                                                            town["cheese"].id])


def test_the_authorisation_covers_the_fee(client, clock, town, payments):
    created = client.post("/api/v1/checkouts", json=delivered_payload(town, clock)).json

    paid = client.post(f"/api/v1/checkouts/{created['id']}/pay",
                       json={"payment_method": "test_ok"})

    assert paid.status_code == 200
    assert authorization(created["id"]).amount_cents == 900 + 1290 + 490


def test_a_basket_above_the_free_threshold_is_delivered_free(client, clock, town):
    body = client.post("/api/v1/checkouts",
                       json=delivered_payload(town, clock, bread=12)).json  # 54 + 12.90 €

    assert body["delivery"]["fee_cents"] == 0
    assert body["total_cents"] == 12 * 450 + 1290


@pytest.mark.parametrize("change, status, code, field", [
    ({"address": "3 rue Inconnue, 43000 Le Puy-en-Velay"}, 422, "unknown_address",
     "delivery.address"),
    ({"address": "Place du Plot"}, 422, "unknown_address", "delivery.address"),
    ({"window_id": 999}, 422, "window_unavailable", "delivery.window_id"),
    ({"day": "2026-11-29"}, 422, "shop_closed", "delivery.window_id"),  # a Sunday
    ({"day": "24/11/2026"}, 422, "invalid_day", "delivery.day"),
    ({"window_id": "1"}, 422, "invalid", "delivery.window_id"),
])
def test_a_refused_delivery_names_its_field_and_writes_nothing(client, clock, town, change,
                                                               status, code, field):
    response = client.post("/api/v1/checkouts", json=delivered_payload(town, clock, **change))

    assert error_of(response) == (status, code, field)
    assert count(Checkout) == count(Order) == count(DeliveryRequest) == 0
    assert stock_of(town["bread"]) == 20
    assert drops_taken(town["window"].id, clock.now.date()) == 0


def test_an_address_outside_every_zone_says_so_and_points_to_pickup(client, clock, town):
    response = client.post("/api/v1/checkouts", json=delivered_payload(
        town, clock, address="8 avenue de Vals, 43750 Vals-près-le-Puy"))

    assert error_of(response) == (422, "outside_zones", "delivery.address")
    assert "retrait en boutique" in response.json["error"]["message"]
    assert count(Checkout) == 0


def test_after_the_cut_off_the_window_is_refused(client, clock, town):
    clock.set("2026-11-24T14:01:00+01:00")

    response = client.post("/api/v1/checkouts", json=delivered_payload(town, clock))

    assert error_of(response) == (422, "cutoff_passed", "delivery.window_id")
    assert count(Checkout) == 0


def test_a_basket_below_the_minimum_says_how_much_is_missing(client, clock, town):
    payload = delivered_payload(town, clock, bread=1)
    payload["orders"] = payload["orders"][:1]  # 4.50 € of bread, the minimum is 20 €

    response = client.post("/api/v1/checkouts", json=payload)

    assert error_of(response) == (422, "below_minimum", "orders")
    assert "15,50" in response.json["error"]["message"]
    assert count(Checkout) == 0


def test_a_slot_given_with_a_delivery_is_refused_on_it(client, clock, town):
    payload = delivered_payload(town, clock)
    payload["orders"][1]["slot"] = "2026-11-24T10:00:00+01:00"

    response = client.post("/api/v1/checkouts", json=payload)

    assert error_of(response) == (422, "slot_with_delivery", "orders[1].slot")


def test_a_full_window_is_a_conflict_and_nothing_is_held(client, clock, town):
    town["window"].drops = 1
    db.session.commit()
    first = client.post("/api/v1/checkouts", json=delivered_payload(town, clock))
    assert first.status_code == 201

    second = client.post("/api/v1/checkouts", json={
        **delivered_payload(town, clock), "customer": {"name": "Paul", "phone": "06 99 88 77 66"}})

    assert error_of(second) == (409, "window_full", "delivery.window_id")
    assert count(Checkout) == 1 and stock_of(town["bread"]) == 18
    assert drops_taken(town["window"].id, clock.now.date()) == 1


def test_a_stock_refusal_after_the_check_takes_no_drop(client, clock, town):
    response = client.post("/api/v1/checkouts", json=delivered_payload(town, clock, fourme=6))

    assert error_of(response) == (409, "out_of_stock", "orders[1].lines[0].quantity")
    assert drops_taken(town["window"].id, clock.now.date()) == 0
    assert count(DeliveryRequest) == count(DeliveryPickup) == 0


def test_the_same_idempotency_key_takes_one_drop(client, clock, town):
    payload = delivered_payload(town, clock)
    first = client.post("/api/v1/checkouts", json=payload, headers={"Idempotency-Key": "k-1"})
    again = client.post("/api/v1/checkouts", json=payload, headers={"Idempotency-Key": "k-1"})

    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert drops_taken(town["window"].id, clock.now.date()) == 1
    assert count(DeliveryRequest) == 1


# --- choosing: addresses, then windows --------------------------------------------------

def test_addresses_are_suggested_with_their_coordinates(client, town):
    response = client.get("/api/v1/delivery/addresses", query_string={"q": "12 rue des tab"})

    assert response.status_code == 200
    assert response.json[0] == {"label": TABLES.label, "postcode": "43000",
                                "city": "Le Puy-en-Velay", "lat": TABLES.lat,
                                "lon": TABLES.lon}
    assert client.get("/api/v1/delivery/addresses").json == []


def test_windows_for_an_address_say_which_can_be_chosen_and_why_not(client, clock, town):
    clock.set("2026-11-24T14:01:00+01:00")

    response = client.get("/api/v1/delivery/windows", query_string={
        "address": TABLES.label, "shops": "boulangerie,fromagerie", "basket_cents": "2500"})

    assert response.status_code == 200
    body = response.json
    assert (body["zone"]["name"], body["fee_cents"]) == ("Le Puy", 490)
    by_day = {w["day"]: w for w in body["windows"]}
    assert (by_day[TUESDAY]["available"], by_day[TUESDAY]["refusal"]) == (False,
                                                                          "cutoff_passed")
    assert by_day["2026-11-25"] == {
        "window_id": town["window"].id, "day": "2026-11-25",
        "start": "2026-11-25T17:00:00+01:00", "end": "2026-11-25T19:00:00+01:00",
        "remaining": 10, "fee_cents": 490, "available": True, "refusal": None, "shop": None}


@pytest.mark.parametrize("query, code, field", [
    ({"address": "nulle part", "shops": "boulangerie", "basket_cents": "2500"},
     "unknown_address", "address"),
    ({"address": TABLES.label, "shops": "boulangerie", "basket_cents": "100"},
     "below_minimum", "basket_cents"),
    ({"address": TABLES.label, "shops": "inconnue", "basket_cents": "2500"},
     "unknown_shop", "shops"),
    ({"address": TABLES.label, "shops": "boulangerie", "basket_cents": "-1"},
     "invalid_amount", "basket_cents"),
    ({"address": TABLES.label, "basket_cents": "2500"}, "required", "shops"),
])
def test_windows_refusals_name_their_parameter(client, town, query, code, field):
    response = client.get("/api/v1/delivery/windows", query_string=query)

    assert error_of(response) == (422, code, field)


# --- the race for the last drops, through the checkout ------------------------------------

@pytest.mark.real_commits
def test_eight_checkouts_race_for_the_last_two_drops_and_two_win(app, clock, town, payments):
    town["window"].drops = 2
    db.session.commit()
    geocoder = app.extensions["comptoir.geocoder"]
    bodies = [{**delivered_payload(town, clock, fourme=1, bread=4),
               "customer": {"name": f"Client {i}", "phone": f"06 12 34 56 {i:02d}"}}
              for i in range(8)]

    outcomes = race(app, [lambda body=body: create_checkout(
        parse_checkout(body), now=clock.now, provider=payments, geocoder=geocoder)
        for body in bodies])

    assert outcomes.count("ok") == 2, outcomes
    assert set(outcomes) - {"ok"} == {("window_full", "delivery.window_id")}
    db.session.remove()
    assert drops_taken(town["window"].id, clock.now.date()) == 2
    assert count(DeliveryRequest) == count(Checkout) == 2
    assert stock_of(town["fourme"]) == 3  # the losers' cheese back on the shelf
