"""The only place an order's status changes.

transition() checks the allowed-transitions table, moves the status with a conditional
UPDATE (so a concurrent change makes it fail instead of being overwritten), records the
event, and applies what entering the new state implies, all in the caller's transaction:
stock and seat given back, the shopper's SMS queued, the payment settled once all the
checkout's orders have ended.
"""
from datetime import datetime

import sqlalchemy as sa

from app.catalog.services import return_stock
from app.errors import Conflict
from app.extensions import db
from app.i18n import N_
from app.notify import texts
from app.notify.models import SmsMessage
from app.notify.services import queue_sms, withdraw_queued
from app.orders.models import (CANCELLED, COLLECTED, CONFIRMED, ENDED_STATES, EXPIRED,
                               NO_SHOW, PENDING_PAYMENT, PLACED, READY, Order, OrderEvent)
from app.payments.services import settle_if_done
from app.pickup.services import release_seat

ALLOWED = {
    PENDING_PAYMENT: {PLACED, EXPIRED, CANCELLED},
    PLACED: {CONFIRMED, CANCELLED},
    CONFIRMED: {READY, COLLECTED, CANCELLED, NO_SHOW},
    READY: {COLLECTED, CANCELLED, NO_SHOW},
}

# French, as services write them into messages; pages translate them where shown.
STATE_LABELS = {
    PENDING_PAYMENT: N_("en attente de paiement"), PLACED: N_("reçue"),
    CONFIRMED: N_("confirmée"), READY: N_("prête"), COLLECTED: N_("retirée"),
    EXPIRED: N_("expirée"), CANCELLED: N_("annulée"), NO_SHOW: N_("non retirée"),
}


def transition(order: Order, to: str, *, actor: str, now: datetime,
               note: str | None = None) -> None:
    current = order.status
    if to not in ALLOWED.get(current, ()):
        raise Conflict(f"La commande est {STATE_LABELS[current]} : impossible de passer à "
                       f"« {STATE_LABELS[to]} ».", code="invalid_state", field="status")
    moved = db.session.execute(
        sa.update(Order).where(Order.id == order.id, Order.status == current)
        .values(status=to, cancel_reason=note if to == CANCELLED else Order.cancel_reason)
        .execution_options(synchronize_session="fetch"))
    if moved.rowcount != 1:
        raise Conflict("La commande vient d'être modifiée ailleurs ; rechargez.",
                       code="invalid_state", field="status")
    db.session.add(OrderEvent(order_id=order.id, type=to, from_status=current, to_status=to,
                              actor=actor, note=note, at=now))
    db.session.flush()
    if to in (EXPIRED, CANCELLED, NO_SHOW):
        _give_back(order)
    if to in ENDED_STATES:  # a reminder queued for this order has nothing left to remind
        withdraw_queued(SmsMessage.order_id == order.id, SmsMessage.kind == "reminder",
                        now=now)
    _notify(order, current, to, now)
    if to in ENDED_STATES:
        settle_if_done(order.checkout, now)


def record_event(order: Order, type_: str, *, actor: str, now: datetime,
                 note: str | None = None) -> None:
    """An event that is not a status change (a line corrected, a message sent)."""
    db.session.add(OrderEvent(order_id=order.id, type=type_, actor=actor, note=note, at=now))


def _give_back(order: Order) -> None:
    """Units set aside go back on the shelf (sorted: one lock order for every writer);
    the seat goes back to the slot."""
    for line in sorted(order.lines, key=lambda line: line.product_id):
        return_stock(line.product_id, line.held_quantity)
    release_seat(order.shop_id, order.slot_start)


def _notify(order: Order, current: str, to: str, now: datetime) -> None:
    if to == PLACED:
        body, kind = texts.placed(order), "placed"
    elif to == CONFIRMED:
        missing = [f"{line.quantity - line.confirmed_quantity} × {line.name}"
                   for line in order.lines if line.confirmed_quantity < line.quantity]
        body, kind = (texts.short(order, missing), "short") if missing else \
            (texts.confirmed(order), "confirmed")
    elif to == READY:
        body, kind = texts.ready(order), "ready"
    elif to == CANCELLED and current != PENDING_PAYMENT:
        body, kind = texts.cancelled(order), "cancelled"
    elif to == NO_SHOW:
        body, kind = texts.no_show(order), "no_show"
    else:
        return
    queue_sms(to=order.customer.phone, body=body, kind=kind, order_id=order.id,
              shop_id=order.shop_id, now=now,
              dedupe_key=f"{kind}:{order.id}")
