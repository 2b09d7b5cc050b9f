"""Replanning after the courier set off keeps the stops done and the round as it is; a
round not started is planned again, its courier's link still opening it."""
import sqlalchemy as sa

from app.delivery.courier import pickup
from app.delivery.models import DeliveryEvent, DeliveryWindow, Round
from app.delivery.planning import create_courier
from app.extensions import db
from tests.delivery.courier_helpers import delivered_basket, plan, ready_all, stops_of


def test_a_round_the_courier_started_is_kept_with_its_done_stops(app, clock, payments, client):
    first = delivered_basket(clock, payments)
    round_ = plan(first, clock)
    ready_all(first, clock, payments)
    [done] = stops_of(round_, "pickup")
    pickup(round_.token, done.id, clock.now)
    before = [(s.id, s.position, s.status) for s in round_.stops]
    window = db.session.get(DeliveryWindow, first.request.window_id)
    newcomer = delivered_basket(clock, payments, shops=first.shops, window=window,
                                phone="06 22 33 44 55")

    plan(newcomer, clock, couriers=[db.session.get(Round, round_.id).courier,
                                    create_courier(name="Malik", phone="", capacity=4)])

    db.session.expire_all()
    kept = db.session.get(Round, round_.id)
    assert [(s.id, s.position, s.status) for s in kept.stops] == before
    assert kept.status == "started"
    assert client.get(f"/tournee/{round_.token}").status_code == 200


def test_a_round_not_started_is_replanned_and_keeps_its_courier_link(app, clock, payments,
                                                                     client):
    basket = delivered_basket(clock, payments)
    courier = create_courier(name="Léa", phone="", capacity=8)
    first = plan(basket, clock, couriers=[courier])
    token = first.token

    again = plan(basket, clock, couriers=[courier])

    assert again.token == token
    assert db.session.scalar(sa.select(sa.func.count(Round.id))) == 1
    assert client.get(f"/tournee/{token}").status_code == 200
    # Planned once: the replanning found it planned already, no second event.
    assert db.session.scalars(sa.select(DeliveryEvent.code)).all() == ["request:planned"]
