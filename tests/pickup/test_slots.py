"""Pickup slots as a shopper sees them: opening hours, closures, preparation time, seats,
and the two Sundays a year when the clocks change."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from app.errors import Conflict, Invalid
from app.orders.requests import parse_checkout
from app.orders.services import create_checkout
from app.pickup.services import bookable_slots, next_bookable_slots
from app.shops.services import add_closure
from app.timeutil import iso, local
from tests.factories import make_product, make_shop

WEDNESDAY = date(2026, 11, 25)  # the day after the default clock (Tue 2026-11-24 09:00)
FIFTEEN = timedelta(minutes=15)


def hhmm(slot) -> str:
    return local(slot.start).strftime("%H:%M")


def book(shop, product, start: datetime, now: datetime, payments, phone="06 12 34 56 78"):
    """A shopper takes the slot starting at `start` (a hold, as POST /checkouts does)."""
    payload = {"customer": {"name": "Claire Dupont", "phone": phone},
               "orders": [{"shop": shop.slug, "slot": iso(start),
                           "lines": [{"product_id": product.id, "quantity": 1}]}]}
    return create_checkout(parse_checkout(payload), now=now, provider=payments).checkout


def test_no_slot_during_the_lunch_break(app, clock):
    shop = make_shop(hours=[(d, time(9), time(12)) for d in range(6)]
                     + [(d, time(14), time(19)) for d in range(6)])

    slots = bookable_slots(shop, WEDNESDAY, clock.now)

    starts = [hhmm(s) for s in slots]
    assert starts[:2] == ["09:00", "09:15"]
    assert "11:45" in starts and "14:00" in starts
    assert not [s for s in starts if "12:00" <= s < "14:00"]
    assert len(slots) == 12 + 20  # 3 h of morning, 5 h of afternoon, 15 minutes each
    assert all(local(s.end).strftime("%H:%M") <= "12:00" for s in slots if hhmm(s) < "12:00")


def test_no_slot_on_a_closure_day(app, clock):
    shop = make_shop()
    add_closure(shop, WEDNESDAY, WEDNESDAY, "inventaire")

    assert bookable_slots(shop, WEDNESDAY, clock.now) == []
    days = [day for day, _ in next_bookable_slots(shop, clock.now, days=3)]
    assert days == [date(2026, 11, 24), date(2026, 11, 26), date(2026, 11, 27)]


@pytest.mark.parametrize("ordered_at, first", [("10:00", "11:00"), ("10:05", "11:15")])
def test_a_daytime_order_gets_a_slot_after_the_preparation_time(app, clock, ordered_at, first):
    shop = make_shop(prep_minutes=60)
    clock.set(f"2026-11-24T{ordered_at}:00+01:00")

    day, slots = next_bookable_slots(shop, clock.now, days=1)[0]

    assert day == date(2026, 11, 24)
    assert hhmm(slots[0]) == first


def test_an_evening_order_gets_the_first_slot_of_the_next_opening_day(app, clock):
    shop = make_shop()
    clock.set("2026-11-24T21:30:00+01:00")

    assert bookable_slots(shop, date(2026, 11, 24), clock.now) == []
    day, slots = next_bookable_slots(shop, clock.now, days=1)[0]
    assert day == WEDNESDAY
    assert iso(slots[0].start) == "2026-11-25T09:00:00+01:00"


def test_a_saturday_evening_order_waits_for_monday_when_closed_on_sunday(app, clock):
    shop = make_shop()  # Monday to Saturday
    clock.set("2026-11-28T18:30:00+01:00")

    day, slots = next_bookable_slots(shop, clock.now, days=1)[0]

    assert day == date(2026, 11, 30)
    assert iso(slots[0].start) == "2026-11-30T09:00:00+01:00"


def test_a_full_slot_is_no_longer_offered_and_remaining_counts_down(app, clock, payments):
    shop = make_shop(seats_per_slot=3)
    bread = make_product(shop, stock=50)
    nine = bookable_slots(shop, WEDNESDAY, clock.now)[0]
    assert (hhmm(nine), nine.remaining) == ("09:00", 3)

    seen = []
    for i in range(3):
        book(shop, bread, nine.start, clock.now, payments, phone=f"06 12 34 56 0{i}")
        first = bookable_slots(shop, WEDNESDAY, clock.now)[0]
        seen.append((hhmm(first), first.remaining))

    assert seen == [("09:00", 2), ("09:00", 1), ("09:15", 3)]
    with pytest.raises(Conflict) as refused:
        book(shop, bread, nine.start, clock.now, payments, phone="06 12 34 56 09")
    assert (refused.value.code, refused.value.field) == ("slot_full", "orders[0].slot")


@pytest.mark.parametrize("slot, why", [
    ("2026-11-25T12:30:00+01:00", "lunch break"),
    ("2026-11-25T09:07:00+01:00", "not on the 15-minute grid"),
    ("2026-11-24T09:30:00+01:00", "inside the preparation time"),
    ("2026-11-26T10:00:00+01:00", "closure day"),
    ("2026-11-29T10:00:00+01:00", "Sunday, closed"),
    ("2027-01-05T10:00:00+01:00", "beyond the booking horizon"),
])
def test_a_slot_that_is_not_offered_is_refused_with_its_field(app, clock, payments, slot, why):
    shop = make_shop(hours=[(d, time(9), time(12)) for d in range(6)]
                     + [(d, time(14), time(19)) for d in range(6)])
    add_closure(shop, date(2026, 11, 26), date(2026, 11, 26))
    bread = make_product(shop, stock=5)

    with pytest.raises(Invalid) as refused:
        book(shop, bread, datetime.fromisoformat(slot), clock.now, payments)

    assert (refused.value.code, refused.value.field) == ("slot_unavailable", "orders[0].slot")
    assert bookable_slots(shop, WEDNESDAY, clock.now)[0].remaining == 4  # nothing taken


# --- the two Sundays a year when the clocks change ------------------------------------

SUNDAY_HOURS = [(d, time(9), time(19)) for d in range(7)]


@pytest.mark.parametrize("saturday_noon, sunday, nine_utc, offset", [
    ("2026-03-28T12:00:00+01:00", date(2026, 3, 29), "2026-03-29T07:00:00+00:00", "+02:00"),
    ("2026-10-24T12:00:00+02:00", date(2026, 10, 25), "2026-10-25T08:00:00+00:00", "+01:00"),
])
def test_slots_on_the_sundays_the_clocks_change(app, clock, payments, saturday_noon, sunday,
                                               nine_utc, offset):
    shop = make_shop(hours=SUNDAY_HOURS)
    bread = make_product(shop, stock=50)
    clock.set(saturday_noon)

    slots = bookable_slots(shop, sunday, clock.now)

    assert slots[0].start.isoformat() == nine_utc
    assert iso(slots[0].start) == f"{sunday.isoformat()}T09:00:00{offset}"
    assert iso(slots[-1].start) == f"{sunday.isoformat()}T18:45:00{offset}"
    assert len(slots) == 40 and len({s.start for s in slots}) == 40
    assert all(s.end - s.start == FIFTEEN for s in slots)
    assert all(a.end == b.start for a, b in zip(slots, slots[1:]))

    book(shop, bread, slots[0].start, clock.now, payments)
    assert bookable_slots(shop, sunday, clock.now)[0].remaining == 3


@pytest.mark.parametrize("saturday_noon, sunday, night_hours", [
    ("2026-03-28T12:00:00+01:00", date(2026, 3, 29), 5),   # 02:00 becomes 03:00
    ("2026-10-24T12:00:00+02:00", date(2026, 10, 25), 7),  # 03:00 becomes 02:00
])
def test_a_shop_open_through_the_night_of_the_change_gets_every_quarter_once(
        app, clock, payments, saturday_noon, sunday, night_hours):
    shop = make_shop(hours=[(6, time(0), time(6))])
    bread = make_product(shop, stock=50)
    clock.set(saturday_noon)

    slots = bookable_slots(shop, sunday, clock.now)

    assert len(slots) == night_hours * 4
    assert len({s.start for s in slots}) == len(slots)
    assert all(s.end - s.start == FIFTEEN for s in slots)
    assert all(a.end == b.start for a, b in zip(slots, slots[1:]))
    assert iso(slots[0].start).endswith("T00:00:00" + ("+01:00" if sunday.month == 3
                                                       else "+02:00"))
    assert local(slots[-1].end).strftime("%H:%M") == "06:00"

    # Each real quarter of an hour has its own seats, even when the wall clock repeats.
    for slot in slots:
        book(shop, bread, slot.start, clock.now, payments)
    assert [s.remaining for s in bookable_slots(shop, sunday, clock.now)] == [3] * len(slots)
    assert all(s.start.tzinfo == timezone.utc for s in slots)
