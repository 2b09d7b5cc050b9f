"""Jinja filters and globals: money in euros, times in the town's time zone, in the page's
language ("12,50 €", "samedi 28 novembre à 17:30" / "€12.50", "Saturday 28 November at
17:30"). The plain functions below stay French: services write them into stored notes."""
from functools import lru_cache

from babel.dates import format_date, get_day_names
from babel.numbers import format_currency
from flask import Flask, has_request_context
from flask_babel import get_locale, gettext as _

from app.timeutil import local

DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")


def hhmm(dt) -> str:
    return local(dt).strftime("%H:%M")


def town_day(value):
    """A date as it is; an instant as the town's date of it."""
    return local(value).date() if hasattr(value, "hour") else value


def day_label(value) -> str:
    """'samedi 28 novembre' for a date or a datetime (town time)."""
    day = town_day(value)
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def when_label(dt) -> str:
    return f"{day_label(dt)} à {hhmm(dt)}"


def _locale():
    return get_locale() if has_request_context() else "fr"


def page_euros(cents: int) -> str:
    """Cents in the page's language: '12,50\u00a0€' in French, '€12.50' in English."""
    return _euros(cents, str(_locale()))


@lru_cache(maxsize=4096)
def _euros(cents: int, locale: str) -> str:
    # Babel parses the locale's pattern on every call (about 50 µs); a shop's page shows
    # a few dozen prices, the same ones page after page.
    return format_currency(cents / 100, "EUR", locale=locale)


def page_day_label(value) -> str:
    day = town_day(value)
    return format_date(day, "EEEE d MMMM", locale=_locale())


def page_month_label(day) -> str:
    """'novembre 2026' / 'November 2026': the month of a date."""
    return format_date(day, "LLLL yyyy", locale=_locale())


def page_when_label(dt) -> str:
    return _("%(day)s à %(time)s", day=page_day_label(dt), time=hhmm(dt))


ELIDED = "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ"


def of_town(name: str) -> str:
    """The town's name after French "de", its article contracted or the vowel elided:
    'Le Puy-en-Velay' -> 'du Puy-en-Velay', 'Les Andelys' -> 'des Andelys',
    'La Rochelle' -> 'de La Rochelle', 'Alençon' -> "d'Alençon". A name starting with h
    keeps "de": h aspiré or muet is a matter of the name, and "de" is never wrong there."""
    name = " ".join((name or "").split())
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[:1].upper() in ELIDED:
        return f"d'{name}"
    return f"de {name}"


def page_of_town(name: str) -> str:
    """What follows "Les commerces " in the page's language: 'du Puy-en-Velay' in French,
    the name as it is in English (whose sentence says "in")."""
    return of_town(name) if str(_locale()) == "fr" else name


def upper_first(text) -> str:
    """The first letter in capitals, the rest as it is: Jinja's own `capitalize` lowers the
    rest, which wrote 'Thursday 3 december'."""
    text = str(text or "")
    return text[:1].upper() + text[1:]


def _near_day(day, today) -> str | None:
    """'aujourd'hui' / 'demain' (today / tomorrow), or None for any other day."""
    if day == today:
        return _("aujourd'hui")
    if (day - today).days == 1:
        return _("demain")
    return None


def page_day_word(value, today) -> str:
    """'aujourd'hui' / 'demain' (today / tomorrow) when the day is one of those, else the day
    as a date ('jeudi 3 décembre'). `today` is the town's date of the request's clock."""
    day = town_day(value)
    return _near_day(day, today) or page_day_label(day)


def page_short_day(value) -> str:
    """'3 décembre' / '3 December': the date under a day's name in the checkout's day strip."""
    day = town_day(value)
    return format_date(day, "d MMMM", locale=_locale())


def page_day_name(day, today) -> str:
    """What the slot picker calls a day: 'aujourd'hui', 'demain', then its weekday
    ('jeudi' / 'Thursday'); the date is said beside it (page_short_day)."""
    return _near_day(day, today) or weekday_name(day.weekday())


def weekday_name(weekday: int) -> str:
    """0 = Monday, as date.weekday(): 'lundi' / 'Monday'."""
    return get_day_names("wide", locale=_locale())[weekday]


def register_templating(app: Flask) -> None:
    # 24-hour times in both languages: the town's shops post their hours that way.
    from app.orders.event_text import event_text  # it writes dates with the helpers above
    from app.catalog.aisles import aisle_name
    from app.catalog.models import order_limit
    app.jinja_env.filters.update(euros=page_euros, hhmm=hhmm, day_label=page_day_label,
                                 when_label=page_when_label, weekday_name=weekday_name,
                                 month_label=page_month_label, day_word=page_day_word,
                                 of_town=page_of_town, capitalize=upper_first,
                                 short_day=page_short_day,
                                 aisle=aisle_name)
    app.jinja_env.globals.update(event_text=event_text, order_limit=order_limit,
                                 day_name=page_day_name)

    @app.context_processor
    def town():
        return {"town_name": app.config["TOWN_NAME"],
                "current_locale": get_locale().language if has_request_context() else "fr"}
