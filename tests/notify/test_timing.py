"""When SMS may go: reminders kept within 08:00-20:00 (moved earlier, never later), and
promotional messages only 08:00-21:30 Monday to Saturday, never on a public holiday."""
from datetime import datetime, timezone

import pytest

from app.notify.timing import next_promo_moment, promo_open, reminder_send_at
from app.timeutil import iso, parse_instant


@pytest.fixture
def town(app):
    with app.app_context():
        yield


@pytest.mark.parametrize("slot, minutes, expected", [
    ("2026-11-24T10:00", 60, "2026-11-24T09:00:00+01:00"),   # inside: as set by the shop
    ("2026-11-24T09:00", 60, "2026-11-24T08:00:00+01:00"),   # on the opening edge
    ("2026-11-24T08:30", 60, "2026-11-23T20:00:00+01:00"),   # 07:30 -> the evening before
    ("2026-11-24T09:00", 180, "2026-11-23T20:00:00+01:00"),  # 06:00 -> the evening before
    ("2026-11-24T21:30", 60, "2026-11-24T20:00:00+01:00"),   # 20:30 -> 20:00 same day
    ("2026-03-30T08:30", 60, "2026-03-29T20:00:00+02:00"),   # the night clocks go forward
])
def test_reminder_moves_back_into_the_window(town, slot, minutes, expected):
    assert iso(reminder_send_at(parse_instant(slot), minutes)) == expected


@pytest.mark.parametrize("at, allowed", [
    ("2026-11-24T07:59", False), ("2026-11-24T08:00", True), ("2026-11-24T21:29", True),
    ("2026-11-24T21:30", False),
    ("2026-11-29T11:00", False),  # Sunday
    ("2026-12-25T11:00", False),  # Christmas, a Friday
    ("2026-11-11T11:00", False),  # Armistice, a Wednesday
    ("2026-11-28T11:00", True),   # Saturday
])
def test_promotional_window(town, at, allowed):
    assert promo_open(parse_instant(at)) is allowed


@pytest.mark.parametrize("at, expected", [
    ("2026-11-24T15:00", "2026-11-24T15:00:00+01:00"),  # open: at once
    ("2026-11-24T06:00", "2026-11-24T08:00:00+01:00"),  # before opening, same day
    ("2026-11-28T22:00", "2026-11-30T08:00:00+01:00"),  # Saturday night -> Monday
    ("2026-12-24T23:00", "2026-12-26T08:00:00+01:00"),  # over Christmas -> Saturday 26
    ("2026-05-07T22:00", "2026-05-09T08:00:00+02:00"),  # Victory Day Friday 8 May skipped
])
def test_next_promotional_moment(town, at, expected):
    assert iso(next_promo_moment(parse_instant(at))) == expected
