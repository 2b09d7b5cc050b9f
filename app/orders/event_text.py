"""An order's events in words, in the language of whoever reads them.

The database keeps what happened as a code and its parameters (OrderEvent.code and
.params: numbers, names, ISO-8601 UTC instants), never a sentence. event_text() puts them
into words at display time, in the current Flask-Babel locale: the page's language on the
pages, French in the API and outside a request. OrderEvent.note keeps only what a person
typed (a shop's reason, a message, a refund's reason): it is shown as typed, never
translated, and escaped like any text (event_text returns a plain str, not markup).

Rows written before codes (code NULL) carry a French note instead; it is looked up in the
catalogue as before, so the history of old orders reads as it did.
"""
from collections.abc import Mapping
from datetime import datetime, timezone

from flask_babel import gettext as _

from app.i18n import N_
from app.templating import page_euros, page_when_label
from app.timeutil import parse_instant

# What happened, and the parameters each code carries.
HOLD_STARTED = "hold_started"                      # {}
PAYMENT_AUTHORIZED = "payment_authorized"          # {}
HOLD_EXPIRED = "hold_expired"                      # {}
LINE_SHORT = "line_short"                          # {product: name, confirmed: n, ordered: n}
UNAVAILABLE = "unavailable"                        # {} (every line confirmed at 0)
COLLECTED_WITHOUT_CODE = "collected_without_code"  # {}
CANCELLED_BY_SHOPPER = "cancelled_by_shopper"      # {}
CANCELLED_BY_SHOP = "cancelled_by_shop"            # {}; note: the reason the shop typed
SLOT_MOVED = "slot_moved"                          # {from: instant, to: instant}
NOT_CONFIRMED_IN_TIME = "not_confirmed_in_time"    # {}
NOT_COLLECTED = "not_collected"                    # {}
AUTHORIZATION_LAPSING = "authorization_lapsing"    # {}
REFUNDED = "refunded"                              # {amount_cents: n}; note: the reason typed
SMS_TO_SHOPPER = "sms_to_shopper"                  # {}; note: the shop's words
SMS_FROM_SHOPPER = "sms_from_shopper"              # {}; note: the shopper's reply
DELIVERED = "delivered"                            # {}: handed over at the door by a courier

# The one table of what each code says. None: the event says nothing beyond its type and
# the note a person typed. Placeholders are the params; `*_cents` ones are written as money
# without the suffix (amount_cents -> %(amount)s), INSTANTS as a day and time of the town.
TEXTS: dict[str, str | None] = {
    HOLD_STARTED: N_("panier réservé"),
    PAYMENT_AUTHORIZED: N_("paiement autorisé"),
    HOLD_EXPIRED: N_("délai de paiement dépassé"),
    LINE_SHORT: N_("%(product)s : %(confirmed)s/%(ordered)s"),
    UNAVAILABLE: N_("articles indisponibles"),
    COLLECTED_WITHOUT_CODE: N_("sans code de retrait : identité vérifiée par la boutique"),
    CANCELLED_BY_SHOPPER: N_("annulée par le client"),
    CANCELLED_BY_SHOP: None,
    SLOT_MOVED: N_("%(from)s -> %(to)s"),
    NOT_CONFIRMED_IN_TIME: N_("non confirmée par la boutique à temps"),
    NOT_COLLECTED: N_("non retirée"),
    AUTHORIZATION_LAPSING: N_("autorisation bancaire arrivée à échéance : commande annulée, "
                              "rien n'est débité pour elle"),
    REFUNDED: N_("%(amount)s remboursés"),
    SMS_TO_SHOPPER: None,
    SMS_FROM_SHOPPER: None,
    DELIVERED: N_("livrée à domicile"),
}
INSTANTS = frozenset({"from", "to", "at", "until"})
# What the code says, then the words a person typed.
WITH_NOTE = N_("%(text)s : %(note)s")


def instant(dt: datetime) -> str:
    """A moment as params store it: ISO-8601 in UTC, to the second."""
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def event_text(event) -> str:
    """What the event says beyond its type, in the current locale; "" when nothing."""
    note = event.note or None
    if event.code is None:  # written before codes: a French text of the catalogue, or typed
        return _(note) if note else ""
    msgid = TEXTS.get(event.code)
    if msgid is None:  # said by its type alone, or a code this version does not know yet
        return note or ""
    text = _(msgid) % _Params(_values(event.params or {}))
    return _(WITH_NOTE, text=text, note=note) if note else text


def _values(params: Mapping) -> dict[str, str]:
    values = {}
    for name, value in params.items():
        if name.endswith("_cents") and type(value) is int:
            values[name.removesuffix("_cents")] = page_euros(value)
        elif name in INSTANTS and isinstance(value, str):
            values[name] = _when(value)
        else:
            values[name] = str(value)
    return values


def _when(value: str) -> str:
    try:
        return page_when_label(parse_instant(value))
    except ValueError:
        return value


class _Params(dict):
    """A parameter missing from an old or hand-made row shows as "?", never as an error page."""

    def __missing__(self, name):
        return "?"
