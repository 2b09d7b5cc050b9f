"""SMS texts, in French. Short: one GSM-7 segment wherever the shop name allows."""
from flask import current_app

from app.money import euros
from app.orders.models import Order
from app.timeutil import local

DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def when(order: Order) -> str:
    start = local(order.slot_start)
    return f"{DAYS[start.weekday()]} {start:%d/%m} à {start:%H:%M}"


def tracking_url(order: Order) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/suivi/{order.tracking_token}"


def placed(order: Order) -> str:
    return (f"{order.shop.name} : commande n°{order.id} reçue, à retirer {when(order)}. "
            f"Suivi : {tracking_url(order)}")


def confirmed(order: Order) -> str:
    return f"{order.shop.name} : commande n°{order.id} confirmée, retrait {when(order)}."


def short(order: Order, missing: list[str]) -> str:
    return (f"{order.shop.name} : il manque {', '.join(missing)} dans la commande n°{order.id}. "
            f"Vous paierez {euros(order.confirmed_total_cents)} au lieu de "
            f"{euros(order.total_cents)}.")


def ready(order: Order) -> str:
    return f"{order.shop.name} : commande n°{order.id} prête ! Retrait {when(order)}."


def reminder(order: Order) -> str:
    return (f"Rappel : commande n°{order.id} à retirer chez {order.shop.name} {when(order)}. "
            f"{order.shop.address}")


def cancelled(order: Order) -> str:
    reason = f" ({order.cancel_reason})" if order.cancel_reason else ""
    return (f"{order.shop.name} : commande n°{order.id} annulée{reason}. "
            f"Rien ne vous sera débité.")


def no_show(order: Order) -> str:
    return (f"{order.shop.name} : commande n°{order.id} non retirée, remise en rayon. "
            f"Rien ne vous a été débité.")
