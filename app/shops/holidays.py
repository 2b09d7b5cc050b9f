"""French public holidays, by a stable code ("easter_monday"), for the slots offered: a shop
is closed on them unless it says it opens (Shop.holiday_openings)."""
import re
from datetime import date
from functools import lru_cache

import holidays

# Every holiday of mainland France, in the year's order; the codes come from the package's
# English names, so that they never change with a translation.
HOLIDAY_CODES = ("new_years_day", "easter_monday", "labor_day", "victory_day", "ascension_day",
                 "pentecost_monday", "national_day", "assumption_day", "all_saints_day",
                 "armistice_day", "christmas_day")


@lru_cache(maxsize=16)
def _year(year: int, language: str) -> holidays.HolidayBase:
    return holidays.France(years=year, language=language)


def _code(name: str) -> str:
    return re.sub(r"[^a-z]+", "_", name.lower().replace("'", "")).strip("_")


def holiday_code(day: date) -> str | None:
    """The holiday's code if `day` is a French public holiday."""
    name = _year(day.year, "en_US").get(day)
    return _code(name) if name else None


def holiday_names(year: int, language: str) -> dict[str, tuple[date, str]]:
    """code -> (its date that year, its name in `language`: "fr" or "en_US")."""
    return {_code(_year(year, "en_US")[day]): (day, name)
            for day, name in sorted(_year(year, language).items())}


def opens_on(shop, code: str) -> bool:
    return code in (shop.holiday_openings or "").split(",")
