"""What the shop's pages show: the day's queue, one order with its history and SMS.

Read-only: every change goes through app.orders.services.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
import hashlib
from itertools import groupby

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.delivery.models import DeliveryRequest
from app.delivery.services import delivery_for_checkout
from app.errors import Invalid, NotFound
from app.extensions import db
from app.ledger.services import order_sale, order_voucher_paid
from app.notify.conversation import (FROM_SHOPPER, SENT_TO_SHOPPER, SHOP_MESSAGE, NotTold,
                                     not_told)
from app.orders import services as order_services
from app.orders.models import (CANCELLED, COLLECTED, CONFIRMED, ENDED_STATES, NEVER_PAID,
                               OPEN_STATES, ORDER_STATES, PLACED, READY, Order, OrderEvent)
from app.orders.transitions import STATE_LABELS, can
from app.payments.models import DONE, FAILED
from app.payments.services import settlement_job
from app.phone import display_phone
from app.pickup.services import next_bookable_slots
from app.templating import day_label, hhmm
from app.timeutil import day_bounds, iso, town_tz

# Never paid: not the shop's business (the hold ran out or is still running).
QUEUE_STATES = tuple(state for state in ORDER_STATES if state not in NEVER_PAID)
# Dates a person could mean; anything else is a typo (and keeps day arithmetic in range).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)

EVENT_LABELS = {**STATE_LABELS, "line_short": _l("quantité réduite"),
                "refunded": _l("remboursement"), "slot_moved": _l("créneau changé"),
                SENT_TO_SHOPPER: _l("SMS au client"),
                FROM_SHOPPER: _l("réponse du client")}
SMS_KIND_LABELS = {"placed": _l("commande reçue"), "confirmed": _l("confirmation"),
                   "short": _l("articles manquants"), "ready": _l("commande prête"),
                   "reminder": _l("rappel"), "cancelled": _l("annulation"),
                   "no_show": _l("non retirée"), "refund": _l("remboursement"),
                   "moved": _l("changement de créneau"),
                   SHOP_MESSAGE: _l("votre message")}
SMS_STATUS_LABELS = {"queued": _l("en attente"), "sending": _l("en cours d'envoi"),
                     "sent": _l("envoyé"), "delivered": _l("remis"),
                     "undelivered": _l("non remis"), "failed": _l("échec"),
                     "withdrawn": _l("annulé")}


def parse_day(value: str | None, today: date) -> date:
    """?date=YYYY-MM-DD, today when absent."""
    if not value:
        return today
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise Invalid(_("Date invalide : utilisez le format AAAA-MM-JJ."), field="date") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(_("Date hors des limites du calendrier."), field="date")
    return day


def adjacent_days(day: date) -> tuple[date | None, date | None]:
    """The day before and the day after, for the page's links, within the calendar's limits."""
    return (day - timedelta(days=1) if day > FIRST_DAY else None,
            day + timedelta(days=1) if day < LAST_DAY else None)


def parse_status(value: str | None) -> str | None:
    if not value:
        return None
    if value not in QUEUE_STATES:
        raise Invalid(_("Statut inconnu."), field="status")
    return value


def current_total_cents(order: Order) -> int:
    """Ordered total until the shop confirms, then what the shopper will pay."""
    if any(line.confirmed_quantity is not None for line in order.lines):
        return order.confirmed_total_cents
    return order.total_cents


def allowed_actions(order: Order) -> set[str]:
    """Which buttons the shop sees: the moves the one transitions table lets it make."""
    shop = order_services.shop_actor(order.shop_id)
    return {name for name, to in (("confirm", CONFIRMED), ("ready", READY),
                                  ("collect", COLLECTED), ("cancel", CANCELLED))
            if can(order, to, shop)}


@dataclass
class QueueEntry:
    order: Order
    status_label: str
    phone: str  # as people write it; the tel: link uses the E.164 number
    lines_count: int
    total_cents: int
    not_told: NotTold | None = None  # its latest SMS did not reach the shopper
    delivered: bool = False  # a courier collects it for a home delivery (slot = the window)


@dataclass
class SlotGroup:
    start: datetime
    end: datetime
    entries: list[QueueEntry]


@dataclass
class Queue:
    day: date
    status: str | None
    slots: list[SlotGroup]  # to do: placed, confirmed or ready
    to_handle: int         # placed orders of the day: lines still to check
    later_to_handle: int   # placed orders of the following days
    next_day_to_handle: date | None
    done: list[SlotGroup] = field(default_factory=list)  # collected, cancelled, no-show


def paid_orders_between(start: datetime, end: datetime) -> list[Order]:
    """Every shop's orders paid for (or once paid) with a slot in [start, end), by slot."""
    return list(db.session.scalars(
        sa.select(Order)
        .where(Order.slot_start >= start, Order.slot_start < end, Order.status.not_in(NEVER_PAID))
        .options(so.selectinload(Order.lines), so.joinedload(Order.customer),
                 so.joinedload(Order.shop))
        .order_by(Order.slot_start, Order.id)))


