"""Pickup slots: computed in the town's time zone, booked with a conditional UPDATE."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import NamedTuple

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import get_locale, gettext as _

from app.database import built_once, capped_counter
from app.errors import Conflict, Invalid
from app.extensions import db
from app.pickup.models import SlotSeats
from app.shops.holidays import holiday_code, opens_on
from app.shops.models import Closure, OpeningHours, Shop
from app.timeutil import local, local_today, town_tz

BOOKING_HORIZON_DAYS = 30  # slots are offered this far ahead, no further


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime    # UTC
    remaining: int


def closed_on(shop: Shop, day: date) -> bool:
    """No slot that day: an exceptional closure, or a French public holiday the shop has
    not said it opens on."""
    if any(c.start_date <= day <= c.end_date for c in shop.closures):
        return True
    holiday = holiday_code(day)
    return holiday is not None and not opens_on(shop, holiday)


def _day_slots(shop: Shop, day: date) -> list[tuple[datetime, datetime]]:
    """Every slot of a day by the opening hours, as UTC (start, end). Opening and closing
    are read on the town's wall clock (09:00 stays 09:00 on the days the clocks change);
    the slots in between are stepped in UTC, so a shop open through the night of a change
    gets no duplicate slot in spring and no 75-minute slot in autumn."""
    if closed_on(shop, day):
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
    taken = _taken(shop, [s for s, _end in candidates])
    slots = [Slot(s, e, shop.seats_per_slot - taken.get(s, 0)) for s, e in candidates]
    return [slot for slot in slots if slot.remaining > 0]


def next_bookable_slots(shop: Shop, now: datetime, *, days: int = 7) -> list[tuple[date, list[Slot]]]:
    """The next `days` calendar days that have bookable slots, for the slot picker."""
    found = []
    day = local_today(now)
    for _step in range(BOOKING_HORIZON_DAYS + 1):
        slots = bookable_slots(shop, day, now)
        if slots:
            found.append((day, slots))
            if len(found) == days:
                break
        day += timedelta(days=1)
    return found


COMMON_WINDOW_SPAN = timedelta(minutes=30)
EVENING_HOUR = 17  # from then on "commandez ce soir" reads right


class CommonWindow(NamedTuple):
    """One trip for the whole basket: a slot at every shop, all within a short span."""
    start: datetime
    end: datetime
    slots: dict[int, datetime]  # shop id -> the chosen slot's start


def common_window(slots_by_shop: dict[int, list[tuple[date, list[Slot]]]], *,
                  max_span: timedelta = COMMON_WINDOW_SPAN) -> CommonWindow | None:
    """The earliest window where every shop of the basket offers a slot, on the same day,
    all of them starting and ending within `max_span`: "tout récupérer entre 17:30 et
    18:00". None with fewer than two shops, or when their slots never come that close."""
    if len(slots_by_shop) < 2:
        return None
    offered = {shop_id: sorted((slot.start, slot.end) for _day, slots in days for slot in slots)
               for shop_id, days in slots_by_shop.items()}
    for first in sorted({start for slots in offered.values() for start, _end in slots}):
        limit, day = first + max_span, local(first).date()
        chosen = {}
        for shop_id, slots in offered.items():
            fit = next(((s, e) for s, e in slots if first <= s and e <= limit
                        and local(s).date() == day), None)
            if fit is None:
                break
            chosen[shop_id] = fit
        else:
            return CommonWindow(first, max(e for _start, e in chosen.values()),
                                {shop_id: s for shop_id, (s, _end) in chosen.items()})
    return None


def next_pickup_hint(first_slot: datetime, now: datetime) -> str:
    """What the slot picker says above a shop's slots, from its earliest offered slot:
    today's time, or after closing the day to come back ("retirez demain dès 09:00",
    "lundi" after a Saturday evening), in the town's time, written as every time of the
    shopper's pages is (09:00, app.templating.hhmm)."""
    at = local(first_slot)
    today, day, time = local_today(now), at.date(), at.strftime("%H:%M")
    if day == today:
        return _("Premier retrait aujourd'hui à %(time)s.", time=time)
    evening = local(now).hour >= EVENING_HOUR
    if day == today + timedelta(days=1):
        if evening:
            return _("Plus de retrait possible aujourd'hui : commandez ce soir, retirez demain "
                     "dès %(time)s.", time=time)
        return _("Plus de retrait possible aujourd'hui : retirez demain dès %(time)s.",
                 time=time)
    # Within the week the weekday says it ("lundi"); further on, the date.
    when = format_date(day, "EEEE" if day - today < timedelta(days=7) else "EEEE d MMMM",
                       locale=get_locale() or "fr")
    if evening:
        return _("Plus de retrait possible d'ici là : commandez ce soir, retirez %(day)s dès "
                 "%(time)s.", day=when, time=time)
    return _("Plus de retrait possible d'ici là : commandez maintenant, retirez %(day)s dès "
             "%(time)s.", day=when, time=time)


