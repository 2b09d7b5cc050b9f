"""SMS texts in the shopper's language (Customer.language: French by default, English when
chosen at checkout), both side by side: each one is hand-fitted to a single GSM-7 segment
(see segments.py and tests/notify/test_segments.py), which a translation catalogue would
not keep. So no "n°", no "ê" or "ç" of our own, and names or reasons given by people are
folded to GSM-7. Times are the town's."""
import phonenumbers
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.notify.models import SmsMessage
from app.notify.segments import fold_to_gsm7
from app.orders.models import Order
from app.timeutil import local

DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _english(order: Order) -> bool:
    return order.customer.language == "en"


def money(cents: int) -> str:
    """12,50 € with a plain space (the no-break spaces of the pages are not GSM-7)."""
    return f"{cents // 100},{cents % 100:02d} €"


def money_en(cents: int) -> str:
    return f"€{cents // 100}.{cents % 100:02d}"


def when(order: Order) -> str:
    """'mar. 24/11 à 10:15', or 'Tue 24/11 at 10:15' in English."""
    start = local(order.slot_start)
    if _english(order):
        return f"{DAYS_EN[start.weekday()]} {start:%d/%m} at {start:%H:%M}"
    return f"{DAYS[start.weekday()]} {start:%d/%m} à {start:%H:%M}"


def tracking_url(order: Order) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/suivi/{order.tracking_token}"


def _shop(order: Order) -> str:
    return fold_to_gsm7(order.shop.name)


def _shop_phone(order: Order) -> str:
    """The shop's number as the shopper dials it: national in French, +33 in English
    (a visitor's phone may not be French)."""
    if not order.shop.phone:
        return ""
    style = (phonenumbers.PhoneNumberFormat.INTERNATIONAL if _english(order)
             else phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(phonenumbers.parse(order.shop.phone, "FR"), style)


def never_texted(phone: str) -> bool:
    """No message was ever written to this number: the first one says how to stop."""
    return not db.session.scalar(sa.select(sa.exists().where(SmsMessage.to == phone)))


def placed(order: Order, *, first: bool | None = None) -> str:
    """`first`: the first SMS to this number (looked up when not given), which carries
    the STOP mention; to keep one segment it gives up "à retirer" and "Suivi :"."""
    if first is None:
        first = never_texted(order.customer.phone)
    shop, at, url = _shop(order), when(order), tracking_url(order)
    if _english(order):
        return (f"{shop}: order {order.id} placed for {at} {url} Reply STOP to opt out"
                if first else f"{shop}: order {order.id} placed, pick up {at}. Track: {url}")
    return (f"{shop}: commande {order.id} enregistrée pour {at} {url} STOP: répondez STOP"
            if first else
            f"{shop} : commande {order.id} enregistrée, à retirer {at}. Suivi : {url}")


def confirmed(order: Order) -> str:
    if _english(order):
        return f"{_shop(order)}: order {order.id} confirmed, pick up {when(order)}."
    return f"{_shop(order)} : commande {order.id} confirmée, retrait {when(order)}."


def short(order: Order, missing: list[str]) -> str:
    items = ", ".join(missing)
    if _english(order):
        return fold_to_gsm7(
            f"{_shop(order)}: {items} missing from order {order.id}. You will pay "
            f"{money_en(order.confirmed_total_cents)} instead of "
            f"{money_en(order.total_cents)}.")
    return fold_to_gsm7(
        f"{_shop(order)} : il manque {items} dans la commande {order.id}. "
        f"Vous paierez {money(order.confirmed_total_cents)} au lieu de "
        f"{money(order.total_cents)}.")


def ready(order: Order) -> str:
    if _english(order):
        return f"{_shop(order)}: order {order.id} is ready, pick up {when(order)}."
    return f"{_shop(order)} : commande {order.id} préparée, à retirer {when(order)}."


def reminder(order: Order) -> str:
    if _english(order):
        return fold_to_gsm7(f"Reminder: pick up order {order.id} at {order.shop.name} on "
                            f"{when(order)}. {order.shop.address}")
    return fold_to_gsm7(f"Rappel : commande {order.id} à retirer chez {order.shop.name} "
                        f"{when(order)}. {order.shop.address}")


def moved(order: Order) -> str:
    """The shop moved the pickup to another slot (order.slot_start is the new one)."""
    phone = _shop_phone(order)
    if _english(order):
        call = f" Not convenient? Call {phone}" if phone else ""
        return f"{_shop(order)}: pick-up of order {order.id} moved to {when(order)}.{call}"
    call = f" Un souci ? Appelez le {phone}" if phone else ""
    return f"{_shop(order)} : retrait de la commande {order.id} déplacé au {when(order)}.{call}"


def cancelled(order: Order) -> str:
    reason = f" ({order.cancel_reason})" if order.cancel_reason else ""
    if _english(order):
        return fold_to_gsm7(f"{order.shop.name}: order {order.id} cancelled{reason}. "
                            f"You will not be charged.")
    return fold_to_gsm7(f"{order.shop.name} : commande {order.id} annulée{reason}. "
                        f"Rien ne vous sera débité.")


def no_show(order: Order) -> str:
    if _english(order):
        return (f"{_shop(order)}: order {order.id} not collected, back on the shelves. "
                f"You have not been charged.")
    return (f"{_shop(order)} : commande {order.id} non retirée, remise en rayon. "
            f"Rien ne vous a été débité.")


def refunded(order: Order, amount_cents: int, reason: str) -> str:
    if _english(order):
        return fold_to_gsm7(f"{order.shop.name}: refund of {money_en(amount_cents)} on "
                            f"order {order.id} ({reason[:60]}). Back on your card within "
                            f"5 to 10 days.")
    return fold_to_gsm7(f"{order.shop.name} : remboursement de {money(amount_cents)} sur la "
                        f"commande {order.id} ({reason[:60]}). Sous 5 à 10 jours sur votre "
                        f"carte.")
