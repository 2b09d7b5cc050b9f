"""SMS texts in the shopper's language (Customer.language: French by default, English when
chosen at checkout): one catalogue per language, one function (`_catalogue`) choosing it.

Each text is hand-fitted to a single GSM-7 segment (see segments.py and
tests/notify/test_segments.py), which the pages' gettext catalogue would not keep: so the
SMS have their own, here. The templates are GSM-7 themselves (no "n°", no "ê" or "ç" of our
own); what people wrote (shop names, addresses, reasons, product names) is folded to GSM-7
before it goes in. Times are the town's."""
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.notify.models import SmsMessage
from app.notify.segments import fold_to_gsm7
from app.orders.models import CANCELLED, Order, OrderEvent
from app.timeutil import local

DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def money(cents: int) -> str:
    """12,50 € with a plain space (the no-break spaces of the pages are not GSM-7)."""
    return f"{cents // 100},{cents % 100:02d} €"


def money_en(cents: int) -> str:
    return f"€{cents // 100}.{cents % 100:02d}"


@dataclass(frozen=True)
class Catalogue:
    days: tuple[str, ...]
    money: Callable[[int], str]
    # How the shopper dials the shop: national in French, +33 in English (a visitor's
    # phone may not be French).
    phone_format: int
    texts: dict[str, str]
    # Why an order was cancelled, by its event code (app/orders/event_text.py); a reason
    # the shop typed is used as it is.
    reasons: dict[str, str]


FRENCH = Catalogue(
    days=DAYS, money=money, phone_format=phonenumbers.PhoneNumberFormat.NATIONAL,
    texts={
        "when": "{day} {date} à {time}",
        "placed_first": "{shop}: commande {id} enregistrée pour {when} {url} "
                        "STOP: répondez STOP",
        "placed": "{shop} : commande {id} enregistrée, à retirer {when}. Suivi : {url}",
        "confirmed": "{shop} : commande {id} confirmée, retrait {when}.",
        # A basket brought home: the order's slot is the delivery window.
        "placed_home": "{shop} : commande {id} enregistrée, livraison {window}. Suivi : {url}",
        "confirmed_home": "{shop} : commande {id} confirmée, livraison {window}.",
        "short": "{shop} : il manque {items} dans la commande {id}. "
                 "Vous paierez {pay} au lieu de {total}.",
        "ready": "{shop} : commande {id} préparée, à retirer {when}.",
        "reminder": "Rappel : commande {id} à retirer chez {shop} {when}. {address}",
        "moved": "{shop} : retrait de la commande {id} déplacé au {when}.{call}",
        "call": " Un souci ? Appelez le {phone}",
        "cancelled": "{shop} : commande {id} annulée{reason}. Rien ne vous sera débité.",
        "reason": " ({reason})",
        "no_show": "{shop} : commande {id} non retirée, remise en rayon. "
                   "Rien ne vous a été débité.",
        "refunded": "{shop} : remboursement de {amount} sur la commande {id} ({reason}). "
                    "Sous 5 à 10 jours sur votre carte.",
        # Home delivery (app/delivery/messages.py): about a basket, not one shop's order.
        "delivery_planned": "Votre livraison arrive {day} entre {start} et {end}. "
                            "Suivi : {url}",
        "delivery_en_route": "Votre livreur est en route, arrivée vers {time}. Ayez votre "
                             "code de retrait : {url}",
        "delivered": "Votre commande a été livrée. Merci ! {url}",
        "delivery_failed_collect": "Livraison impossible ({reason}). Vos achats vous "
                                   "attendent en boutique, sans frais. {url}",
        "delivery_failed_reschedule": "Livraison impossible ({reason}). Choisissez un autre "
                                      "créneau, sans frais : {url}",
        "courier_link": "Votre tournée du {day} {start}-{end} : {url}",
        "fail_absent": "absent",
        "fail_refused": "refusée",
        "fail_address": "adresse introuvable",
        "fail_access": "accès impossible",
        "fail_damaged": "colis endommagé",
        "fail_other": "imprévu",
    },
    reasons={
        "unavailable": "articles indisponibles",
        "cancelled_by_shopper": "à votre demande",
        "not_confirmed_in_time": "non confirmée par la boutique à temps",
        "authorization_lapsing": "autorisation bancaire expirée",
    },
)

ENGLISH = Catalogue(
    days=DAYS_EN, money=money_en, phone_format=phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    texts={
        "when": "{day} {date} at {time}",
        "placed_first": "{shop}: order {id} placed for {when} {url} Reply STOP to opt out",
        "placed": "{shop}: order {id} placed, pick up {when}. Track: {url}",
        "confirmed": "{shop}: order {id} confirmed, pick up {when}.",
        "placed_home": "{shop}: order {id} placed, delivery {window}. Track: {url}",
        "confirmed_home": "{shop}: order {id} confirmed, delivery {window}.",
        "short": "{shop}: {items} missing from order {id}. You will pay {pay} instead of "
                 "{total}.",
        "ready": "{shop}: order {id} is ready, pick up {when}.",
        "reminder": "Reminder: pick up order {id} at {shop} on {when}. {address}",
        "moved": "{shop}: pick-up of order {id} moved to {when}.{call}",
        "call": " Not convenient? Call {phone}",
        "cancelled": "{shop}: order {id} cancelled{reason}. You will not be charged.",
        "reason": " ({reason})",
        "no_show": "{shop}: order {id} not collected, back on the shelves. "
                   "You have not been charged.",
        "refunded": "{shop}: refund of {amount} on order {id} ({reason}). Back on your card "
                    "within 5 to 10 days.",
        "delivery_planned": "Your delivery arrives {day} between {start} and {end}. "
                            "Track: {url}",
        "delivery_en_route": "Your courier is on the way, arriving about {time}. Have your "
                             "pickup code ready: {url}",
        "delivered": "Your order has been delivered. Thank you! {url}",
        "delivery_failed_collect": "Delivery failed ({reason}). Your items await you in the "
                                   "shop, no fee. {url}",
        "delivery_failed_reschedule": "Delivery failed ({reason}). Choose another time, no "
                                      "extra fee: {url}",
        "courier_link": "Your round on {day} {start}-{end}: {url}",
        "fail_absent": "not at home",
        "fail_refused": "refused",
        "fail_address": "address not found",
        "fail_access": "no access",
        "fail_damaged": "parcel damaged",
        "fail_other": "unforeseen problem",
    },
    reasons={
        "unavailable": "items unavailable",
        "cancelled_by_shopper": "at your request",
        "not_confirmed_in_time": "not confirmed by the shop in time",
        "authorization_lapsing": "card authorisation expired",
    },
)

