"""Jinja filters and globals: money in euros, times in the town's time zone, in French."""
from flask import Flask, has_request_context
from flask_babel import get_locale

from app.money import euros
from app.timeutil import local

DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")


def hhmm(dt) -> str:
    return local(dt).strftime("%H:%M")


def day_label(value) -> str:
    """'samedi 28 novembre' for a date or a datetime (town time)."""
    day = local(value).date() if hasattr(value, "hour") else value
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def when_label(dt) -> str:
    return f"{day_label(dt)} à {hhmm(dt)}"


def register_templating(app: Flask) -> None:
    app.jinja_env.filters.update(euros=euros, hhmm=hhmm, day_label=day_label,
                                 when_label=when_label)

    @app.context_processor
    def town():
        return {"town_name": app.config["TOWN_NAME"],
                "current_locale": get_locale().language if has_request_context() else "fr"}
