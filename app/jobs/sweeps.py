"""Scheduled sweeps. Each selects its due rows in one query, then claims each row in the
database (conditional UPDATE, FOR UPDATE SKIP LOCKED), so any number of scheduler
processes can run them at once and every item is handled exactly once."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic

import logging

import sqlalchemy as sa
from flask import current_app

from app.database import for_update, retry_on_deadlock, unit_of_work
from app.delivery.models import DELIVERING_STATES, DeliveryRequest
from app.extensions import db
from app.figures.services import refresh_daily_figures
from app.notify import texts
from app.notify.models import WITHDRAWN, SmsMessage, SmsOptOut
from app.notify.providers import SmsProvider
from app.notify.services import flush_outbox, queue_sms
from app.notify.web_push import WebPushSender
from app.notify.timing import reminder_send_at
from app.orders.models import (CANCELLED, CHECKOUT_PENDING, NO_SHOW, OPEN_STATES, PLACED,
                               Checkout, Customer, Order)
from app.orders.services import expire_checkout
from app.orders.transitions import SYSTEM, transition
from app.payments.models import AUTHORIZE, SUCCEEDED, PaymentTransaction
from app.payments.providers import PaymentProvider
from app.payments.services import run_payment_jobs
from app.shops.models import Shop

log = logging.getLogger("comptoir.jobs")

BATCH = 500
LONGEST_NO_SHOW = timedelta(days=7)  # bounds the candidate scan; shops set less
NIGHT = timedelta(hours=13)  # the longest a reminder moves back (timing.reminder_send_at)
TELLS_THE_SLOT = ("placed", "moved")  # SMS kinds that give the shopper their slot


def each(items, handle) -> int:
    """handle(item) for each item, each in its own unit of work, retried once if
    PostgreSQL picks it as a deadlock's victim; one item that fails is logged and left
    for the next run, and the others go on. Returns how many were handled."""
    handled = 0
    for item in items:
        try:
            handled += retry_on_deadlock(handle, item)
        except Exception:
            log.exception("%s(%s) failed; left for the next run", handle.__name__, item)
    return handled


def release_expired_holds(now: datetime) -> int:
    """Every hold due at `now`, a batch at a time, in one run: an evening's backlog does
    not wait for the next runs. Pages go by id, so a checkout another process is expiring
    (skipped, still pending) is not asked for again in this run."""
    handled, after = 0, 0
    while True:
        with unit_of_work(write=False):
            due = db.session.scalars(sa.select(Checkout.id).where(
                Checkout.status == CHECKOUT_PENDING, Checkout.hold_expires_at <= now,
                Checkout.id > after).order_by(Checkout.id).limit(BATCH)).all()
        if not due:
            return handled
        handled += each(due, lambda checkout_id: int(expire_checkout(checkout_id, now=now)))
        after = due[-1]


def mark_no_shows(now: datetime) -> int:
    """The rule: an order not collected `shop.no_show_minutes` (default 24 h) after its
    slot ends is released: confirmed or ready -> no_show; never confirmed by the shop ->
    cancelled. Goods go back to stock and the authorisation is released; nothing is charged."""
    with unit_of_work(write=False):
        rows = db.session.execute(
            sa.select(Order.id, Order.slot_end, Shop.no_show_minutes).join(Shop)
            .where(Order.status.in_(OPEN_STATES), Order.slot_end <= now)
            .order_by(Order.slot_end).limit(BATCH)).all()
    due = [order_id for order_id, slot_end, minutes in rows
           if slot_end + timedelta(minutes=minutes) <= now]
    return each(due, lambda order_id: _release_no_show(order_id, now))


def _release_no_show(order_id: int, now: datetime) -> int:
    with unit_of_work():
        checkout = db.session.scalar(for_update(
            sa.select(Checkout).join(Order).where(Order.id == order_id), skip_locked=True,
            of=Checkout))
        if checkout is None:
            return 0
        order = db.session.get(Order, order_id)
        db.session.refresh(order)
        if order.status == PLACED:
            transition(order, CANCELLED, actor=SYSTEM, now=now, code="not_confirmed_in_time")
        elif order.status in OPEN_STATES:
            transition(order, NO_SHOW, actor=SYSTEM, now=now, code="not_collected")
        else:
            return 0
    return 1


def send_due_reminders(now: datetime) -> int:
    """Queue one reminder per order and slot at app.notify.timing.reminder_send_at: the
    shop's `reminder_minutes` before the slot, moved back into 08:00-20:00 (so an early
    slot is reminded the evening before). None for a shopper told of the slot at or after
    that moment (order placed, or slot moved, then): they have just had the SMS. A moved
    order is reminded of its new slot only; the dedupe key holds the slot, so a second
    sweep, here or in another process, queues nothing."""
    # Scan far enough for the longest delay, moved back over a night (12 h, 13 h on the
    # night the clocks go back).
    longest = db.session.scalar(sa.select(sa.func.max(Shop.reminder_minutes))) or 0
    horizon = now + timedelta(minutes=longest) + NIGHT
    this_slot = (SmsMessage.order_id == Order.id, SmsMessage.kind == "reminder",
                 SmsMessage.slot_start == Order.slot_start)
    # Withdrawn ones do not count (a STOP, then a START before the slot): they were never
    # sent. They only tell the key of the next one apart.
    reminded = sa.exists().where(*this_slot, SmsMessage.status != WITHDRAWN)
    withdrawn = sa.select(sa.func.count(SmsMessage.id)).where(*this_slot).scalar_subquery()
    told_at = (sa.select(sa.func.max(SmsMessage.created_at))
               .where(SmsMessage.order_id == Order.id, SmsMessage.kind.in_(TELLS_THE_SLOT))
               .scalar_subquery())
    # A shopper who answered STOP gets no reminder (app/notify/optout.py).
    opted_out = sa.select(SmsOptOut.id).where(SmsOptOut.phone == Customer.phone)
    # A basket brought home is not collected: no "à retirer" for it (a failed delivery's
    # orders wait in the shop, and are reminded as any).
    delivered = sa.select(DeliveryRequest.id).where(
        DeliveryRequest.checkout_id == Order.checkout_id,
        DeliveryRequest.status.in_(DELIVERING_STATES))
    rows = db.session.execute(
        sa.select(Order, withdrawn, told_at).join(Shop)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Order.status.in_(OPEN_STATES), Order.slot_start > now,
               Order.slot_start <= horizon, ~reminded, ~sa.exists(opted_out),
               ~sa.exists(delivered))
        .order_by(Order.slot_start).limit(BATCH)).all()
    queued = 0
    with unit_of_work():
        for order, withdrawn_before, told in rows:
            send_at = reminder_send_at(order.slot_start, order.shop.reminder_minutes)
            told = max(order.created_at, told or order.created_at)
            if send_at > now or told >= send_at:
                continue
            key = f"reminder:{order.id}:{int(order.slot_start.timestamp())}"
            queued += queue_sms(to=order.customer.phone, body=texts.reminder(order),
                                shop_id=order.shop_id, slot_start=order.slot_start,
                                kind="reminder", order_id=order.id, now=now,
                                dedupe_key=f"{key}:{withdrawn_before}" if withdrawn_before else key)
    return queued


LAPSE_MARGIN = timedelta(hours=24)  # settle a day before the bank would drop the authorisation


def settle_lapsing_authorizations(now: datetime) -> int:
    """An authorisation lapses at its capture_before (Stripe: 7 days for online cards) and
    can be captured only once. A day before, orders not yet collected are cancelled (the
    shopper gets the usual SMS, the shop sees the event); the last of them ending writes
    the checkout's settlement: a capture of what was collected, the rest released."""
    with unit_of_work(write=False):
        due = db.session.scalars(
            sa.select(PaymentTransaction.checkout_id).distinct()
            .join(Order, Order.checkout_id == PaymentTransaction.checkout_id)
            .where(PaymentTransaction.kind == AUTHORIZE, PaymentTransaction.status == SUCCEEDED,
                   PaymentTransaction.capture_before <= now + LAPSE_MARGIN,
                   Order.status.in_(OPEN_STATES))
            .order_by(PaymentTransaction.checkout_id).limit(BATCH)).all()
    return each(due, lambda checkout_id: _settle_lapsing(checkout_id, now))


