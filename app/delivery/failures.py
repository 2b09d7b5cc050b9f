"""After a failed delivery: the manager's rule (collect in the shop, or choose another
window), and the shopper's new window when that is the rule. Never a second fee, never a
silent charge: the orders stay ready, and those never handed over end as they do today
(no-show or cancel: the authorisation is voided)."""
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import for_update, insert_ignore, unit_of_work
from app.delivery.geocoding import Address
from app.delivery.models import (FAILED_COLLECT, FAILED_RESCHEDULE, FAILED_RULES,
                                 REQUEST_FAILED, REQUEST_HELD, DeliveryRequest,
                                 DeliverySettings, DeliveryWindow)
from app.delivery.services import (REFUSED_FULL, WindowOffer, refusal_text, take_drop,
                                   windows_for)
from app.delivery.transitions import move_request
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.orders.models import Order
from app.shops.models import Shop

SHOPPER = "shopper"


def failed_rule() -> str:
    """The rule in force; 'collect' until the manager chooses."""
    return db.session.scalar(sa.select(DeliverySettings.failed_rule)
                             .where(DeliverySettings.id == 1)) or FAILED_COLLECT


def set_failed_rule(rule: str) -> str:
    if rule not in FAILED_RULES:
        raise Invalid(_("Choisissez une règle."), field="failed_rule", code="invalid_choice")
    with unit_of_work():
        db.session.execute(insert_ignore(DeliverySettings).values(id=1, failed_rule=rule))
        db.session.execute(sa.update(DeliverySettings).where(DeliverySettings.id == 1)
                           .values(failed_rule=rule))
    return rule


def _address(request: DeliveryRequest) -> Address:
    return Address(request.label, request.postcode, request.city, request.lat, request.lon)


def _basket(request: DeliveryRequest) -> tuple[list[Shop], int]:
    orders = list(db.session.scalars(sa.select(Order).where(
        Order.checkout_id == request.checkout_id)))
    shops = list(db.session.scalars(sa.select(Shop).where(
        Shop.id.in_({p.shop_id for p in request.shops}))))
    return shops, sum(o.total_cents for o in orders)


def can_reschedule(request: DeliveryRequest | None) -> bool:
    return request is not None and request.status == REQUEST_FAILED \
        and failed_rule() == FAILED_RESCHEDULE


def reschedule_offers(request: DeliveryRequest, now: datetime) -> list[WindowOffer]:
    """The windows the shopper may move a failed delivery to (those offered now)."""
    if not can_reschedule(request):
        return []
    shops, basket = _basket(request)
    return [o for o in windows_for(_address(request), shops, basket, now)
            if o.offered or o.refusal == "below_minimum"]


def reschedule(request_id: int, window_id: int, day: date, now: datetime) -> DeliveryRequest:
    """The failed delivery held again in another window, with a drop of its own; its fee
    stays the one paid once (none added)."""
    with unit_of_work():
        request = db.session.scalar(for_update(sa.select(DeliveryRequest)
                                               .where(DeliveryRequest.id == request_id))
                                    .execution_options(populate_existing=True))
        if request is None:
            raise NotFound(_("Livraison inconnue."), field="request")
        if request.status == REQUEST_HELD and (request.window_id, request.day) == \
                (window_id, day):
            return request  # sent twice: already done
        if not can_reschedule(request):
            raise Conflict(_("Cette livraison ne peut plus changer de créneau."),
                           field="window", code="invalid_state")
        offer = next((o for o in reschedule_offers(request, now)
                      if o.window_id == window_id and o.day == day), None)
        if offer is None:
            raise Invalid(_("Ce créneau de livraison n'est pas proposé."), field="window",
                          code="window_unavailable")
        if offer.refusal == REFUSED_FULL:
            raise Conflict(refusal_text(REFUSED_FULL), field="window", code=REFUSED_FULL)
        take_drop(db.session.get(DeliveryWindow, window_id), day, field="window")
        move_request(request, REQUEST_HELD, actor=SHOPPER, now=now,
                     params={"window": window_id, "day": day.isoformat()},
                     window_id=window_id, day=day)
    return request


@dataclass(frozen=True)
class DeliveryStatus:
    """What the tracking page says of a delivered basket."""
    request: DeliveryRequest
    window_start: datetime
    window_end: datetime
    narrowed: tuple[datetime, datetime] | None  # once planned
    en_route: bool
    rule: str
    reason: str | None  # a failed delivery's reason code
    offers: list[WindowOffer]


def delivery_status(request: DeliveryRequest | None,
                    now: datetime) -> DeliveryStatus | None:
    """A checkout's delivery (delivery_for_checkout; None for a pickup) as the shopper
    follows it."""
    from app.delivery.messages import narrowed
    from app.delivery.models import (REQUEST_PLANNED, STOP_DELIVERY, STOP_DONE, STOP_TODO,
                                     DeliveryEvent, Stop)
    from app.delivery.services import window_bounds
    if request is None:
        return None
    window = db.session.get(DeliveryWindow, request.window_id)
    start, end = window_bounds(window, request.day)
    door = db.session.scalar(sa.select(Stop).where(
        Stop.request_id == request.id, Stop.kind == STOP_DELIVERY).order_by(Stop.id.desc())
        .limit(1)) if request.status == REQUEST_PLANNED else None
    en_route = False
    if door is not None:
        before = db.session.scalar(sa.select(Stop).where(
            Stop.round_id == door.round_id, Stop.position < door.position)
            .order_by(Stop.position.desc()).limit(1))
        en_route = door.status == STOP_TODO and (before is None or before.status == STOP_DONE)
    reason = None
    if request.status == REQUEST_FAILED:
        params = db.session.scalar(sa.select(DeliveryEvent.params).where(
            DeliveryEvent.request_id == request.id,
            DeliveryEvent.code == f"request:{REQUEST_FAILED}")
            .order_by(DeliveryEvent.id.desc()).limit(1)) or {}
        reason = params.get("reason")
    return DeliveryStatus(request, start, end, narrowed(door.expected_at) if door else None,
                          en_route and before is not None, failed_rule(), reason,
                          reschedule_offers(request, now))


def delivery_seen(request: DeliveryRequest | None) -> str:
    """What of a checkout's delivery the tracking page shows, as a short text that changes
    with it (its state, a round planned or replanned, the courier's stops done): the open
    page redraws when it does."""
    from app.delivery.models import STOP_DONE, Stop
    if request is None:
        return ""
    round_id = db.session.scalar(sa.select(sa.func.max(Stop.round_id))
                                 .where(Stop.request_id == request.id))
    done = db.session.scalar(sa.select(sa.func.count()).where(
        Stop.round_id == round_id, Stop.status == STOP_DONE)) if round_id else 0
    return f"{request.id}:{request.status}:{round_id}:{done}"
