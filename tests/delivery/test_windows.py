"""Delivery windows: offered only when every shop of the basket can have its order ready
before the window starts and before the cut-off, each refusal with its reason; a drop is
held as a pickup seat is, and the race for the last drops has exactly as many winners."""
from datetime import date, time

import pytest
import sqlalchemy as sa

from app.delivery.models import DeliveryRequest, WindowDrops
from app.delivery.services import (cancel_request, drops_taken, hold_delivery, windows_for)
from app.errors import Conflict, DomainError
from app.extensions import db
from app.shops.models import Shop
from app.shops.services import add_closure
from tests.delivery.helpers import TABLES, YSSINGEAUX, evening_window, race, town_zone
from tests.factories import make_shop

TUESDAY, WEDNESDAY = date(2026, 11, 24), date(2026, 11, 25)  # the clock: Tuesday 09:00


@pytest.fixture
def town(app):
    zone, window = town_zone(), evening_window()
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    cheese = make_shop("fromagerie", "Fromagerie du Plot")
    return zone, window, [bakery, cheese]


def offer(offers, day, window):
    return next(o for o in offers if o.day == day and o.window_id == window.id)


def test_a_window_every_shop_can_prepare_for_is_offered_with_its_fee(town, clock):
    _zone, window, shops = town

    today = offer(windows_for(TABLES, shops, 2500, clock.now), TUESDAY, window)

    assert today.offered
    assert (today.remaining, today.fee_cents) == (10, 490)
    assert today.start.hour == 16  # 17:00 in Paris, UTC+1


def test_an_address_outside_every_zone_gets_no_window(town, clock):
    _zone, _window, shops = town

    with pytest.raises(DomainError) as refused:
        windows_for(YSSINGEAUX, shops, 2500, clock.now)

    assert (refused.value.code, refused.value.field) == ("outside_zones", "address")


def test_a_basket_below_the_minimum_gets_no_window(town, clock):
    _zone, _window, shops = town

    with pytest.raises(DomainError) as refused:
        windows_for(TABLES, shops, 1999, clock.now)

    assert (refused.value.code, refused.value.field) == ("below_minimum", "basket")
    assert "0,01" in refused.value.message


def test_after_the_same_day_cut_off_the_window_is_refused_until_tomorrow(town, clock):
    _zone, window, shops = town
    clock.set("2026-11-24T14:01:00+01:00")

    offers = windows_for(TABLES, shops, 2500, clock.now)

    assert offer(offers, TUESDAY, window).refusal == "cutoff_passed"
    assert offer(offers, WEDNESDAY, window).offered


def test_a_morning_window_closes_the_evening_before(town, clock):
    _zone, _evening, shops = town
    morning = evening_window(starts=time(10), ends=time(12), cutoff_days_before=1,
                             cutoff_time=time(18))
    clock.set("2026-11-24T17:59:00+01:00")

    offers = windows_for(TABLES, shops, 2500, clock.now)

    assert offer(offers, TUESDAY, morning).refusal == "cutoff_passed"
    assert offer(offers, WEDNESDAY, morning).offered
    clock.set("2026-11-24T18:00:00+01:00")
    assert offer(windows_for(TABLES, shops, 2500, clock.now), WEDNESDAY,
                 morning).refusal == "cutoff_passed"


def test_a_shop_closed_that_day_refuses_the_window_naming_the_shop(town, clock):
    _zone, window, [bakery, cheese] = town
    add_closure(cheese, WEDNESDAY, WEDNESDAY, "Inventaire")

    offers = windows_for(TABLES, [bakery, cheese], 2500, clock.now)

    refused = offer(offers, WEDNESDAY, window)
    assert (refused.refusal, refused.shop) == ("shop_closed", "fromagerie")
    assert offer(offers, TUESDAY, window).offered
    sunday = offer(offers, date(2026, 11, 29), window)  # shops open Monday to Saturday
    assert sunday.refusal == "shop_closed"


