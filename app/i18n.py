"""The pages' language: French first, English second.

The shopper's choice (the switch on every page) is kept in a cookie for a year; without
one, the browser's Accept-Language decides. An address may name its language itself
(`?lang=en`): search engines and shared links reach the English page that way, whatever
cookie the reader has (app/seo/addresses.py writes those addresses). The JSON API keeps its French messages
whatever the browser says: programs read its codes, and the contract's texts stay stable.
Catalogues live in app/translations; `bin/translations` extracts, updates and compiles
them, and the set-up (bin/_venv.sh) compiles them.
"""
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import flask_babel
from flask import Blueprint, Flask, has_request_context, redirect, request
from flask_babel.speaklater import LazyString
from markupsafe import Markup

from app.redirects import same_site

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
PARAM = "lang"  # the query argument that names the page's language

bp = Blueprint("i18n", __name__)


def N_(text: str) -> str:
    """Marks a text for the catalogue where it is defined; it is translated where shown."""
    return text


def typed_into(text, **values) -> LazyString:
    """`text` (a lazy_gettext without values, translated when shown) with `values` put in,
    each escaped: for a label or any markup around what a person typed (a product's name).
    lazy_gettext(text, name=...) would not do: its result passes as safe markup whatever
    the values hold, so WTForms and Jinja would print a name like <script> as a tag."""
    return LazyString(lambda: Markup(str(text)) % values)


def select_locale() -> str:
    # Outside a request (CLI, jobs, services called directly) and in the API: French.
    if not has_request_context() or request.path.startswith("/api/"):
        return DEFAULT
    named = request.args.get(PARAM)
    if named in LANGUAGES:
        return named
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


@bp.get("/langue/<code>")
def switch(code: str):
    """A plain link (works without JS, from any page): remember the choice, go back."""
    # Back without the address's own `lang`, which would outweigh the choice just made.
    response = redirect(without_lang(same_site(request.args.get("next"), "/")))
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    return response


def without_lang(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    return urlunsplit(parts._replace(query=urlencode(query)))


def init_app(app: Flask, babel) -> None:
    babel.init_app(app, default_locale=DEFAULT, default_timezone=app.config["TIMEZONE"],
                   locale_selector=select_locale)
    app.register_blueprint(bp)
    # Flask-Babel keeps the locale on the app context, which a request shares with an
    # already active one (tests, CLI): each request reads its own cookie again.
    app.before_request(flask_babel.refresh)
