"""One trip for the whole basket (the earliest span where every shop offers a slot), and
what the slot picker says of a shop's first slot."""
from datetime import date, datetime, timedelta

import pytest

from app.pickup.services import Slot, common_window, next_pickup_hint

DAY = date(2026, 11, 24)  # a Tuesday


def _at(text: str, day: date = DAY) -> datetime:
    return datetime.fromisoformat(f"{day}T{text}:00+01:00")  # Paris in November


def _slots(*hhmm: str, day: date = DAY, minutes: int = 15) -> list[tuple[date, list[Slot]]]:
    """Slots of `minutes` at those Paris times on `day`."""
    return [(day, [Slot(_at(t, day), _at(t, day) + timedelta(minutes=minutes), 4)
                   for t in hhmm])]


@pytest.fixture(autouse=True)
def _town(app):  # the town's time zone comes from the app
    yield


def test_the_earliest_span_where_every_shop_has_a_slot():
    window = common_window({1: _slots("16:00", "16:30", "16:45"), 2: _slots("16:45", "17:00")})

    assert (window.start, window.end) == (_at("16:30"), _at("17:00"))
    assert window.slots == {1: _at("16:30"), 2: _at("16:45")}


def test_every_chosen_slot_ends_within_the_span():
    # 17:00 and 17:20 start within 30 minutes, but the second ends at 17:35.
    assert common_window({1: _slots("17:00"), 2: _slots("17:20")}) is None
    start, end, slots = common_window({1: _slots("17:00"), 2: _slots("17:20")},
                                      max_span=timedelta(minutes=45))
    assert (start, end) == (_at("17:00"), _at("17:35"))


def test_no_window_across_two_days():
    late = [(DAY, [Slot(_at("23:45"), _at("23:45") + timedelta(minutes=15), 1)])]
    assert common_window({1: late, 2: _slots("00:00", day=DAY + timedelta(days=1))}) is None


def test_no_window_when_the_shops_slots_never_come_close_or_one_shop_only():
    assert common_window({1: _slots("09:00"), 2: _slots("12:00")}) is None
    assert common_window({1: _slots("09:00", "09:15")}) is None
    assert common_window({1: _slots("09:00"), 2: []}) is None


def test_a_slot_today_is_said_with_its_time():
    assert next_pickup_hint(_at("14:30"), _at("10:05")) == "Premier retrait aujourd'hui à 14:30."


def test_an_evening_order_is_collected_tomorrow_from_the_opening():
    hint = next_pickup_hint(_at("09:00", DAY + timedelta(days=1)), _at("21:00"))
    assert "commandez ce soir, retirez demain dès 09:00" in hint


def test_saturday_evening_says_monday():
    saturday = date(2026, 11, 28)
    hint = next_pickup_hint(_at("09:00", saturday + timedelta(days=2)), _at("21:00", saturday))
    assert "commandez ce soir, retirez lundi dès 09:00" in hint


def test_a_shop_closed_this_morning_does_not_say_tonight():
    hint = next_pickup_hint(_at("09:00", DAY + timedelta(days=1)), _at("10:00"))
    assert hint == "Plus de retrait possible aujourd'hui : retirez demain dès 09:00."