def _slot_at(shop, start: datetime) -> tuple[datetime, datetime] | None:
    """The slot of the shop's grid that starts exactly at `start`, if there is one:
    the same grid as _day_slots, checked without listing the whole day."""
    day = local(start).date()
    if closed_on(shop, day):
        return None
    tz, step = town_tz(), timedelta(minutes=shop.slot_minutes)
    for hours in shop.hours:
        if hours.weekday != day.weekday():
            continue
        opens = datetime.combine(day, hours.opens, tzinfo=tz).astimezone(timezone.utc)
        closes = datetime.combine(day, hours.closes, tzinfo=tz).astimezone(timezone.utc)
        if opens <= start and start + step <= closes and (start - opens) % step == timedelta(0):
            return start, start + step
    return None


def offered_slot(shop, start: datetime, now: datetime, *, field: str,
                 count_seats: bool = True) -> Slot:
    """The slot starting at `start` if it is offered now; 422 if it never is, 409 if full.
    count_seats=False skips the seat count (remaining is then the capacity): for a caller
    that books with take_seat, whose conditional UPDATE decides anyway."""
    slot = _slot_at(shop, start)
    too_late_or_far = slot is None or not (
        now + timedelta(minutes=shop.prep_minutes) <= start
        and local(start).date() <= local_today(now) + timedelta(days=BOOKING_HORIZON_DAYS))
    if too_late_or_far:
        raise Invalid(_("Ce créneau n'est pas proposé par la boutique."), field=field,
                      code="slot_unavailable")
    remaining = shop.seats_per_slot
    if count_seats:
        remaining -= _taken(shop, [start]).get(start, 0)
        if remaining <= 0:
            raise Conflict(_("Ce créneau est complet, choisissez-en un autre."), field=field,
                           code="slot_full")
    return Slot(slot[0], slot[1], remaining)


_take_seat = capped_counter(SlotSeats.__table__, ("shop_id", "slot_start"))


def take_seat(shop, start: datetime, *, field: str, connection=None) -> None:
    """Take one seat in one statement; the database settles the race for the last one."""
    taken = _take_seat({"shop_id": shop.id, "slot_start": start,
                        "capacity": shop.seats_per_slot}, connection).scalar_one_or_none()
    if taken is None:
        raise Conflict(_("Ce créneau est complet, choisissez-en un autre."), field=field,
                       code="slot_full")


def release_seat(shop_id: int, start: datetime) -> None:
    db.session.execute(
        sa.update(SlotSeats)
        .where(SlotSeats.shop_id == shop_id, SlotSeats.slot_start == start, SlotSeats.taken > 0)
        .values(taken=SlotSeats.taken - 1))


@dataclass
class Schedule:
    """What the slot rules need of a shop, read without the ORM on the checkout's hot path.
    Duck-types Shop for _slot_at, offered_slot and take_seat."""
    id: int
    slug: str
    active: bool
    slot_minutes: int
    seats_per_slot: int
    prep_minutes: int
    hold_minutes: int
    hours: list
    closures: list
    holiday_openings: str | None = None  # the public holidays it opens on (shops.holidays)


def _build_schedules(_dialect):
    shops, hours = Shop.__table__, OpeningHours.__table__
    return (sa.select(shops.c.id, shops.c.slug, shops.c.active, shops.c.slot_minutes,
                      shops.c.seats_per_slot, shops.c.prep_minutes, shops.c.hold_minutes,
                      shops.c.holiday_openings, hours.c.weekday, hours.c.opens, hours.c.closes)
            .select_from(shops.outerjoin(hours, hours.c.shop_id == shops.c.id))
            .where(shops.c.slug.in_(sa.bindparam("slugs", expanding=True))))


def _build_closures(_dialect):
    closures = Closure.__table__
    return (sa.select(closures.c.shop_id, closures.c.start_date, closures.c.end_date)
            .where(closures.c.shop_id.in_(sa.bindparam("shop_ids", expanding=True)),
                   closures.c.end_date >= sa.bindparam("today")))


_schedules, _closures = built_once(_build_schedules), built_once(_build_closures)


def load_schedules(slugs: list[str], now: datetime, connection=None) -> dict[str, Schedule]:
    """Shops by slug with their opening hours and coming closures: two queries in all."""
    schedules: dict[str, Schedule] = {}
    for row in _schedules({"slugs": slugs}, connection):
        schedule = schedules.get(row.slug)
        if schedule is None:
            schedule = schedules[row.slug] = Schedule(
                row.id, row.slug, row.active, row.slot_minutes, row.seats_per_slot,
                row.prep_minutes, row.hold_minutes, [], [], row.holiday_openings)
        if row.weekday is not None:
            schedule.hours.append(row)
    if schedules:
        by_id = {s.id: s for s in schedules.values()}
        for row in _closures({"shop_ids": list(by_id), "today": local_today(now)}, connection):
            by_id[row.shop_id].closures.append(row)
    return schedules
