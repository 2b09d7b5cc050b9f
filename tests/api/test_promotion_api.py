"""Promotions through the JSON API: the price of the moment in the product JSON, the
merchant's edits named field by field, and a checkout that keeps the price of its moment."""
import pytest

from app.extensions import db
from tests.api.conftest import error_of, paid_checkout

START, END = "2026-11-24T09:30:00+01:00", "2026-11-24T12:00:00+01:00"


def _promote(client, auth, product, **body):
    response = client.patch(f"/api/v1/merchant/products/{product.id}", headers=auth,
                            json={"promo_price_cents": 99, "promo_starts_at": START,
                                  "promo_ends_at": END, **body})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _bread_json(client, bread):
    items = client.get("/api/v1/products?shop=boulangerie").json["items"]
    return next(p for p in items if p["id"] == bread.id)


def test_the_product_json_carries_the_promotion_only_during_its_window(client, clock, auth,
                                                                        bread):
    stored = _promote(client, auth, bread)
    # The merchant sees what is stored, even before it starts.
    assert (stored["promo_price_cents"], stored["promo_starts_at"], stored["promo_ends_at"]) \
        == (99, START, END)
    assert (stored["price_cents"], stored["promotion"]) == (130, None)

    clock.set("2026-11-24T09:29:59+01:00")
    before = _bread_json(client, bread)
    clock.set(START)
    during = _bread_json(client, bread)
    clock.set(END)
    after = _bread_json(client, bread)

    assert (before["price_cents"], before["regular_price_cents"], before["promotion"]) \
        == (130, 130, None)
    assert (during["price_cents"], during["regular_price_cents"]) == (99, 130)
    assert during["promotion"] == {"price_cents": 99, "starts_at": START, "ends_at": END}
    assert (after["price_cents"], after["promotion"]) == (130, None)


def test_a_checkout_during_the_promotion_pays_its_price_after_it_ends_and_the_price_changes(
        client, clock, payments, auth, shop, bread):
    _promote(client, auth, bread)
    clock.set("2026-11-24T10:00:00+01:00")
    checkout = paid_checkout(client, {shop: [(bread, 3)]}, clock.now)
    assert checkout["total_cents"] == 3 * 99

    clock.set("2026-11-24T12:30:00+01:00")  # the promotion is over…
    assert client.patch(f"/api/v1/merchant/products/{bread.id}", headers=auth,
                        json={"price_cents": 150}).status_code == 200  # …and the price up
    order_id = checkout["orders"][0]["id"]
    tracked = client.get(f"/api/v1/orders/{order_id}",
                         headers={"X-Tracking-Token": checkout["orders"][0]["tracking_token"]})

    assert tracked.json["total_cents"] == 297
    assert [line["unit_price_cents"] for line in tracked.json["lines"]] == [99]

    for action, body in (("confirm", {"lines": []}), ("ready", None), ("collect", None)):
        answer = client.post(f"/api/v1/merchant/orders/{order_id}/{action}", headers=auth,
                             json=body)
        assert answer.status_code == 200, (action, answer.get_json())
    assert [c[2] for c in payments.calls if c[0] == "capture"] == [297]  # charged that


def test_a_checkout_one_minute_after_the_end_pays_the_regular_price(client, clock, auth, shop,
                                                                    bread):
    _promote(client, auth, bread)
    clock.set("2026-11-24T12:01:00+01:00")

    checkout = paid_checkout(client, {shop: [(bread, 3)]}, clock.now)

    assert checkout["total_cents"] == 3 * 130


def test_a_null_price_ends_the_promotion_and_forgets_its_dates(client, clock, auth, bread):
    _promote(client, auth, bread)
    clock.set(START)

    ended = client.patch(f"/api/v1/merchant/products/{bread.id}", headers=auth,
                         json={"promo_price_cents": None}).json

    assert (ended["price_cents"], ended["promotion"], ended["promo_price_cents"],
            ended["promo_starts_at"], ended["promo_ends_at"]) == (130, None, None, None, None)


def test_an_open_ended_promotion_runs_from_now_and_the_category_is_trimmed(client, auth, bread):
    body = client.patch(f"/api/v1/merchant/products/{bread.id}", headers=auth,
                        json={"promo_price_cents": 110, "category": "  Pains "}).json

    assert (body["price_cents"], body["regular_price_cents"], body["category"]) \
        == (110, 130, "Pains")
    assert body["promotion"] == {"price_cents": 110, "starts_at": None, "ends_at": None}


@pytest.mark.parametrize("body, field", [
    ({"promo_price_cents": 130}, "promo_price_cents"),  # not lower than the price
    ({"promo_price_cents": -1}, "promo_price_cents"),
    ({"promo_price_cents": "99"}, "promo_price_cents"),
    ({"promo_price_cents": True}, "promo_price_cents"),
    ({"price_cents": 90, "promo_price_cents": 99}, "promo_price_cents"),
    ({"promo_price_cents": 99, "promo_starts_at": "demain"}, "promo_starts_at"),
    ({"promo_price_cents": 99, "promo_starts_at": "2026-11-25T08:00:00"}, "promo_starts_at"),
    ({"promo_price_cents": 99, "promo_starts_at": 1764050400}, "promo_starts_at"),
    ({"promo_price_cents": 99, "promo_ends_at": "2026-13-01T08:00:00+01:00"}, "promo_ends_at"),
    ({"promo_price_cents": 99, "promo_ends_at": "9999-12-31T23:59:00+01:00"}, "promo_ends_at"),
    ({"promo_price_cents": 99, "promo_starts_at": "2026-11-26T08:00:00+01:00",
      "promo_ends_at": "2026-11-25T08:00:00+01:00"}, "promo_ends_at"),
    ({"promo_price_cents": 99, "promo_ends_at": "2026-11-24T08:59:00+01:00"}, "promo_ends_at"),
    ({"promo_starts_at": "2026-11-25T08:00:00+01:00"}, "promo_price_cents"),
    ({"category": ""}, "category"),
    ({"category": "x" * 61}, "category"),
    ({"category": 3}, "category"),
])
def test_a_bad_promotion_is_named_and_nothing_changes(client, auth, bread, body, field):
    response = client.patch(f"/api/v1/merchant/products/{bread.id}", headers=auth,
                            json={"stock": 5, **body})

    status, code, named = error_of(response)
    assert (status, named) == (422, field) and code in ("invalid", "required")
    assert response.json["error"]["message"]
    db.session.refresh(bread)
    assert (bread.stock, bread.price_cents, bread.promo_price_cents, bread.category) \
        == (20, 130, None, "")
