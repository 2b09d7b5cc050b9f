"""The town's clock: everything is stored in UTC and shown in the town's time zone."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def town_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local(dt: datetime) -> datetime:
    return dt.astimezone(town_tz())


def local_today(now: datetime) -> date:
    return local(now).date()


# Instants a client could mean; outside, converting to UTC may overflow datetime's range.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def parse_instant(value: str) -> datetime:
    """ISO-8601 with an offset (a trailing Z is accepted); naive values are read as town time.
    ValueError for anything else, years outside FIRST_YEAR..LAST_YEAR included."""
    dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if not FIRST_YEAR <= dt.year <= LAST_YEAR:
        raise ValueError(f"year {dt.year} outside {FIRST_YEAR}..{LAST_YEAR}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=town_tz())
    return dt.astimezone(timezone.utc)


def iso(dt: datetime | None) -> str | None:
    """ISO-8601 in the town's time zone, with its offset, to the second."""
    return None if dt is None else local(dt).isoformat(timespec="seconds")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The town's calendar day as a UTC interval [start, end): 23 or 25 hours when the
    clocks change."""
    tz = town_tz()
    start = datetime.combine(day, time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)
