"""Given-helpers for a delivered checkout: a town with a zone, an evening window and two
shops; the body of POST /checkouts that delivers their basket; the courier's hand-over."""
import pytest
import sqlalchemy as sa

from app.database import unit_of_work
from app.delivery.models import DeliveryRequest
from app.extensions import db
from app.orders import services as orders
from app.orders.requests import parse_checkout
from tests.delivery.helpers import TABLES, evening_window, town_zone
from tests.factories import checkout_payload, make_product, make_shop

TUESDAY = "2026-11-24"  # the clock: Tuesday 09:00 in Paris


@pytest.fixture
def town(app):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    cheese = make_shop("fromagerie", "Fromagerie du Plot")
    return {"zone": town_zone(), "window": evening_window(), "bakery": bakery,
            "cheese": cheese, "bread": make_product(bakery, "Pain de campagne", 450, stock=20),
            "fourme": make_product(cheese, "Fourme d'Ambert", 1290, stock=5)}


def delivered_payload(town, clock, *, bread=2, fourme=1, **delivery):
    """2 × 4.50 € of bread and 12.90 € of cheese, delivered tonight (fee 4.90 €)."""
    payload = checkout_payload({town["bakery"]: [(town["bread"], bread)],
                                town["cheese"]: [(town["fourme"], fourme)]}, clock.now)
    for order in payload["orders"]:
        del order["slot"]
    payload["delivery"] = {"address": TABLES.label, "window_id": town["window"].id,
                           "day": TUESDAY, **delivery}
    return payload


def delivered_checkout(app, town, clock, payments, *, pay=True, **amounts):
    payload = delivered_payload(town, clock, **amounts)
    result = orders.create_checkout(parse_checkout(payload), now=clock.now, provider=payments,
                                    payload=payload,
                                    geocoder=app.extensions["comptoir.geocoder"])
    if pay:
        orders.pay_checkout(result.checkout_id, "test_ok", now=clock.now, provider=payments)
    return orders.get_checkout(result.checkout_id)


def request_of(checkout) -> DeliveryRequest:
    db.session.expire_all()
    return db.session.scalar(sa.select(DeliveryRequest)
                             .where(DeliveryRequest.checkout_id == checkout.id))


def courier_says(checkout, status: str) -> None:
    """What the courier's page does (built apart): the request delivered or failed."""
    with unit_of_work():
        db.session.execute(sa.update(DeliveryRequest)
                           .where(DeliveryRequest.checkout_id == checkout.id)
                           .values(status=status))
