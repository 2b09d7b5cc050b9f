"""Use cases of the drive: check out, pay, confirm, ready, collect, cancel, move a slot.

Each function owns one transaction. Lock order, the same in every writer so that
PostgreSQL never deadlocks: checkout row, order rows, products by id, slot seats.
"""
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.catalog.services import confirm_short
from app.database import PRODUCTS, for_update, unit_of_work
from app.delivery.geocoding import Geocoder
from app.delivery.services import delivery_for_checkout, resolve_address
from app.errors import Conflict, Invalid, NotFound, PaymentDeclined
from app.extensions import db
from app.notify import texts
from app.notify.models import SmsMessage
from app.notify.services import queue_sms, withdraw_queued
from app.orders.models import (CANCELLED, CHECKOUT_EXPIRED, CHECKOUT_PENDING, CHECKOUT_PLACED,
                               COLLECTED, CONFIRMED, EXPIRED, NEVER_PAID, OPEN_STATES,
                               ORDER_STATES, PENDING_PAYMENT, PLACED, READY, Checkout, Order,
                               OrderEvent)
from app.orders.holds import PendingLimits, hold_basket
from app.orders.requests import CheckoutRequest
from app.orders.transitions import (SHOPPER, SYSTEM, STATE_LABELS, can, record_event,
                                    transition)
from app.payments import services as payments
from app.payments.providers import PaymentProvider, ProviderResult
from app.pickup.services import offered_slot, release_seat, take_seat
from app.orders.event_text import instant
from app.timeutil import day_bounds


SLOT_MOVED = "slot_moved"  # order event: the shop moved the pickup to another slot


def shop_actor(shop_id: int) -> str:
    return f"shop:{shop_id}"


@dataclass
class CheckoutResult:
    checkout_id: int
    replayed: bool  # True when an Idempotency-Key brought back an earlier answer

    @property
    def checkout(self) -> Checkout:
        """Loaded when a caller shows it, not as part of the hold."""
        return db.session.get(Checkout, self.checkout_id)


