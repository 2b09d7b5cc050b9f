"""The courier's round, reached by its secret token (the phone page and the API alike):
collect at the shops, hand over at the doors with the shopper's code or a photo, or say
why it failed.

Every action locks its round's row first, so the actions of one round take turns; each is
idempotent: a double tap, or a form sent again after a dropped connection, finds the stop
done and answers the same without doing anything twice."""
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.database import for_update, unit_of_work
from app.delivery.failures import failed_rule
from app.delivery.messages import tell_delivered, tell_en_route, tell_failed
from app.delivery.models import (REQUEST_DELIVERED, REQUEST_FAILED, REQUEST_PLANNED,
                                 ROUND_DONE, ROUND_PLANNED, ROUND_STARTED, STOP_DELIVERY,
                                 STOP_DONE, STOP_PICKUP, STOP_TODO, DeliveryEvent,
                                 DeliveryRequest, DeliveryWindow, Round, Stop)
from app.delivery.transitions import move_request, move_round, move_stop, record
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.i18n import N_
from app.orders.models import CANCELLED, COLLECTED, ENDED_STATES, READY, Checkout, Order
from app.orders.transitions import transition
from app.photos.services import process_photo
from app.photos.storage import LocalStorage
from app.shops.models import Shop

MAX_CODE_ATTEMPTS = 5  # wrong codes per delivery; then only a photo hands it over
WRONG_CODE = "wrong_code"
# Why a door failed, in the courier's and the manager's words (the SMS have their own).
FAIL_LABELS = {
    "absent": N_("Client absent"), "refused": N_("Refusée par le client"),
    "address": N_("Adresse introuvable"), "access": N_("Accès impossible"),
    "damaged": N_("Colis endommagé"), "other": N_("Autre raison"),
}
FAIL_REASONS = tuple(FAIL_LABELS)
MAX_NOTE = 300


def courier_actor(round_: Round) -> str:
    return f"courier:{round_.id}"


def round_by_token(token: str | None) -> Round:
    """The round of this link; any other token is a 404 (as a wrong tracking token)."""
    if not token or len(token) > 64:
        raise NotFound(_("Tournée introuvable."), field="token")
    round_ = db.session.scalar(sa.select(Round).where(Round.token == token))
    if round_ is None or not secrets.compare_digest(round_.token.encode(), token.encode()):
        raise NotFound(_("Tournée introuvable."), field="token")
    return round_


def _lock_round(token: str) -> Round:
    round_id = round_by_token(token).id
    return db.session.scalar(for_update(sa.select(Round).where(Round.id == round_id))
                             .execution_options(populate_existing=True))


def _stop_of(round_: Round, stop_id: int, kind: str) -> Stop:
    stop = db.session.scalar(sa.select(Stop).where(Stop.id == stop_id,
                                                   Stop.round_id == round_.id)
                             .execution_options(populate_existing=True))
    if stop is None or stop.kind != kind:
        raise NotFound(_("Arrêt introuvable dans cette tournée."), field="stop")
    return stop


def _request(stop: Stop) -> DeliveryRequest:
    return db.session.scalar(sa.select(DeliveryRequest)
                             .where(DeliveryRequest.id == stop.request_id)
                             .execution_options(populate_existing=True))


def _orders(request: DeliveryRequest) -> list[Order]:
    if request.checkout_id is None:
        return []
    return list(db.session.scalars(sa.select(Order).where(
        Order.checkout_id == request.checkout_id).order_by(Order.id)
        .execution_options(populate_existing=True)))


def _lock_checkout(request: DeliveryRequest) -> None:
    """The checkout's row, as every writer of its orders takes it first (app/database.py)."""
    if request.checkout_id is not None:
        db.session.execute(for_update(sa.select(Checkout.id)
                                      .where(Checkout.id == request.checkout_id)))


def _complete(round_: Round, stop: Stop, now: datetime, **params) -> None:
    """The stop done; the round started (or done, with its last stop); the next door, if
    the courier now heads to one, is told they are on their way."""
    actor = courier_actor(round_)
    move_stop(stop, STOP_DONE, actor=actor, now=now, params=params or None)
    if round_.status == ROUND_PLANNED:
        move_round(round_, ROUND_STARTED, actor=actor, now=now)
    stops = list(db.session.scalars(sa.select(Stop).where(Stop.round_id == round_.id)
                                    .order_by(Stop.position)))
    left = [s for s in stops if s.status == STOP_TODO and s.id != stop.id]
    if not left:
        move_round(round_, ROUND_DONE, actor=actor, now=now)
        return
    following = left[0]
    if following.kind == STOP_DELIVERY:
        request = db.session.get(DeliveryRequest, following.request_id)
        if request.status == REQUEST_PLANNED:
            tell_en_route(request, following.expected_at, now)


