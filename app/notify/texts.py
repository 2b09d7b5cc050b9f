"""SMS texts, in French, written in GSM-7 so that each fits one segment (see segments.py):
no "n°", no "ê" or "ç" of our own, and names or reasons given by people folded to GSM-7."""
from flask import current_app

from app.notify.segments import fold_to_gsm7
from app.orders.models import Order
from app.timeutil import local

DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def money(cents: int) -> str:
    """12,50 € with a plain space (the no-break spaces of the pages are not GSM-7)."""
    return f"{cents // 100},{cents % 100:02d} €"


def when(order: Order) -> str:
    start = local(order.slot_start)
    return f"{DAYS[start.weekday()]} {start:%d/%m} à {start:%H:%M}"


def tracking_url(order: Order) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/suivi/{order.tracking_token}"


def _shop(order: Order) -> str:
    return fold_to_gsm7(order.shop.name)


def placed(order: Order) -> str:
    return (f"{_shop(order)} : commande {order.id} enregistrée, à retirer {when(order)}. "
            f"Suivi : {tracking_url(order)}")


def confirmed(order: Order) -> str:
    return f"{_shop(order)} : commande {order.id} confirmée, retrait {when(order)}."


def short(order: Order, missing: list[str]) -> str:
    return fold_to_gsm7(
        f"{_shop(order)} : il manque {', '.join(missing)} dans la commande {order.id}. "
        f"Vous paierez {money(order.confirmed_total_cents)} au lieu de "
        f"{money(order.total_cents)}.")


def ready(order: Order) -> str:
    return f"{_shop(order)} : commande {order.id} préparée, à retirer {when(order)}."


def reminder(order: Order) -> str:
    return fold_to_gsm7(f"Rappel : commande {order.id} à retirer chez {order.shop.name} "
                        f"{when(order)}. {order.shop.address}")


def cancelled(order: Order) -> str:
    reason = f" ({order.cancel_reason})" if order.cancel_reason else ""
    return fold_to_gsm7(f"{order.shop.name} : commande {order.id} annulée{reason}. "
                        f"Rien ne vous sera débité.")


def no_show(order: Order) -> str:
    return (f"{_shop(order)} : commande {order.id} non retirée, remise en rayon. "
            f"Rien ne vous a été débité.")


def refunded(order: Order, amount_cents: int, reason: str) -> str:
    return fold_to_gsm7(f"{order.shop.name} : remboursement de {money(amount_cents)} sur la "
                        f"commande {order.id} ({reason[:60]}). Sous 5 à 10 jours sur votre "
                        f"carte.")
