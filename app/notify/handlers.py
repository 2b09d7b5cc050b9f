"""The shopper's SMS about a change of their order, written to the outbox in the same
unit of work; and a reminder queued for an order that has ended is withdrawn."""
import sqlalchemy as sa

from app.delivery.models import DELIVERING_STATES, DeliveryRequest
from app.extensions import db
from app.notify import texts
from app.notify.models import SmsMessage
from app.notify.services import queue_sms, withdraw_queued
from app.orders.models import (CANCELLED, CONFIRMED, ENDED_STATES, NO_SHOW, PENDING_PAYMENT,
                               PLACED, READY)
from app.orders.transitions import StatusChange, on_status_change


@on_status_change
def _tell_the_shopper(change: StatusChange) -> None:
    order, to = change.order, change.after
    if to in ENDED_STATES:  # a reminder queued for this order has nothing left to remind
        withdraw_queued(SmsMessage.order_id == order.id, SmsMessage.kind == "reminder",
                        now=change.now)
    message = _message(order, change.before, to)
    if message is not None:
        body, kind = message
        queue_sms(to=order.customer.phone, body=body, kind=kind, order_id=order.id,
                  shop_id=order.shop_id, now=change.now, dedupe_key=f"{kind}:{order.id}")


def _message(order, before: str, to: str) -> tuple[str, str] | None:
    if to == PLACED:
        return texts.placed(order, home=brought_home(order)), "placed"
    if to == CONFIRMED:
        missing = [f"{line.quantity - line.confirmed_quantity} × {line.name}"
                   for line in order.lines if line.confirmed_quantity < line.quantity]
        return (texts.short(order, missing), "short") if missing else \
            (texts.confirmed(order, home=brought_home(order)), "confirmed")
    if to == READY:
        if brought_home(order):  # "à retirer" would mislead: the delivery SMS say when
            return None
        return texts.ready(order), "ready"
    if to == CANCELLED and before != PENDING_PAYMENT:
        return texts.cancelled(order), "cancelled"
    if to == NO_SHOW:
        return texts.no_show(order), "no_show"
    return None


def brought_home(order) -> bool:
    """The order's basket is on its way home (a delivery held, planned or delivered)."""
    return db.session.scalar(sa.select(sa.exists().where(
        DeliveryRequest.checkout_id == order.checkout_id,
        DeliveryRequest.status.in_(DELIVERING_STATES))))