@dataclass(frozen=True)
class Done:
    """What an action answers, the first time and every time after."""
    stop: Stop
    again: bool  # the stop was already done: nothing was done this time


def pickup(token: str, stop_id: int, now: datetime) -> Done:
    """Collected at the shop: refused while the shop's order is not ready (a cancelled
    order leaves nothing to collect: the stop is done all the same)."""
    with unit_of_work():
        round_ = _lock_round(token)
        stop = _stop_of(round_, stop_id, STOP_PICKUP)
        if stop.status == STOP_DONE:
            return Done(stop, True)
        request = _request(stop)
        order = next((o for o in _orders(request) if o.shop_id == stop.shop_id), None)
        if order is not None and order.status not in (READY, CANCELLED):
            shop = db.session.get(Shop, stop.shop_id)
            raise Conflict(_("La commande n'est pas encore prête chez %(shop)s : demandez à la "
                             "boutique de la marquer prête.", shop=shop.name),
                           field="stop", code="not_ready")
        _complete(round_, stop, now, order=order.id if order else None)
    return Done(stop, False)


def _private_store() -> LocalStorage:
    """Proof photos: a folder of their own, never under the public /photos address."""
    folder = current_app.config.get("DELIVERY_PROOFS_DIR") or \
        Path(current_app.instance_path) / "proofs"
    return LocalStorage(folder)


def proof_photo(name: str) -> bytes | None:
    return _private_store().get(name)


def _keep_proof(data: bytes) -> str:
    """The photo checked, stripped (no EXIF, no GPS) and kept at one width; its file name.
    Written before the unit of work: no transaction is open while the disk is written."""
    processed = process_photo(data, field="photo")
    # The widest kept (1280 px at most): enough to see the parcel on the step.
    name = next(n for n in processed.files if n.endswith(f"-{processed.width}.webp"))
    _private_store().put(name, processed.files[name])
    return name


def _code_matches(orders: list[Order], code: str) -> bool:
    given = code.strip().encode()
    # Every code is compared, whatever the first answer: the time says nothing.
    matches = [secrets.compare_digest((o.pickup_code or "").encode(), given)
               for o in orders if o.pickup_code]
    return any(matches)


def deliver(token: str, stop_id: int, now: datetime, *, code: str | None = None,
            photo: bytes | None = None, payments=None) -> Done:
    """Handed over at the door, with the shopper's pickup code (any order's of the basket)
    or, when they are out, a photo. The request is delivered, then each order ready is
    collected by the courier, so that the usual capture follows. Wrong codes are counted:
    after MAX_CODE_ATTEMPTS only a photo hands the basket over."""
    code = (code or "").strip()
    if not code and not photo:
        raise Invalid(_("Saisissez le code du client, ou prenez une photo s'il est absent."),
                      field="code", code="required")
    if code and (not code.isdigit() or len(code) > 8):
        raise Invalid(_("Le code est fait de chiffres."), field="code", code="invalid_code")
    proof = _keep_proof(photo) if photo and not code else None
    wrong = False
    with unit_of_work(payments=payments):
        round_ = _lock_round(token)
        stop = _stop_of(round_, stop_id, STOP_DELIVERY)
        if stop.status == STOP_DONE:
            return Done(stop, True)
        request = _request(stop)
        _lock_checkout(request)
        pending = db.session.scalar(sa.select(sa.func.count(Stop.id)).where(
            Stop.round_id == round_.id, Stop.request_id == request.id,
            Stop.kind == STOP_PICKUP, Stop.status == STOP_TODO))
        if pending:
            raise Conflict(_("Récupérez d'abord la commande dans chaque boutique."),
                           field="stop", code="pickups_pending")
        orders = _orders(request)
        if any(o.status not in (READY, *ENDED_STATES) for o in orders):
            raise Conflict(_("Une commande du panier n'est pas prête : elle ne peut pas "
                             "être livrée."), field="stop", code="not_ready")
        if code:
            tried = db.session.scalar(sa.select(sa.func.count(DeliveryEvent.id)).where(
                DeliveryEvent.request_id == request.id, DeliveryEvent.code == WRONG_CODE))
            if tried >= MAX_CODE_ATTEMPTS:
                raise Conflict(_("Trop de codes erronés : prenez une photo de la remise, ou "
                                 "appelez le client."), field="code", code="too_many_attempts")
            if not _code_matches(orders, code):
                record(WRONG_CODE, actor=courier_actor(round_), now=now,
                       request_id=request.id, round_id=round_.id, stop_id=stop.id)
                wrong = True
        if not wrong:
            actor = courier_actor(round_)
            move_request(request, REQUEST_DELIVERED, actor=actor, now=now, round_id=round_.id,
                         stop_id=stop.id, params={"proof": "photo" if proof else "code",
                                                  "photo": proof})
            _complete(round_, stop, now)
            for order in orders:
                if order.status == READY:
                    transition(order, COLLECTED, actor=actor, now=now, code="delivered")
            tell_delivered(request, now)
    if wrong:  # the attempt is counted (committed above), the handover refused
        raise Invalid(_("Code incorrect : vérifiez-le avec le client."), field="code",
                      code="wrong_pickup_code")
    return Done(stop, False)