def queue_entry(order: Order, not_told: NotTold | None = None,
                delivered: bool | None = None) -> QueueEntry:
    if delivered is None:
        delivered = delivery_for_checkout(order.checkout_id) is not None
    return QueueEntry(order=order, status_label=STATE_LABELS[order.status],
                      phone=display_phone(order.customer.phone), lines_count=len(order.lines),
                      total_cents=current_total_cents(order), not_told=not_told,
                      delivered=delivered)


def delivered_checkouts(orders: list[Order]) -> set[int]:
    """Which of these orders' checkouts are delivered at home: one query for a queue."""
    ids = {order.checkout_id for order in orders}
    return set(db.session.scalars(sa.select(DeliveryRequest.checkout_id)
                                  .where(DeliveryRequest.checkout_id.in_(ids)))) if ids else set()


def shop_queue(shop_id: int, day: date, status: str | None = None) -> Queue:
    orders = order_services.shop_queue(shop_id, status=status, day=day)
    untold = not_told([order.id for order in orders])  # one query for the whole queue
    delivered = delivered_checkouts(orders)
    slots = _by_slot([o for o in orders if o.status in OPEN_STATES], untold, delivered)
    done = _by_slot([o for o in orders if o.status not in OPEN_STATES], untold, delivered)
    start, end = day_bounds(day)
    placed = sa.select(sa.func.count(Order.id)).where(Order.shop_id == shop_id,
                                                      Order.status == PLACED)
    to_handle = db.session.scalar(placed.where(Order.slot_start >= start,
                                               Order.slot_start < end))
    later = db.session.scalar(placed.where(Order.slot_start >= end))
    next_slot = db.session.scalar(
        sa.select(sa.func.min(Order.slot_start))
        .where(Order.shop_id == shop_id, Order.status == PLACED, Order.slot_start >= end))
    next_day = next_slot.astimezone(town_tz()).date() if next_slot else None
    return Queue(day=day, status=status, slots=slots, to_handle=to_handle,
                 later_to_handle=later, next_day_to_handle=next_day, done=done)


def _by_slot(orders: list[Order], untold: dict, delivered: set[int]) -> list[SlotGroup]:
    slots = []
    for slot_start, group in groupby(orders, key=lambda order: order.slot_start):
        entries = [queue_entry(order, untold.get(order.id), order.checkout_id in delivered)
                   for order in group]
        slots.append(SlotGroup(slot_start, entries[0].order.slot_end, entries))
    return slots


@dataclass
class QueueState:
    """What the open queue page polls: a version that changes whenever the list it shows
    could (an order paid, confirmed, collected, cancelled, moved), and the day's counts."""
    version: str
    to_do: int   # the day's orders placed, confirmed or ready
    done: int    # the day's orders collected, cancelled or not collected


