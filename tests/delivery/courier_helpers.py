"""Given-helpers for the courier: a paid basket brought home, planned into one round."""
from dataclasses import dataclass
from datetime import date

from app.database import unit_of_work
from app.delivery.models import DeliveryRequest, Round, Stop
from app.delivery.planning import Point, create_courier, plan_rounds
from app.delivery.services import hold_delivery
from app.orders import services as orders
from app.orders.models import Checkout, Order
from tests.delivery.helpers import TABLES, evening_window, town_zone
from tests.factories import make_product, make_shop, place_order

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
    checkout = place_order(lines, clock.now, payments, phone=phone)
    checkout.customer.language = language
    with unit_of_work():
        request = hold_delivery(TABLES, shops, 900 * len(shops), window.id, TUESDAY,
                                clock.now, checkout_id=checkout.id)
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
