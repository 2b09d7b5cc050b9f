"""The only place an order's status changes, and the one table of who may change it.

transition() checks `can`, moves the status with a conditional UPDATE (so a concurrent
change makes it fail instead of being overwritten) and records the event, in the caller's
unit of work. What entering the new state implies is not done here: `status_changed` is
sent, and each package has registered what it does about it (app/*/handlers.py: stock
and seat back, the shopper's SMS, the settlement once the checkout has ended), queued on
the unit in the lock order.
"""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import gettext as _

from app.errors import Conflict
from app.extensions import db
from app.i18n import N_
from app.orders.models import (CANCELLED, COLLECTED, CONFIRMED, EXPIRED, NO_SHOW,
                               PENDING_PAYMENT, PLACED, READY, Order, OrderEvent)

SHOPPER, SYSTEM = "shopper", "system"  # actors; a shop is "shop:<id>", the town "manager:<id>"
COURIER = "courier"  # "courier:<round id>": hands a delivered basket's orders over at the door

# from -> {to: who may make that move}. The one copy of these rules: services refuse
# with `can`, pages show a button with it.
ALLOWED = {
    PENDING_PAYMENT: {PLACED: {SHOPPER, SYSTEM}, EXPIRED: {SYSTEM},
                      CANCELLED: {SHOPPER, SYSTEM}},
    PLACED: {CONFIRMED: {"shop"}, CANCELLED: {SHOPPER, "shop", "manager", SYSTEM}},
    CONFIRMED: {READY: {"shop"}, COLLECTED: {"shop"}, CANCELLED: {"shop", "manager", SYSTEM},
                NO_SHOW: {SYSTEM}},
    READY: {COLLECTED: {"shop", COURIER}, CANCELLED: {"shop", "manager", SYSTEM},
            NO_SHOW: {SYSTEM}},
}

# French, as services write them into messages; pages translate them where shown.
STATE_LABELS = {
    PENDING_PAYMENT: N_("en attente de paiement"), PLACED: N_("reçue"),
    CONFIRMED: N_("confirmée"), READY: N_("prête"), COLLECTED: N_("retirée"),
    EXPIRED: N_("expirée"), CANCELLED: N_("annulée"), NO_SHOW: N_("non retirée"),
}


def actor_kind(actor: str) -> str:
    """"shop:12" -> "shop"; a manager's actor is "manager:<email>" or the e-mail alone."""
    kind = actor.split(":", 1)[0]
    return kind if kind in (SHOPPER, SYSTEM, "shop", COURIER) else "manager"


def can(order: Order, to: str, actor: str) -> bool:
    """May `actor` move `order` to `to` now? A shop only ever moves its own orders."""
    kind = actor_kind(actor)
    if kind == "shop" and actor != f"shop:{order.shop_id}":
        return False
    return kind in ALLOWED.get(order.status, {}).get(to, ())


@dataclass(frozen=True)
class StatusChange:
    order: Order
    before: str
    after: str
    actor: str
    now: datetime


status_changed = Namespace().signal("order-status-changed")


def on_status_change(receiver):
    """Decorator: `receiver(change)` runs for every transition, in its unit of work."""
    status_changed.connect(receiver, weak=False)
    return receiver


def transition(order: Order, to: str, *, actor: str, now: datetime, note: str | None = None,
               code: str | None = None, params: dict | None = None) -> None:
    """`note` is a person's free text (a cancel reason); `code` and `params` say what
    happened, put into words where it is shown (app/orders/event_text.py)."""
    current = order.status
    if not can(order, to, actor):
        raise Conflict(_("La commande est %(state)s : impossible de passer à « %(to)s ».",
                         state=_(STATE_LABELS[current]), to=_(STATE_LABELS[to])),
                       code="invalid_state", field="status")
    moved = db.session.execute(
        sa.update(Order).where(Order.id == order.id, Order.status == current)
        .values(status=to, cancel_reason=note if to == CANCELLED else Order.cancel_reason)
        .execution_options(synchronize_session="fetch"))
    if moved.rowcount != 1:
        raise Conflict(_("La commande vient d'être modifiée ailleurs ; rechargez."),
                       code="invalid_state", field="status")
    _add_event(order, to, from_status=current, to_status=to, actor=actor, now=now, note=note,
               code=code, params=params)
    db.session.flush()
    status_changed.send(StatusChange(order, current, to, actor, now))


def record_event(order: Order, type_: str, *, actor: str, now: datetime,
                 note: str | None = None, code: str | None = None,
                 params: dict | None = None) -> None:
    """An event that is not a status change (a line corrected, a message sent)."""
    _add_event(order, type_, actor=actor, now=now, note=note, code=code, params=params)


def _add_event(order: Order, type_: str, *, now: datetime, **values) -> None:
    db.session.add(OrderEvent(order_id=order.id, type=type_, at=now, **values))