def _request_hash(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()


def _replay(key: str, request_hash: str) -> CheckoutResult | None:
    existing = db.session.scalar(sa.select(Checkout).where(Checkout.idempotency_key == key))
    if existing is None:
        return None
    if existing.request_hash != request_hash:
        raise Conflict(_("Cette clé d'idempotence a déjà servi pour une autre demande."),
                       field="Idempotency-Key", code="idempotency_key_reused")
    return CheckoutResult(existing.id, replayed=True)


def create_checkout(request: CheckoutRequest, *, now: datetime, provider: PaymentProvider,
                    payload=None, idempotency_key: str | None = None,
                    client_ip: str | None = None,
                    limits: PendingLimits | None = None,
                    geocoder: Geocoder | None = None) -> CheckoutResult:
    """Hold stock and a seat at each shop (or, for a delivery, one drop of its window)
    until hold_expires_at; nothing is written on error. A replay is answered before
    `limits` are counted: a retry is not one more basket. A delivery's address is looked
    up again with `geocoder`, before the transaction (it may be an outside service)."""
    # Only a replay needs to compare bodies.
    request_hash = _request_hash(payload) if idempotency_key and payload is not None else None
    if idempotency_key:
        with unit_of_work(write=False):
            replay = _replay(idempotency_key, request_hash)
        if replay:
            return replay
    address = None
    if request.delivery is not None:
        if geocoder is None:
            raise RuntimeError("a delivered checkout needs the geocoder")
        address = resolve_address(geocoder, request.delivery.address, field="delivery.address")
    try:
        with unit_of_work():
            checkout_id = hold_basket(request, now=now, provider_name=provider.name,
                                      idempotency_key=idempotency_key,
                                      request_hash=request_hash, client_ip=client_ip,
                                      limits=limits, delivery_address=address)
    except IntegrityError:
        # Another request with the same Idempotency-Key won the race: give its answer.
        if idempotency_key:
            replay = _replay(idempotency_key, request_hash)
            if replay:
                return replay
        raise
    return CheckoutResult(checkout_id, replayed=False)


def get_checkout(checkout_id: int) -> Checkout:
    checkout = db.session.get(Checkout, checkout_id)
    if checkout is None:
        raise NotFound(_("Panier introuvable."))
    return checkout


def _lock_checkout(checkout_id: int) -> Checkout:
    # populate_existing: the row as locked replaces any copy the session held (what a
    # refresh after the lock did, in one statement instead of two).
    checkout = db.session.scalar(for_update(sa.select(Checkout)
                                            .where(Checkout.id == checkout_id))
                                 .execution_options(populate_existing=True))
    if checkout is None:
        raise NotFound(_("Panier introuvable."))
    return checkout


def pay_checkout(checkout_id: int, method: str, *, now: datetime,
                 provider: PaymentProvider) -> Checkout:
    """Authorise the total and place every order. Paying twice is harmless: the second
    call finds the checkout placed and returns it. The bank is asked with no transaction
    open (on SQLite, no write lock held while it answers)."""
    with unit_of_work(write=False):
        checkout = get_checkout(checkout_id)
        if checkout.status == CHECKOUT_PLACED:
            return checkout
        if checkout.status == CHECKOUT_EXPIRED or now >= checkout.hold_expires_at:
            raise Conflict(_("Le délai de réservation est dépassé : refaites votre panier."),
                           code="hold_expired")
        if not any(order.status == PENDING_PAYMENT for order in checkout.orders):
            raise Conflict(_("Plus rien à payer dans ce panier."), code="invalid_state")
        amount = payments.card_due_cents(checkout)
    if amount == 0:  # the vouchers cover it all: no card, nothing to ask a bank
        result, authorized_by = ProviderResult(ok=True), payments.VOUCHER_ONLY
    else:
        if provider.methods and method not in provider.methods:
            raise Invalid(_("Moyen de paiement inconnu."), field="payment_method",
                          code="invalid_payment_method")
        # A second pay racing this one asks with the same key, so gets the same answer.
        result, authorized_by = provider.authorize(
            checkout_id=checkout_id, amount_cents=amount, method=method,
            idempotency_key=f"authorize:{checkout_id}"), provider.name
    if not result.ok:  # the declined attempt is kept on record; the hold runs on
        with unit_of_work():
            payments.record_authorization(_lock_checkout(checkout_id), amount, result,
                                          provider.name, now)
        raise PaymentDeclined(_("Paiement refusé par la banque. Essayez une autre carte."),
                              field="payment_method")
    # place_authorized places the checkout once, whoever gets there first.
    checkout = place_authorized(checkout_id, provider_ref=result.provider_ref,
                                amount_cents=amount, now=now, provider=provider,
                                authorized_by=authorized_by)
    if checkout.status != CHECKOUT_PLACED:
        raise Conflict(_("Le délai de réservation est dépassé : refaites votre panier."),
                       code="hold_expired")
    return checkout


AUTHORIZATION_LIFETIME = timedelta(days=7)  # card authorisations lapse after this (Stripe)


def place_authorized(checkout_id: int, *, provider_ref: str | None, amount_cents: int,
                     now: datetime, provider: PaymentProvider,
                     capture_before: datetime | None = None,
                     authorized_by: str | None = None) -> Checkout:
    """The bank has authorised the checkout (the shopper paid here, or Stripe says so by
    webhook): record it and place every order still waiting for payment. An authorisation
    that arrives after the hold ran out is released instead, never placed: the goods are
    back on the shelf. Twice is harmless: the second call finds it recorded."""
    with unit_of_work(payments=provider):
        checkout = _lock_checkout(checkout_id)
        if checkout.status == CHECKOUT_PLACED or payments.authorization(checkout.id):
            return checkout
        payments.record_authorization(
            checkout, amount_cents, ProviderResult(ok=True, provider_ref=provider_ref),
            authorized_by or provider.name, now,
            # Vouchers do not lapse; a card authorisation does.
            capture_before=None if authorized_by == payments.VOUCHER_ONLY
            else capture_before or now + AUTHORIZATION_LIFETIME)
        if checkout.status == CHECKOUT_EXPIRED or now >= checkout.hold_expires_at:
            _expire(checkout, now)
        else:
            db.session.execute(sa.update(Checkout).where(Checkout.id == checkout.id,
                                                         Checkout.status == CHECKOUT_PENDING)
                               .values(status=CHECKOUT_PLACED)
                               .execution_options(synchronize_session="fetch"))
            # With their shop and shopper, which the "placed" SMS names: one statement
            # rather than one more per order.
            for order in db.session.scalars(
                    sa.select(Order).where(Order.checkout_id == checkout.id)
                    .order_by(Order.id)
                    .options(so.joinedload(Order.shop), so.joinedload(Order.customer))).all():
                if order.status == PENDING_PAYMENT:
                    transition(order, PLACED, actor=SHOPPER, now=now,
                               code="payment_authorized")
        # Every order may have ended already (expired, or cancelled before payment): then
        # the authorisation is released at once, not left hanging.
        payments.settle_when_done(checkout, now)
    return checkout


def expire_checkout(checkout_id: int, *, now: datetime) -> bool:
    """Hold ran out: stock and seats back, orders expired. False if someone got there first."""
    with unit_of_work():
        checkout = db.session.scalar(for_update(
            sa.select(Checkout).where(Checkout.id == checkout_id,
                                      Checkout.status == CHECKOUT_PENDING,
                                      Checkout.hold_expires_at <= now), skip_locked=True))
        if checkout is None:
            return False
        _expire(checkout, now)
    return True


def _expire(checkout: Checkout, now: datetime) -> None:
    if checkout.status == CHECKOUT_PENDING:
        db.session.execute(sa.update(Checkout).where(Checkout.id == checkout.id)
                           .values(status=CHECKOUT_EXPIRED)
                           .execution_options(synchronize_session="fetch"))
    for order in checkout.orders:
        if order.status == PENDING_PAYMENT:
            transition(order, EXPIRED, actor=SYSTEM, now=now, code="hold_expired")


# --- the shop's side -------------------------------------------------------------------

def lock_order(order_id: int, shop_id: int | None) -> Order:
    """The order, with its checkout locked; another shop's order does not exist (404)."""
    checkout_id = db.session.scalar(sa.select(Order.checkout_id).where(Order.id == order_id))
    if checkout_id is None:
        raise NotFound(_("Commande introuvable."))
    _lock_checkout(checkout_id)
    order = db.session.get(Order, order_id)
    db.session.refresh(order)
    if shop_id is not None and order.shop_id != shop_id:
        raise NotFound(_("Commande introuvable."))
    return order


def confirm_lines(order_id: int, shop_id: int, confirmed: list[tuple[int, int]], *,
                  now: datetime, provider: PaymentProvider) -> Order:
    """The shop checks its shelves: confirmed quantity per line (0..ordered). A line left
    out keeps its ordered quantity. Short lines mark the product sold out; all zero cancels."""
    with unit_of_work(payments=provider) as unit:
        order = lock_order(order_id, shop_id)
        if order.status != PLACED:
            raise Conflict(_("Cette commande a déjà été confirmée ou n'est plus à traiter."),
                           code="invalid_state", field="status")
        lines = {line.id: line for line in order.lines}
        given = {}
        for i, (line_id, quantity) in enumerate(confirmed):
            line = lines.get(line_id)
            if line is None or line_id in given:
                raise Invalid(_("Ligne inconnue dans cette commande."), field=f"lines[{i}].id",
                              code="unknown_line")
            if type(quantity) is not int or not 0 <= quantity <= line.quantity:
                raise Invalid(_("Quantité entre 0 et %(most)s.", most=line.quantity),
                              field=f"lines[{i}].quantity")
            given[line_id] = quantity
        actor = shop_actor(shop_id)
        for line in order.lines:
            held_before = line.held_quantity
            line.confirmed_quantity = given.get(line.id, line.quantity)
            if line.confirmed_quantity < line.quantity:
                # The shelf is empty: the units not found leave the hold and the count.
                unit.later((PRODUCTS, line.product_id, line.id),
                           lambda pid=line.product_id, held=held_before,
                           kept=line.confirmed_quantity: confirm_short(pid, held, kept))
                record_event(order, "line_short", actor=actor, now=now, code="line_short",
                             params={"product": line.name, "confirmed": line.confirmed_quantity,
                                     "ordered": line.quantity})
        if all(line.confirmed_quantity == 0 for line in order.lines):
            transition(order, CANCELLED, actor=actor, now=now, code="unavailable")
        else:
            transition(order, CONFIRMED, actor=actor, now=now)
    return order


def mark_ready(order_id: int, shop_id: int, *, now: datetime) -> Order:
    with unit_of_work():
        order = lock_order(order_id, shop_id)
        if order.status != READY:
            transition(order, READY, actor=shop_actor(shop_id), now=now)
    return order


# The collect event's code when the shop handed over on the shopper's identity alone.
COLLECTED_WITHOUT_CODE = "collected_without_code"


def collect(order_id: int, shop_id: int, *, now: datetime, provider: PaymentProvider,
            pickup_code: str | None = None, without_code: bool = False) -> Order:
    """Handed over: the confirmed amount is captured once, however often this is pressed.
    A pickup code, when the shop types or scans it, must be the order's; a wrong one
    changes nothing. `without_code` notes that the shop checked who came instead."""
    with unit_of_work(payments=provider):
        order = lock_order(order_id, shop_id)
        if order.status != COLLECTED:
            if pickup_code is not None and pickup_code.strip() != order.pickup_code:
                raise Invalid(_("Code de retrait incorrect."), field="pickup_code",
                              code="wrong_pickup_code")
            code = COLLECTED_WITHOUT_CODE if without_code and pickup_code is None else None
            transition(order, COLLECTED, actor=shop_actor(shop_id), now=now, code=code)
    return order


def cancel_by_shop(order_id: int, shop_id: int | None, reason: str, *, now: datetime,
                   provider: PaymentProvider, actor: str | None = None) -> Order:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Indiquez la raison de l'annulation."), field="reason", code="required")
    if len(reason) > 300:
        raise Invalid(_("300 caractères au plus."), field="reason")
    with unit_of_work(payments=provider):
        order = lock_order(order_id, shop_id)
        if order.status == PENDING_PAYMENT:
            raise Conflict(_("Commande pas encore payée."), code="invalid_state", field="status")
        transition(order, CANCELLED, actor=actor or shop_actor(order.shop_id), now=now,
                   note=reason, code="cancelled_by_shop")
    return order


def move_slot(order_id: int, new_start: datetime, *, shop_id: int | None, actor: str,
              now: datetime) -> Order:
    """The shop moves the pickup to another slot it offers now (oven down, a late
    delivery): the seat moves with it, the reminder queued for the old slot is withdrawn
    (the sweep reminds of the new one) and the shopper is told by SMS. 422 for a slot the
    shop does not offer, 409 for a full one or an order that has ended."""
    with unit_of_work():
        order = lock_order(order_id, shop_id)
        if order.status not in OPEN_STATES:
            raise Conflict(_("La commande est %(state)s : son créneau ne peut plus changer.",
                             state=_(STATE_LABELS[order.status])),
                           code="invalid_state", field="status")
        if delivery_for_checkout(order.checkout_id) is not None:
            raise Conflict(_("Commande livrée à domicile : son créneau est celui de la "
                             "livraison."), code="delivered_order", field="slot")
        shop = order.shop
        if not shop.active:
            raise Invalid(_("La boutique ne propose plus de créneau."), field="slot",
                          code="slot_unavailable")
        slot = offered_slot(shop, new_start, now, field="slot", count_seats=False)
        old = order.slot_start
        if slot.start == old:
            return order
        # Seats in slot order, as every writer takes them: no deadlock with a move the
        # other way. A full slot raises, and the release is rolled back with the rest.
        if slot.start < old:
            take_seat(shop, slot.start, field="slot")
            release_seat(shop.id, old)
        else:
            release_seat(shop.id, old)
            take_seat(shop, slot.start, field="slot")
        order.slot_start, order.slot_end = slot.start, slot.end
        moves = db.session.scalar(sa.select(sa.func.count(OrderEvent.id)).where(
            OrderEvent.order_id == order.id, OrderEvent.type == SLOT_MOVED))
        record_event(order, SLOT_MOVED, actor=actor, now=now, code=SLOT_MOVED,
                     params={"from": instant(old), "to": instant(slot.start)})
        withdraw_queued(SmsMessage.order_id == order.id, SmsMessage.kind == "reminder",
                        now=now)
        queue_sms(to=order.customer.phone, body=texts.moved(order), kind="moved",
                  order_id=order.id, shop_id=order.shop_id, slot_start=slot.start, now=now,
                  dedupe_key=f"moved:{order.id}:{int(slot.start.timestamp())}:{moves}")
    return order


# --- the shopper's side ----------------------------------------------------------------

def order_by_token(order_id: int, token: str | None) -> Order:
    order = db.session.get(Order, order_id)
    if order is None or not _same_token(order.tracking_token, token):
        raise NotFound(_("Commande introuvable."))
    return order


def _same_token(expected: str, given: str | None) -> bool:
    # As bytes: compare_digest refuses non-ASCII str, and a header may carry any Latin-1 byte.
    return bool(given) and secrets.compare_digest(expected.encode(),
                                                  given.encode("utf-8", "replace"))


def tracked_checkout(checkout_id: int, token: str | None) -> Checkout:
    """The checkout, for whoever holds the tracking token of one of its orders."""
    checkout = db.session.get(Checkout, checkout_id)
    if checkout is None or not holds_token(checkout, token):
        raise NotFound(_("Panier introuvable."))
    return checkout


def holds_token(checkout: Checkout, token: str | None) -> bool:
    return any(_same_token(order.tracking_token, token) for order in checkout.orders)


def tracked_order(token: str) -> Order:
    order = db.session.scalar(sa.select(Order).where(Order.tracking_token == token))
    if order is None:
        raise NotFound(_("Commande introuvable."))
    return order


def cancel_by_shopper(order_id: int, token: str, *, now: datetime,
                      provider: PaymentProvider) -> Order:
    """Allowed until the shop confirms; afterwards the shopper calls the shop."""
    order_by_token(order_id, token)
    with unit_of_work(payments=provider):
        order = lock_order(order_id, None)
        if order.status == CANCELLED:  # a second tap, or the shop was quicker
            raise Conflict(_("Cette commande est déjà annulée."), code="invalid_state",
                           field="status")
        if not can(order, CANCELLED, SHOPPER):
            raise Conflict(_("La boutique a déjà confirmé cette commande : appelez-la pour "
                             "l'annuler."), code="invalid_state", field="status")
        transition(order, CANCELLED, actor=SHOPPER, now=now, code="cancelled_by_shopper")
    return order


# --- the shop's queue ------------------------------------------------------------------


def shop_queue(shop_id: int, *, status: str | None = None, day: date | None = None) -> list[Order]:
    """The shop's orders by slot. By default those still to handle, whatever the day; for
    a given (town) day, all of that day's paid orders unless `status` narrows them
    (unpaid baskets only when asked for by status)."""
    if status is not None and status not in ORDER_STATES:
        raise Invalid(_("État inconnu ; au choix : %(states)s.", states=", ".join(ORDER_STATES)),
                      field="status")
    query = (sa.select(Order).where(Order.shop_id == shop_id)
             .options(so.selectinload(Order.lines), so.selectinload(Order.events),
                      so.joinedload(Order.customer)))
    if day is not None:
        start, end = day_bounds(day)
        query = query.where(Order.slot_start >= start, Order.slot_start < end)
    if status is not None:
        query = query.where(Order.status == status)
    elif day is None:
        query = query.where(Order.status.in_(OPEN_STATES))
    else:
        query = query.where(Order.status.not_in(NEVER_PAID))
    return list(db.session.scalars(query.order_by(Order.slot_start, Order.id)))