def fail(token: str, stop_id: int, now: datetime, *, reason: str,
         note: str | None = None) -> Done:
    """Not handed over: the request failed, nothing charged for it; the orders stay ready
    and the shopper is told what comes next, by the manager's rule."""
    note = (note or "").strip()
    if reason not in FAIL_REASONS:
        raise Invalid(_("Choisissez une raison."), field="reason", code="required")
    if reason == "other" and not note:
        raise Invalid(_("Précisez ce qui s'est passé."), field="note", code="required")
    if len(note) > MAX_NOTE:
        raise Invalid(_("%(most)s caractères au plus.", most=MAX_NOTE), field="note")
    with unit_of_work():
        round_ = _lock_round(token)
        stop = _stop_of(round_, stop_id, STOP_DELIVERY)
        if stop.status == STOP_DONE:
            return Done(stop, True)
        request = _request(stop)
        rule = failed_rule()
        move_request(request, REQUEST_FAILED, actor=courier_actor(round_), now=now,
                     round_id=round_.id, stop_id=stop.id,
                     params={"reason": reason, "note": note or None, "rule": rule})
        _complete(round_, stop, now, failed=reason)
        tell_failed(request, reason, rule, now)
    return Done(stop, False)


# ---- What the page and the API show ---------------------------------------------------

@dataclass(frozen=True)
class StopCard:
    id: int
    position: int
    kind: str
    expected_at: datetime
    done: bool
    name: str      # the shop's, or the shopper's
    address: str
    phone: str     # the shop's at pickups, the shopper's at doors ("" when unknown)
    lat: float | None
    lon: float | None
    ready: bool    # a pickup: the shop's order is ready (or nothing to collect)
    outcome: str | None  # a door done: "delivered" or "failed"
    parcels: int


@dataclass(frozen=True)
class RoundCard:
    id: int
    token: str
    status: str
    day: object
    window: DeliveryWindow
    courier: str
    stops: list[StopCard]


def round_card(token: str) -> RoundCard:
    """The round as the courier reads it, stops in order."""
    round_ = round_by_token(token)
    stops = list(db.session.scalars(sa.select(Stop).where(Stop.round_id == round_.id)
                                    .order_by(Stop.position)))
    requests = {r.id: r for r in db.session.scalars(sa.select(DeliveryRequest).where(
        DeliveryRequest.id.in_({s.request_id for s in stops})))}
    checkouts = {r.checkout_id for r in requests.values() if r.checkout_id}
    orders = list(db.session.scalars(sa.select(Order).where(Order.checkout_id.in_(checkouts))
                                     .order_by(Order.id))) if checkouts else []
    shops = {s.id: s for s in db.session.scalars(sa.select(Shop).where(
        Shop.id.in_({s.shop_id for s in stops if s.shop_id})))}
    cards = []
    for stop in stops:
        request = requests[stop.request_id]
        basket = [o for o in orders if o.checkout_id == request.checkout_id]
        if stop.kind == STOP_PICKUP:
            shop = shops[stop.shop_id]
            order = next((o for o in basket if o.shop_id == shop.id), None)
            cards.append(StopCard(stop.id, stop.position, stop.kind, stop.expected_at,
                                  stop.status == STOP_DONE, shop.name, shop.address or "",
                                  shop.phone or "", None, None,
                                  order is None or order.status in (READY, CANCELLED),
                                  None, request.parcels))
        else:
            customer = basket[0].customer if basket else None
            outcome = request.status if request.status in (REQUEST_DELIVERED,
                                                           REQUEST_FAILED) else None
            cards.append(StopCard(stop.id, stop.position, stop.kind, stop.expected_at,
                                  stop.status == STOP_DONE,
                                  customer.name if customer else "", request.label,
                                  customer.phone if customer else "", request.lat,
                                  request.lon, True, outcome, request.parcels))
    return RoundCard(round_.id, round_.token, round_.status, round_.day,
                     db.session.get(DeliveryWindow, round_.window_id), round_.courier.name,
                     cards)
