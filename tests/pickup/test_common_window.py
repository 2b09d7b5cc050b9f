"""One trip for the whole basket: the earliest span where every shop offers a slot."""
from datetime import date, datetime, timedelta, timezone

from app.pickup.services import Slot, common_window

DAY = date(2026, 11, 24)


def _slots(*hhmm: str) -> list[tuple[date, list[Slot]]]:
    """Slots of 15 minutes at those UTC times on DAY."""
    slots = []
    for text in hhmm:
        start = datetime.fromisoformat(f"{DAY}T{text}:00").replace(tzinfo=timezone.utc)
        slots.append(Slot(start, start + timedelta(minutes=15), 4))
    return [(DAY, slots)]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{text}:00").replace(tzinfo=timezone.utc)


def test_the_earliest_span_where_every_shop_has_a_slot():
    window = common_window({1: _slots("16:00", "16:30", "16:45"), 2: _slots("16:45", "17:00")})

    assert (window.start, window.end) == (_at("16:30"), _at("17:00"))
    assert window.slots == {1: _at("16:30"), 2: _at("16:45")}


def test_no_window_when_the_shops_slots_never_come_close_or_one_shop_only():
    assert common_window({1: _slots("09:00"), 2: _slots("12:00")}) is None
    assert common_window({1: _slots("09:00", "09:15")}) is None
    assert common_window({1: _slots("09:00"), 2: []}) is None
