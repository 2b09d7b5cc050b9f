"""When an SMS may go, in the town's time zone.

- A message that answers what the shopper just did (order placed, ready, cancelled) goes at
  once, whatever the hour: they are holding their phone.
- A reminder is functional, yet a careful sender keeps it within 08:00-20:00. One that would
  fall outside is moved to the last moment of the window before it: 07:30 becomes 20:00 the
  evening before, 21:00 becomes 20:00 the same day. (Earlier rather than later: a reminder
  after the slot has begun would be useless.)
- A promotional message goes 08:00-21:30, Monday to Saturday, never on a public holiday (the
  French operators' charter for business messaging); one written outside waits for the next
  opening of that window.
"""
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import holidays

from app.timeutil import local, town_tz

REMINDER_WINDOW = (time(8, 0), time(20, 0))
PROMO_WINDOW = (time(8, 0), time(21, 30))
SUNDAY = 6


@lru_cache(maxsize=8)
def _french_holidays(year: int) -> holidays.HolidayBase:
    return holidays.France(years=year)


def is_public_holiday(day: date) -> bool:
    return day in _french_holidays(day.year)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=town_tz()).astimezone(timezone.utc)


def reminder_send_at(slot_start: datetime, minutes_before: int) -> datetime:
    """When the reminder for a slot goes: `minutes_before` the slot, moved back into
    08:00-20:00 (town time) when it would fall outside."""
    wanted = slot_start - timedelta(minutes=minutes_before)
    day, moment = local(wanted).date(), local(wanted).timetz().replace(tzinfo=None)
    opens, closes = REMINDER_WINDOW
    if moment < opens:
        return _at(day - timedelta(days=1), closes)
    if moment > closes:
        return _at(day, closes)
    return wanted


def promo_open(at: datetime) -> bool:
    """May a promotional SMS go at `at`?"""
    here = local(at)
    opens, closes = PROMO_WINDOW
    return (here.weekday() != SUNDAY and not is_public_holiday(here.date())
            and opens <= here.timetz().replace(tzinfo=None) < closes)


def next_promo_moment(at: datetime) -> datetime:
    """`at` itself when promotional messages may go then, else the next opening of the
    window (08:00 of the next day that is neither a Sunday nor a public holiday)."""
    if promo_open(at):
        return at
    day = local(at).date()
    if local(at).timetz().replace(tzinfo=None) >= PROMO_WINDOW[0]:
        day += timedelta(days=1)
    while day.weekday() == SUNDAY or is_public_holiday(day):
        day += timedelta(days=1)
    return _at(day, PROMO_WINDOW[0])


def daytime_send_at(now: datetime) -> datetime:
    """When a message that does not answer what the shopper just did (a delivery's time,
    told when the rounds are planned) may go: now within 08:00-20:00 (town time), else at
    the next 08:00."""
    here = local(now)
    opens, closes = REMINDER_WINDOW
    moment = here.timetz().replace(tzinfo=None)
    if opens <= moment <= closes:
        return now
    day = here.date() + (timedelta(days=1) if moment > closes else timedelta())
    return _at(day, opens)