def queue_state(shop_id: int, day: date, status: str | None = None) -> QueueState:
    """Two small aggregate queries, cheap enough for every open tablet every few seconds.
    Every change to an order writes an event row (append-only), so the count and the
    latest id of the shop's events move with any change the page shows; a new paid order
    writes its 'placed' event with its payment."""
    paid = sa.and_(Order.shop_id == shop_id, Order.status.not_in(NEVER_PAID))
    events, last = db.session.execute(
        sa.select(sa.func.count(OrderEvent.id), sa.func.max(OrderEvent.id))
        .join(Order, Order.id == OrderEvent.order_id).where(paid)).one()
    start, end = day_bounds(day)
    counts = dict(db.session.execute(
        sa.select(Order.status, sa.func.count(Order.id))
        .where(paid, Order.slot_start >= start, Order.slot_start < end)
        .group_by(Order.status)).all())
    to_do = sum(counts.get(state, 0) for state in OPEN_STATES)
    done = sum(n for state, n in counts.items() if state not in OPEN_STATES)
    seen = f"{day.isoformat()}|{status or ''}|{events}|{last or 0}|{sorted(counts.items())}"
    return QueueState(version=hashlib.sha256(seen.encode()).hexdigest()[:20],
                      to_do=to_do, done=done)


MOVE_DAYS = 3  # days of slots offered to move an order to: this one and the next two


def move_choices(order: Order, now: datetime) -> list[tuple[str, str, str]]:
    """The slots the shop could move the order to now, the order's own left out:
    (ISO start, '10:15', 'mardi 24 novembre') for each."""
    return [(iso(slot.start), hhmm(slot.start), day_label(day))
            for day, slots in next_bookable_slots(order.shop, now, days=MOVE_DAYS)
            for slot in slots if slot.start != order.slot_start]


def shop_order(order_id: int, shop_id: int) -> Order:
    """Another shop's order does not exist, as far as this shop can tell."""
    order = db.session.get(Order, order_id)
    if order is None or order.shop_id != shop_id or order.status in NEVER_PAID:
        raise NotFound(_("Commande introuvable."))
    return order


# Where the money of a collected order stands, as the order page and the handover's message
# both say it (one reading, so the two cannot disagree).
TAKEN = "taken"            # the sale is in the ledger: card captured (and vouchers spent)
WAITING_BASKET = "basket"  # other orders of the same basket are still open: taken after them
IN_PROGRESS = "pending"    # the capture is written, the provider has not answered yet
REFUSED = "failed"         # the provider refused the capture for good: the town follows up


@dataclass
class OrderPayment:
    """What is authorised, what will be taken at handover, what has been taken."""
    authorised_cents: int        # the ordered total, held on the card (and vouchers) at payment
    to_take_cents: int | None    # the confirmed total; None until the lines are checked
    taken_cents: int             # recorded as sold: captured from the card plus vouchers spent
    by_voucher_cents: int        # the part of taken_cents the town's vouchers paid
    collected: bool
    state: str | None            # for a collected order: TAKEN, WAITING_BASKET, IN_PROGRESS, REFUSED

    @property
    def by_card_cents(self) -> int:
        return self.taken_cents - self.by_voucher_cents


def order_payment(order: Order) -> OrderPayment:
    confirmed = any(line.confirmed_quantity is not None for line in order.lines)
    taken = order_sale(order.id)[0]
    state = None
    if order.status == COLLECTED:
        if taken >= order.confirmed_total_cents:
            state = TAKEN
        else:
            open_siblings = db.session.scalar(
                sa.select(sa.func.count(Order.id)).where(
                    Order.checkout_id == order.checkout_id, Order.id != order.id,
                    Order.status.not_in(ENDED_STATES)))
            job = settlement_job(order.checkout_id)
            if open_siblings:
                state = WAITING_BASKET
            elif job is not None and job.status == FAILED:
                state = REFUSED
            elif job is not None and job.status == DONE:
                state = TAKEN
            else:
                state = IN_PROGRESS
    return OrderPayment(authorised_cents=order.total_cents,
                        to_take_cents=order.confirmed_total_cents if confirmed else None,
                        taken_cents=taken, by_voucher_cents=order_voucher_paid(order),
                        collected=order.status == COLLECTED, state=state)
