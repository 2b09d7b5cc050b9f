"""Authorise at checkout, capture exactly the collected amount once every order has ended."""
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.database import claim_rows, insert_ignore
from app.extensions import db
from app.ledger.services import record_capture, record_voucher_payment
from app.orders.models import (CHECKOUT_PENDING, COLLECTED, ENDED_STATES, PENDING_PAYMENT,
                               Checkout, Order)
from app.payments.models import (AUTHORIZE, CAPTURE, FAILED, PENDING, PROCESSING, SUCCEEDED,
                                 VOID, PaymentTransaction)
from app.payments.providers import PaymentProvider, ProviderResult
from app.vouchers.services import checkout_vouchers, consume_for_checkout

MAX_ATTEMPTS = 8


# Provider name of an "authorisation" the town's vouchers cover entirely: no card involved.
VOUCHER_ONLY = "voucher"


def card_due_cents(checkout: Checkout) -> int:
    """What the card must authorise for the orders still waiting for payment: their total
    less what the checkout's vouchers hold."""
    waiting = sum(order.total_cents for order in checkout.orders
                  if order.status == PENDING_PAYMENT)
    return max(0, waiting - checkout_vouchers(checkout.id).held_cents)


def payment_details(provider: PaymentProvider, checkout: Checkout) -> dict:
    """The checkout's `payment` for the shopper: the provider's (a Stripe client secret…),
    or, when vouchers cover everything, no card at all."""
    if checkout.status != CHECKOUT_PENDING:
        return provider.checkout_payment(checkout.id, checkout.total_cents)
    card = card_due_cents(checkout)
    details = {"provider": VOUCHER_ONLY} if card == 0 else \
        provider.checkout_payment(checkout.id, card)
    return {**details, "card_cents": card}


def authorization(checkout_id: int) -> PaymentTransaction | None:
    return db.session.scalar(sa.select(PaymentTransaction).where(
        PaymentTransaction.checkout_id == checkout_id, PaymentTransaction.kind == AUTHORIZE,
        PaymentTransaction.status == SUCCEEDED))


def record_authorization(checkout: Checkout, amount_cents: int, result: ProviderResult,
                         provider: str, now: datetime,
                         capture_before: datetime | None = None) -> None:
    """A declined attempt is kept too (its own key), so the shop can see what happened."""
    key = f"authorize:{checkout.id}" if result.ok else f"declined:{checkout.id}:{uuid.uuid4().hex}"
    db.session.add(PaymentTransaction(
        checkout_id=checkout.id, kind=AUTHORIZE, amount_cents=amount_cents,
        provider=provider, provider_ref=result.provider_ref, idempotency_key=key,
        status=SUCCEEDED if result.ok else FAILED, error=result.error, attempts=1,
        created_at=now, done_at=now, capture_before=capture_before))


def settle_if_done(checkout: Checkout, now: datetime) -> None:
    """Once every order of the checkout has ended, settle it once: its vouchers pay first
    for what was collected (confirmed quantities), their unused holds go back; the card
    pays the rest, by one capture, or its authorisation is released (void) when nothing is
    left for it. The caller holds the checkout's row lock, so two orders ending at once
    cannot both miss the last one; every step is idempotent."""
    states = db.session.scalars(sa.select(Order.status).where(Order.checkout_id == checkout.id))
    if any(state not in ENDED_STATES for state in states):
        return
    collected = db.session.scalars(sa.select(Order).where(
        Order.checkout_id == checkout.id, Order.status == COLLECTED).order_by(Order.id)).all()
    amount = sum(order.confirmed_total_cents for order in collected)
    by_vouchers = consume_for_checkout(checkout.id, amount, now=now).consumed_cents
    record_voucher_payment(checkout.id, collected, by_vouchers, at=now)
    auth = authorization(checkout.id)
    if auth is None or auth.provider == VOUCHER_ONLY:
        return
    by_card = amount - by_vouchers
    db.session.execute(insert_ignore(PaymentTransaction).values(
        checkout_id=checkout.id, kind=CAPTURE if by_card else VOID, amount_cents=by_card,
        provider=auth.provider, provider_ref=auth.provider_ref, status=PENDING,
        idempotency_key=f"settle:{checkout.id}", attempts=0, created_at=now))


STALE_CLAIM = timedelta(minutes=10)  # a process that died mid-call gives its claim back


def _claim_settlements(now: datetime, checkout_id: int | None) -> list[PaymentTransaction]:
    """Pending settlements for this process alone; a claim older than STALE_CLAIM is given back."""
    claimable = sa.or_(PaymentTransaction.status == PENDING,
                       sa.and_(PaymentTransaction.status == PROCESSING,
                               PaymentTransaction.claimed_at < now - STALE_CLAIM))
    due = sa.select(PaymentTransaction.id).where(claimable)
    if checkout_id is not None:
        due = due.where(PaymentTransaction.checkout_id == checkout_id)
    return claim_rows(PaymentTransaction, due, claimable, working=PROCESSING, now=now)


def process_settlements(provider: PaymentProvider, now: datetime, *,
                        checkout_id: int | None = None) -> int:
    """Carry out pending captures and voids at the provider, each by one process only.
    The idempotency key makes a retry after a crash harmless at the provider."""
    done = 0
    for tx in _claim_settlements(now, checkout_id):
        if tx.kind == CAPTURE:
            result = provider.capture(provider_ref=tx.provider_ref, amount_cents=tx.amount_cents,
                                      idempotency_key=tx.idempotency_key)
        else:
            result = provider.void(provider_ref=tx.provider_ref,
                                   idempotency_key=tx.idempotency_key)
        if result.ok:
            values = dict(status=SUCCEEDED, done_at=now, error=None)
            done += 1
            if tx.kind == CAPTURE:  # the ledger's split, in the same commit as the success
                record_capture(tx, now)
        else:
            values = dict(status=FAILED if tx.attempts >= MAX_ATTEMPTS else PENDING,
                          error=(result.error or "")[:300])
        db.session.execute(sa.update(PaymentTransaction)
                           .where(PaymentTransaction.id == tx.id).values(**values)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    return done


def captured_cents(checkout_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(
        PaymentTransaction.amount_cents), 0)).where(
        PaymentTransaction.checkout_id == checkout_id, PaymentTransaction.kind == CAPTURE,
        PaymentTransaction.status == SUCCEEDED))
