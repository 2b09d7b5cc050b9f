"""Reading an API request: JSON body, query and path parameters. Every problem names its
field, and text the databases would refuse (NUL, lone surrogates) stops here, not in SQL."""
import re
from datetime import date

from flask import request
from flask_babel import gettext as _

from app.api import bp
from app.errors import Invalid, Malformed

# Path ids: the integer columns' range, so a huge id is a 404 and never an SQL overflow.
MAX_ID = 2**31 - 1
ID = f"int(min=1, max={MAX_ID})"
MAX_PAGE = 100_000
# Dates a client could mean; the bounds keep day arithmetic (and UTC conversion) in range.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PAGE = re.compile(r"[0-9]{1,6}")


def json_object() -> dict:
    """The body, which must be a JSON object (400 malformed otherwise)."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # deep nesting escapes Flask's ValueError catch
        data = None
    if data is None:
        raise Malformed(_("Corps JSON attendu (Content-Type: application/json)."))
    if not isinstance(data, dict):
        raise Malformed(_("Un objet JSON est attendu."))
    check_text(data)
    return data


def optional_json_object() -> dict | None:
    """The body of a call whose body is optional: a JSON object, checked as json_object()
    checks it, or None when there is none (or it is not JSON, as before: the till sends what
    it sends). Nesting deeper than Python recurses is a 400, like any unreadable body."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # deep nesting escapes Flask's ValueError catch
        raise Malformed(_("Corps JSON illisible.")) from None
    if not isinstance(data, dict):
        return None
    check_text(data)
    return data


def check_text(value, field: str = "") -> None:
    stack = [(value, field)]
    while stack:  # iterative: nesting depth is the client's choice
        item, at = stack.pop()
        if isinstance(item, str):
            _check_string(item, at)
        elif isinstance(item, dict):
            stack.extend((v, f"{at}.{k}" if at else str(k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(item))


def _check_string(text: str, field: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        ok = False
    else:
        ok = "\x00" not in text
    if not ok:
        raise Invalid(_("Caractère interdit dans ce texte."), field=field or None,
                      code="invalid_text")


@bp.before_request
def check_url_text():
    for name, value in [*request.args.items(multi=True), *(request.view_args or {}).items()]:
        if isinstance(value, str):
            _check_string(value, name)


def text_arg(name: str, *, most: int = 200) -> str:
    value = request.args.get(name, "").strip()
    if len(value) > most:
        raise Invalid(_("%(most)s caractères au plus.", most=most), field=name)
    return value


def page_arg(name: str = "page") -> int:
    raw = request.args.get(name, "1").strip()
    if not PAGE.fullmatch(raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise Invalid(_("Numéro de page : un entier à partir de 1."), field=name,
                      code="invalid_page")
    return int(raw)


def date_arg(name: str = "date") -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw) if DAY.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(_("Date attendue au format AAAA-MM-JJ."), field=name,
                      code="invalid_date")
    return day