def test_a_shop_whose_preparation_ends_after_the_window_starts_refuses_it(town, clock):
    _zone, window, [bakery, _cheese] = town
    slow = make_shop("traiteur", "Traiteur Lent", prep_minutes=8 * 60 + 1)  # ready 17:01

    refused = offer(windows_for(TABLES, [bakery, slow], 2500, clock.now), TUESDAY, window)

    assert (refused.refusal, refused.shop) == ("not_ready", "traiteur")
    just_in_time = make_shop("traiteur-2", "Traiteur", prep_minutes=8 * 60)  # ready 17:00
    assert offer(windows_for(TABLES, [bakery, just_in_time], 2500, clock.now), TUESDAY,
                 window).offered


def test_a_window_after_closing_time_needs_the_order_collected_before_closing(town, clock):
    _zone, _window, [bakery, _cheese] = town
    late = evening_window(starts=time(19), ends=time(21), cutoff_time=time(18, 30))
    clock.set("2026-11-24T17:30:00+01:00")  # ready at 18:30, half an hour to collect

    assert offer(windows_for(TABLES, [bakery], 2500, clock.now), TUESDAY, late).offered
    clock.set("2026-11-24T18:00:00+01:00")  # ready at 19:00, as the shop closes
    refused = offer(windows_for(TABLES, [bakery], 2500, clock.now), TUESDAY, late)
    assert (refused.refusal, refused.shop) == ("no_pickup", "boulangerie")


def test_a_held_drop_counts_and_a_full_window_is_refused(town, clock):
    _zone, _window, shops = town
    window = evening_window(starts=time(18), ends=time(19), drops=1)

    request = hold_delivery(TABLES, shops, 2500, window.id, TUESDAY, clock.now)

    assert request.fee_cents == 490
    assert [p.shop_id for p in request.shops] == sorted(s.id for s in shops)
    assert offer(windows_for(TABLES, shops, 2500, clock.now), TUESDAY,
                 window).refusal == "window_full"
    with pytest.raises(Conflict) as refused:
        hold_delivery(TABLES, shops, 2500, window.id, TUESDAY, clock.now)
    assert (refused.value.code, refused.value.field) == ("window_full", "window")


def test_a_cancelled_request_gives_its_drop_back(town, clock):
    _zone, window, shops = town
    request = hold_delivery(TABLES, shops, 2500, window.id, TUESDAY, clock.now)
    assert drops_taken(window.id, TUESDAY) == 1

    cancel_request(request.id)

    assert drops_taken(window.id, TUESDAY) == 0
    assert offer(windows_for(TABLES, shops, 2500, clock.now), TUESDAY, window).remaining == 10


def test_a_refused_hold_writes_nothing(town, clock):
    _zone, window, shops = town
    clock.set("2026-11-24T15:00:00+01:00")

    with pytest.raises(DomainError) as refused:
        hold_delivery(TABLES, shops, 2500, window.id, TUESDAY, clock.now)

    assert refused.value.code == "cutoff_passed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeliveryRequest)) == 0
    assert drops_taken(window.id, TUESDAY) == 0


# ---- The race for the last drops ---------------------------------------------------------

@pytest.mark.real_commits
def test_20_shoppers_race_for_the_last_3_drops_and_exactly_3_hold_one(app, clock):
    town_zone()
    window = evening_window(drops=5)
    shop_ids = [make_shop("boulangerie").id, make_shop("fromagerie", "Fromagerie").id]
    window_id = window.id
    db.session.add(WindowDrops(window_id=window_id, day=TUESDAY, taken=2))
    db.session.commit()  # on SQLite a transaction of ours would keep an old snapshot

    def attempt():
        shops = list(db.session.scalars(sa.select(Shop).where(Shop.id.in_(shop_ids))))
        hold_delivery(TABLES, shops, 2500, window_id, TUESDAY, clock.now)

    outcomes = race(app, [attempt] * 20)

    assert outcomes.count("ok") == 3, outcomes
    assert outcomes.count(("window_full", "window")) == 17, outcomes
    assert drops_taken(window_id, TUESDAY) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeliveryRequest)) == 3


def test_a_basket_without_a_shop_gets_no_window(town, clock):
    with pytest.raises(DomainError) as refused:
        windows_for(TABLES, [], 2500, clock.now)

    assert (refused.value.code, refused.value.field) == ("empty_basket", "shops")
