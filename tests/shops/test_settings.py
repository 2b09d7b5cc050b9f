"""The shop's settings as the shop changes them: what is refused names its field and writes
nothing; what is accepted shows at once in the slots offered."""
from datetime import date, time

import pytest

from app.errors import Invalid, NotFound
from app.pickup.services import bookable_slots
from app.shops.services import (check_week, plan_closure, remove_closure, set_opening_hours,
                                update_pickup_settings, update_profile, upcoming_closures)
from app.timeutil import local
from tests.factories import make_shop

WEDNESDAY = date(2026, 11, 25)  # the day after the default clock (Tue 2026-11-24 09:00)
TODAY = date(2026, 11, 24)
CLOSED = {day: [] for day in ("monday", "tuesday", "wednesday", "thursday", "friday",
                              "saturday", "sunday")}


def starts(shop, day=WEDNESDAY, now=None):
    return [local(s.start).strftime("%H:%M") for s in bookable_slots(shop, day, now)]


def test_hours_with_a_lunch_break_change_the_slots_offered(app, clock):
    shop = make_shop()
    week = {**CLOSED, "wednesday": [("14:00", "16:00"), ("08:30", "12:00")]}

    set_opening_hours(shop.id, week)

    offered = starts(shop, now=clock.now)
    assert offered[0] == "08:30" and offered[-1] == "15:45"
    assert not [s for s in offered if "12:00" <= s < "14:00"]
    assert bookable_slots(shop, date(2026, 11, 26), clock.now) == []  # Thursday: closed


@pytest.mark.parametrize("periods, field, code", [
    ([("9:00", "12:00")], "wednesday[0].opens", "invalid_time"),
    ([("09:00", "12:07")], "wednesday[0].closes", "invalid_time"),
    ([("24:00", "12:00")], "wednesday[0].opens", "invalid_time"),
    ([("12:00", "12:00")], "wednesday[0].closes", "closes_before_opens"),
    ([("09:00", "13:00"), ("12:30", "18:00")], "wednesday[1].opens", "overlapping_periods"),
    ([("14:00", "18:00"), ("09:00", "14:30")], "wednesday[0].opens", "overlapping_periods"),
    ([("08:00", "09:00")] * 4, "wednesday", "too_many_periods"),
])
def test_bad_hours_are_refused_on_their_field_and_nothing_changes(app, clock, periods,
                                                                   field, code):
    shop = make_shop()
    before = starts(shop, now=clock.now)

    with pytest.raises(Invalid) as refused:
        set_opening_hours(shop.id, {**CLOSED, "wednesday": periods})

    assert (refused.value.field, refused.value.code) == (field, code)
    assert starts(shop, now=clock.now) == before


def test_every_day_must_be_given(app):
    week = dict(CLOSED)
    del week["sunday"]
    with pytest.raises(Invalid) as refused:
        check_week(week)
    assert refused.value.field == "sunday"


def test_pickup_settings_show_in_the_slots_and_bad_ones_are_refused(app, clock):
    shop = make_shop(hours=[(2, time(9), time(12))])

    update_pickup_settings(shop.id, {"slot_minutes": 30, "prep_minutes": 0})
    assert starts(shop, now=clock.now) == ["09:00", "09:30", "10:00", "10:30", "11:00",
                                           "11:30"]
    for changes, field in [({"slot_minutes": 25}, "slot_minutes"),
                           ({"seats_per_slot": 0}, "seats_per_slot"),
                           ({"seats_per_slot": 51}, "seats_per_slot"),
                           ({"prep_minutes": 1441}, "prep_minutes"),
                           ({"hold_minutes": 4}, "hold_minutes"),
                           ({"no_show_minutes": 59}, "no_show_minutes"),
                           ({"reminder_minutes": "60"}, "reminder_minutes"),
                           ({"seats_per_slot": True}, "seats_per_slot"),
                           ({"prep_minutes": 10, "colour": 1}, "colour")]:
        with pytest.raises(Invalid) as refused:
            update_pickup_settings(shop.id, changes)
        assert refused.value.field == field
    assert (shop.slot_minutes, shop.prep_minutes, shop.seats_per_slot) == (30, 0, 4)


def test_a_closure_empties_its_days_and_is_withdrawn(app, clock):
    shop = make_shop()
    closure = plan_closure(shop.id, WEDNESDAY, WEDNESDAY, "  Inventaire ", today=TODAY)
    assert starts(shop, now=clock.now) == []
    assert [(c.start_date, c.reason) for c in upcoming_closures(shop.id, TODAY)] == [
        (WEDNESDAY, "Inventaire")]

    remove_closure(shop.id, closure.id)
    assert starts(shop, now=clock.now)[0] == "09:00"


@pytest.mark.parametrize("start, end, reason, field", [
    (date(2026, 11, 23), date(2026, 11, 25), "", "start_date"),
    (date(2026, 11, 26), date(2026, 11, 25), "", "end_date"),
    (date(2029, 1, 1), date(2029, 1, 1), "", "start_date"),
    (WEDNESDAY, WEDNESDAY, "x" * 201, "reason"),
])
def test_bad_closures_are_refused_on_their_field(app, start, end, reason, field):
    shop = make_shop()
    with pytest.raises(Invalid) as refused:
        plan_closure(shop.id, start, end, reason, today=TODAY)
    assert refused.value.field == field
    assert upcoming_closures(shop.id, TODAY) == []


def test_another_shops_closure_cannot_be_removed(app):
    ours, theirs = make_shop(), make_shop(slug="fromagerie", name="Fromagerie")
    closure = plan_closure(theirs.id, WEDNESDAY, WEDNESDAY, "", today=TODAY)
    with pytest.raises(NotFound):
        remove_closure(ours.id, closure.id)


def test_profile_description(app):
    shop = make_shop()
    update_profile(shop.id, description="  Pain au levain depuis 1950. ")
    assert shop.description == "Pain au levain depuis 1950."
    with pytest.raises(Invalid) as refused:
        update_profile(shop.id, description="x" * 2001)
    assert refused.value.field == "description"
    assert shop.description == "Pain au levain depuis 1950."


def test_a_public_holiday_is_closed_unless_the_shop_opens_on_it(app, clock):
    # Christmas 2026 is a Friday; the shop opens Monday to Saturday
    clock.set("2026-12-22T09:00:00+01:00")
    shop = make_shop()
    christmas = date(2026, 12, 25)
    assert bookable_slots(shop, christmas, clock.now) == []
    assert bookable_slots(shop, date(2026, 12, 24), clock.now)

    update_profile(shop.id, description="", holiday_openings=["christmas_day"])

    assert starts(shop, christmas, clock.now)[0] == "09:00"
    with pytest.raises(Invalid) as refused:
        update_profile(shop.id, description="", holiday_openings=["noel"])
    assert refused.value.field == "holiday_openings"
    assert shop.holiday_openings == "christmas_day"


def test_the_kind_of_shop_is_one_of_the_list(app):
    shop = make_shop()
    update_profile(shop.id, description="", kind="fromagerie")
    assert shop.kind == "fromagerie"
    with pytest.raises(Invalid) as refused:
        update_profile(shop.id, description="", kind="<b>")
    assert refused.value.field == "kind"