CATALOGUES = {"fr": FRENCH, "en": ENGLISH}


def _catalogue(order: Order) -> Catalogue:
    return catalogue_for(order.customer.language)


def _say(order: Order, key: str, **values) -> str:
    return _catalogue(order).texts[key].format(id=order.id, **values)


def when(order: Order) -> str:
    """'mar. 24/11 à 10:15', or 'Tue 24/11 at 10:15' in English."""
    start, catalogue = local(order.slot_start), _catalogue(order)
    return catalogue.texts["when"].format(day=catalogue.days[start.weekday()],
                                          date=f"{start:%d/%m}", time=f"{start:%H:%M}")


def window(order: Order) -> str:
    """'mar. 24/11 17:00-19:00': a delivered order's slot is its delivery window."""
    day = short_day(order.customer.language, order.slot_start)
    return f"{day} {local(order.slot_start):%H:%M}-{local(order.slot_end):%H:%M}"


def tracking_url(order: Order) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/suivi/{order.tracking_token}"


def _shop(order: Order) -> str:
    return fold_to_gsm7(order.shop.name)


def _shop_phone(order: Order) -> str:
    if not order.shop.phone:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(order.shop.phone, "FR"),
                                      _catalogue(order).phone_format)


def never_texted(phone: str) -> bool:
    """No message was ever written to this number: the first one says how to stop."""
    return not db.session.scalar(sa.select(sa.exists().where(SmsMessage.to == phone)))


def placed(order: Order, *, first: bool | None = None, home: bool = False) -> str:
    """`first`: the first SMS to this number (looked up when not given), which carries
    the STOP mention; to keep one segment it gives up "à retirer" and "Suivi :".
    `home`: the basket is delivered, the slot is its window (no "à retirer")."""
    if first is None:
        first = never_texted(order.customer.phone)
    key = "placed_first" if first else "placed_home" if home else "placed"
    return _say(order, key, shop=_shop(order), when=when(order), window=window(order),
                url=tracking_url(order))


def confirmed(order: Order, *, home: bool = False) -> str:
    return _say(order, "confirmed_home" if home else "confirmed", shop=_shop(order),
                when=when(order), window=window(order))


def short(order: Order, missing: list[str]) -> str:
    pay = _catalogue(order).money
    return _say(order, "short", shop=_shop(order), items=fold_to_gsm7(", ".join(missing)),
                pay=pay(order.confirmed_total_cents), total=pay(order.total_cents))


def ready(order: Order) -> str:
    return _say(order, "ready", shop=_shop(order), when=when(order))


def reminder(order: Order) -> str:
    return _say(order, "reminder", shop=_shop(order), when=when(order),
                address=fold_to_gsm7(order.shop.address or ""))


def moved(order: Order) -> str:
    """The shop moved the pickup to another slot (order.slot_start is the new one)."""
    phone = _shop_phone(order)
    call = _say(order, "call", phone=phone) if phone else ""
    return _say(order, "moved", shop=_shop(order), when=when(order), call=call)


def cancelled(order: Order, *, code: str | None = None) -> str:
    """Why, in the shopper's language, from the cancel event's code (`code`, else the one
    recorded on the order); for a code with no words here, the reason the shop typed."""
    if code is None:
        code = db.session.scalar(
            sa.select(OrderEvent.code).where(OrderEvent.order_id == order.id,
                                             OrderEvent.type == CANCELLED)
            .order_by(OrderEvent.id.desc()).limit(1))
    reason = _catalogue(order).reasons.get(code) or order.cancel_reason
    reason = _say(order, "reason", reason=fold_to_gsm7(reason)) if reason else ""
    return _say(order, "cancelled", shop=_shop(order), reason=reason)


def no_show(order: Order) -> str:
    return _say(order, "no_show", shop=_shop(order))


def refunded(order: Order, amount_cents: int, reason: str) -> str:
    return _say(order, "refunded", shop=_shop(order),
                amount=_catalogue(order).money(amount_cents), reason=fold_to_gsm7(reason[:60]))


# ---- Home delivery: about a checkout's basket, told to its customer ----------------------

def catalogue_for(language: str | None) -> Catalogue:
    return CATALOGUES.get(language or "fr", FRENCH)


def delivery_text(language: str | None, key: str, **values) -> str:
    """A delivery text in `language`; `day` and times are given already in words."""
    return catalogue_for(language).texts[key].format(**values)


def short_day(language: str | None, at) -> str:
    """'mar. 24/11' (town time), or 'Tue 24/11'."""
    here = local(at)
    return f"{catalogue_for(language).days[here.weekday()]} {here:%d/%m}"
