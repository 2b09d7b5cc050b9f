"""Issue 12, "The 500s": Stripe events correctly signed but odd. A signature says who sent
the body, not that it is an event this app can read: each is a 400 malformed, nothing
recorded, nothing placed; a real event after them is handled as usual."""
import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.orders.models import Checkout
from app.payments.models import PaymentEvent
from tests.factories import make_product, make_shop
from tests.payments.conftest import deliver


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _event(**fields) -> dict:
    return {"id": "evt_odd_1", "object": "event", "type": "payment_intent.succeeded",
            "data": {"object": {"id": "pi_odd", "object": "payment_intent",
                                "status": "requires_capture"}}, **fields}


ODD = {
    "nested 200,000 deep": json.dumps(_event()).replace('"evt_odd_1"', _deep(200_000), 1),
    "nested in data.object": json.dumps(_event(data={"object": json.loads(_deep(500))})),
    "whole body nested": _deep(200_000),
    "a JSON string": json.dumps("evt_1"),
    "a JSON number": "42",
    "null": "null",
    "not JSON": "{id: evt_1",
    "an event without id": json.dumps({k: v for k, v in _event().items() if k != "id"}),
    "an id that is a number": json.dumps(_event(id=12)),
    "an id with a NUL": json.dumps(_event(id="evt_\u0000")),
    "an id longer than its column": json.dumps(_event(id="evt_" + "x" * 200)),
    "without type": json.dumps({k: v for k, v in _event().items() if k != "type"}),
    "data a string": json.dumps(_event(data="pi_1")),
    "data.object a list": json.dumps(_event(data={"object": []})),
    "an intent without id": json.dumps(_event(data={"object": {"object": "payment_intent",
                                                                 "status": "succeeded"}})),
    "an intent without status": json.dumps(_event(data={"object": {
        "object": "payment_intent", "id": "pi_1"}})),
    "metadata a string": json.dumps(_event(data={"object": {
        "object": "payment_intent", "id": "pi_1", "status": "requires_capture",
        "metadata": "checkout_id=1"}})),
    "an amount in words": json.dumps(_event(data={"object": {
        "object": "payment_intent", "id": "pi_1", "status": "requires_capture",
        "amount_capturable": "260"}})),
    "a payment error a string": json.dumps(_event(type="payment_intent.payment_failed", data={
        "object": {"object": "payment_intent", "id": "pi_1", "status": "requires_payment_method",
                   "last_payment_error": "card_declined"}})),
}


@pytest.mark.parametrize("body", ODD.values(), ids=ODD.keys())
def test_a_signed_but_odd_event_is_a_400_and_records_nothing(app, client, body):
    response = deliver(client, body)

    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "malformed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentEvent)) == 0


def test_a_checkout_id_in_odd_digits_is_no_checkout(app, client, clock, fake_stripe):
    """metadata.checkout_id '²' passed str.isdigit() and failed int(): a 500."""
    body = json.dumps(_event(data={"object": {
        "object": "payment_intent", "id": "pi_1", "status": "requires_capture",
        "metadata": {"checkout_id": "²"}}}))

    response = deliver(client, body)

    assert (response.status_code, response.json["outcome"]) == (200, "unknown_checkout")


def test_after_the_odd_ones_a_real_event_still_places_its_checkout(app, client, clock,
                                                                   fake_stripe):
    for body in list(ODD.values())[:4]:
        deliver(client, body)
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=20)
    from tests.payments.conftest import authorise, create_checkout
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json

    response = authorise(client, fake_stripe, created["payment"]["payment_intent"])

    assert (response.status_code, response.json["outcome"]) == (200, "placed")
    assert db.session.scalar(sa.select(Checkout.status)) == "placed"
