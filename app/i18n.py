"""The pages' language: French first, English second.

The shopper's choice (the switch on every page) is kept in a cookie for a year; without
one, the browser's Accept-Language decides. The JSON API keeps its French messages
whatever the browser says: programs read its codes, and the contract's texts stay stable.
"""
from flask import Flask, has_request_context, request

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    # Outside a request (CLI, jobs, services under test) and in the API: French.
    if not has_request_context() or request.path.startswith("/api/"):
        return DEFAULT
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def init_app(app: Flask, babel) -> None:
    """Catalogues in app/translations (compiled by the set-up: bin/_venv.sh)."""
    babel.init_app(app, default_locale=DEFAULT, default_timezone=app.config["TIMEZONE"],
                   locale_selector=select_locale)