def _settle_lapsing(checkout_id: int, now: datetime) -> int:
    with unit_of_work():
        checkout = db.session.scalar(for_update(
            sa.select(Checkout).where(Checkout.id == checkout_id), skip_locked=True))
        if checkout is None:
            return 0
        for order in checkout.orders:
            db.session.refresh(order)  # as committed by whoever held the lock before us
        open_orders = [order for order in checkout.orders if order.status in OPEN_STATES]
        for order in open_orders:
            transition(order, CANCELLED, actor=SYSTEM, now=now, code="authorization_lapsing")
    return 1 if open_orders else 0


@dataclass
class SweepReport:
    name: str
    handled: int


    failed: bool = False  # the sweep itself broke off (logged); the others still ran


def run_once(now: datetime, *, sms: SmsProvider, payments: PaymentProvider) -> list[SweepReport]:
    """Every sweep once, each on its own: one that fails (a database hiccup, a provider
    down) is logged and reported, and the others, the SMS flush included, still run."""
    started = monotonic()
    sweeps = [
        ("release_expired_holds", lambda: release_expired_holds(now)),
        ("mark_no_shows", lambda: mark_no_shows(now)),
        ("settle_lapsing_authorizations", lambda: settle_lapsing_authorizations(now)),
        # Captures, voids and refunds: the payment jobs due or given back as stale.
        ("settle_payments", lambda: run_payment_jobs(payments, now)),
        ("send_due_reminders", lambda: send_due_reminders(now)),
        # The outbox dates its claims: a run slowed down by the sweeps above (a payment
        # provider timing out) must not claim with a time so old that another process
        # takes the claim for stale and sends the same message again.
        ("flush_sms_outbox",
         lambda: flush_outbox(sms, now + timedelta(seconds=monotonic() - started),
                              push=WebPushSender.from_config(current_app.config))),
        # The manager's figures: daily aggregates of the days touched since the last run
        # (the last 45 at a town day's first run), recomputed (idempotent).
        ("refresh_daily_figures", lambda: refresh_daily_figures(now)),
    ]
    reports = []
    for name, sweep in sweeps:
        try:
            reports.append(SweepReport(name, sweep()))
        except Exception:
            db.session.rollback()
            log.exception("sweep %s failed; the others go on", name)
            reports.append(SweepReport(name, 0, failed=True))
    return reports
