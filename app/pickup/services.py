"""Pickup slots: computed in the town's time zone, booked with a conditional UPDATE."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from app.database import dialect_insert
from app.errors import Conflict, Invalid
from app.extensions import db
from app.pickup.models import SlotSeats
from app.shops.models import Shop
from app.timeutil import local, local_today, town_tz

BOOKING_HORIZON_DAYS = 30  # slots are offered this far ahead, no further


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime    # UTC
    remaining: int


def _day_slots(shop: Shop, day: date) -> list[tuple[datetime, datetime]]:
    """Every slot of a day by the opening hours, as UTC (start, end). Opening and closing
    are read on the town's wall clock (09:00 stays 09:00 on the days the clocks change);
    the slots in between are stepped in UTC, so a shop open through the night of a change
    gets no duplicate slot in spring and no 75-minute slot in autumn."""
    if any(c.start_date <= day <= c.end_date for c in shop.closures):
        return []
    tz = town_tz()
    step = timedelta(minutes=shop.slot_minutes)
    slots = []
    for hours in shop.hours:
        if hours.weekday != day.weekday():
            continue
        start = datetime.combine(day, hours.opens, tzinfo=tz).astimezone(timezone.utc)
        close = datetime.combine(day, hours.closes, tzinfo=tz).astimezone(timezone.utc)
        while start + step <= close:
            slots.append((start, start + step))
            start += step
    return sorted(slots)


def _taken(shop: Shop, starts: list[datetime]) -> dict[datetime, int]:
    if not starts:
        return {}
    rows = db.session.execute(
        sa.select(SlotSeats.slot_start, SlotSeats.taken)
        .where(SlotSeats.shop_id == shop.id, SlotSeats.slot_start.in_(starts)))
    return {start: taken for start, taken in rows}


def bookable_slots(shop: Shop, day: date, now: datetime) -> list[Slot]:
    """Slots of `day` that can still be booked at `now`: opening hours, closures,
    preparation time and seats left. An evening order thus gets the next opening's slots."""
    today = local_today(now)
    if not shop.active or day < today or day > today + timedelta(days=BOOKING_HORIZON_DAYS):
        return []
    earliest = now + timedelta(minutes=shop.prep_minutes)
    candidates = [(s, e) for s, e in _day_slots(shop, day) if s >= earliest]
    taken = _taken(shop, [s for s, _ in candidates])
    slots = [Slot(s, e, shop.seats_per_slot - taken.get(s, 0)) for s, e in candidates]
    return [slot for slot in slots if slot.remaining > 0]


def next_bookable_slots(shop: Shop, now: datetime, *, days: int = 7) -> list[tuple[date, list[Slot]]]:
    """The next `days` calendar days that have bookable slots, for the slot picker."""
    found = []
    day = local_today(now)
    for _ in range(BOOKING_HORIZON_DAYS + 1):
        slots = bookable_slots(shop, day, now)
        if slots:
            found.append((day, slots))
            if len(found) == days:
                break
        day += timedelta(days=1)
    return found


def offered_slot(shop: Shop, start: datetime, now: datetime, *, field: str,
                 count_seats: bool = True) -> Slot:
    """The slot starting at `start` if it is offered now; 422 if it never is, 409 if full.
    count_seats=False skips the seat count (remaining is then the capacity): for a caller
    that books with take_seat, whose conditional UPDATE decides anyway."""
    day = local(start).date()
    for s, e in _day_slots(shop, day):
        if s == start:
            if s < now + timedelta(minutes=shop.prep_minutes) or day > local_today(now) + \
                    timedelta(days=BOOKING_HORIZON_DAYS):
                break
            if not count_seats:
                return Slot(s, e, shop.seats_per_slot)
            remaining = shop.seats_per_slot - _taken(shop, [s]).get(s, 0)
            if remaining <= 0:
                raise Conflict("Ce créneau est complet, choisissez-en un autre.", field=field,
                               code="slot_full")
            return Slot(s, e, remaining)
    raise Invalid("Ce créneau n'est pas proposé par la boutique.", field=field,
                  code="slot_unavailable")


def take_seat(shop: Shop, start: datetime, *, field: str) -> None:
    """Take one seat; the database settles the race for the last one.

    One statement: the first booking creates the row, the next ones add one only while
    seats are left (a conflicting row is locked and re-checked, so no two take the last)."""
    upsert = dialect_insert(SlotSeats).values(shop_id=shop.id, slot_start=start, taken=1)
    taken = db.session.execute(upsert.on_conflict_do_update(
        index_elements=[SlotSeats.shop_id, SlotSeats.slot_start],
        set_={"taken": SlotSeats.taken + 1}, where=SlotSeats.taken < shop.seats_per_slot)
        .returning(SlotSeats.taken)).scalar_one_or_none()
    if taken is None:
        raise Conflict("Ce créneau est complet, choisissez-en un autre.", field=field,
                       code="slot_full")


def release_seat(shop_id: int, start: datetime) -> None:
    db.session.execute(
        sa.update(SlotSeats)
        .where(SlotSeats.shop_id == shop_id, SlotSeats.slot_start == start, SlotSeats.taken > 0)
        .values(taken=SlotSeats.taken - 1))
