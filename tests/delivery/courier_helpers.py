"""Given-helpers for the courier: a paid basket brought home, planned into one round."""
from dataclasses import dataclass
from datetime import date

from flask import current_app

from app.delivery.models import DeliveryRequest, Round, Stop
from app.delivery.planning import Point, create_courier, plan_rounds
from app.delivery.services import delivery_for_checkout
from app.orders import services as orders
from app.orders.models import Checkout, Order
from app.orders.requests import parse_checkout
from tests.delivery.helpers import TABLES, evening_window, town_zone
from tests.factories import checkout_payload, make_product, make_shop

TUESDAY = date(2026, 11, 24)  # the test clock's day
# Where the shops stand for the planner (no geocoder called).
SHOP_POINTS = {"boulangerie": Point(45.0437, 3.8851), "fromagerie": Point(45.0449, 3.8829)}


@dataclass
class Basket:
    checkout: Checkout
    request: DeliveryRequest
    shops: list

    @property
    def orders(self) -> list[Order]:
        return list(self.checkout.orders)


def delivered_basket(clock, payments, *, shops=None, phone="06 12 34 56 78",
                     language="fr", window=None) -> Basket:
    """A paid checkout from `shops` (a bakery by default) to 12 rue des Tables, holding a
    drop of the evening window (17:00-19:00) today."""
    if window is None:
        town_zone(min_basket_cents=0)
        window = evening_window()
    if shops is None:
        shops = [make_shop("boulangerie", address="3 rue des Tables, 43000 Le Puy-en-Velay",
                           phone="04 71 02 03 04")]
    lines = {shop: [(make_product(shop, f"Article de {shop.slug}", 450, stock=20), 2)]
             for shop in shops}
    # Through the real delivery checkout: the fee is authorised with the goods.
    payload = checkout_payload(lines, clock.now, phone=phone)
    payload["customer"]["language"] = language
    for order in payload["orders"]:
        del order["slot"]
    payload["delivery"] = {"address": TABLES.label, "window_id": window.id,
                           "day": TUESDAY.isoformat()}
    result = orders.create_checkout(parse_checkout(payload), now=clock.now, provider=payments,
                                    payload=payload,
                                    geocoder=current_app.extensions["comptoir.geocoder"])
    orders.pay_checkout(result.checkout_id, "test_ok", now=clock.now, provider=payments)
    checkout = orders.get_checkout(result.checkout_id)
    request = delivery_for_checkout(checkout.id)
    return Basket(checkout, request, shops)


def plan(basket: Basket, clock, *, couriers=None) -> Round:
    couriers = couriers or [create_courier(name="Léa", phone="06 99 88 77 66", capacity=8)]
    points = {shop.id: SHOP_POINTS.get(shop.slug, Point(45.0437, 3.8851))
              for shop in basket.shops}
    result = plan_rounds(TUESDAY, basket.request.window_id, couriers, clock.now,
                         shop_points=points)
    return next(r for r in result.rounds
                if basket.request.id in {s.request_id for s in r.stops})


def ready_all(basket: Basket, clock, payments) -> None:
    """Each shop confirms its order as ordered, then marks it ready."""
    for order in basket.orders:
        orders.confirm_lines(order.id, order.shop_id, [], now=clock.now, provider=payments)
        orders.mark_ready(order.id, order.shop_id, now=clock.now)


def stops_of(round_: Round, kind: str) -> list[Stop]:
    return [s for s in round_.stops if s.kind == kind]
