"""Authorise at checkout, capture exactly the collected amount once every order has ended."""
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.database import (VOUCHERS, claim_rows, current_unit, for_update, insert_ignore,
                          unit_of_work)
from app.delivery.services import fee_due_cents
from app.extensions import db
from app.ledger.services import record_capture, record_voucher_payment
from app.orders.models import (CHECKOUT_PENDING, COLLECTED, ENDED_STATES, PENDING_PAYMENT,
                               Checkout, Order)
from app.payments.models import (AUTHORIZE, CAPTURE, DONE, FAILED, PENDING, PROCESSING, REFUND,
                                 SUCCEEDED, VOID, PaymentJob, PaymentTransaction)
from app.payments.intents import open_intent, payment_link
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
    if waiting:  # a delivered basket's fee is authorised with its goods
        waiting += fee_due_cents(checkout.id, delivered_only=False)
    return max(0, waiting - checkout_vouchers(checkout.id).held_cents)


def payment_details(provider: PaymentProvider, checkout: Checkout) -> dict:
    """The checkout's `payment` for the shopper: the provider's (a Stripe client secret…),
    or, when vouchers cover everything, no card at all. Only reads: the provider's payment
    object is opened by open_payment, never by a look at the checkout."""
    link = payment_link(checkout.id) if provider.opens_intent else None
    if checkout.status != CHECKOUT_PENDING:
        return provider.checkout_payment(checkout.id, link)
    card = card_due_cents(checkout)
    details = {"provider": VOUCHER_ONLY} if card == 0 else \
        provider.checkout_payment(checkout.id, link)
    return {**details, "card_cents": card}


def open_payment(provider: PaymentProvider, checkout_id: int) -> None:
    """Open the provider's payment object for a checkout that waits for a card (a Stripe
    PaymentIntent), once: the route that shows the payment calls this, then reads
    payment_details. Raises PaymentUnavailable when the provider does not answer; the
    hold runs on and a later call tries again with the same idempotency key."""
    if not provider.opens_intent:
        return
    with unit_of_work(write=False):
        checkout = db.session.get(Checkout, checkout_id)
        if checkout is None or checkout.status != CHECKOUT_PENDING \
                or payment_link(checkout_id) is not None:
            return
        card = card_due_cents(checkout)
    if card:
        open_intent(checkout_id, card, provider)


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
        status=SUCCEEDED if result.ok else FAILED, error=result.error,
        created_at=now, capture_before=capture_before))


def settle_when_done(checkout: Checkout, now: datetime) -> None:
    """settle_if_done, queued on the unit of work after the vouchers in the lock order,
    once per checkout however many of its orders end in the same unit."""
    current_unit().later((VOUCHERS, checkout.id), lambda: settle_if_done(checkout, now))


def settle_if_done(checkout: Checkout, now: datetime) -> None:
    """Once every order of the checkout has ended, settle it once: its vouchers pay first
    for what was collected (confirmed quantities), their unused holds go back; the card
    pays the rest, by one capture, or its authorisation is released (void) when nothing is
    left for it. The caller holds the checkout's row lock, so two orders ending at once
    cannot both miss the last one; every step is idempotent. The call to the provider is
    a PaymentJob, carried out after commit."""
    states = db.session.scalars(sa.select(Order.status).where(Order.checkout_id == checkout.id))
    if any(state not in ENDED_STATES for state in states):
        return
    collected = db.session.scalars(sa.select(Order).where(
        Order.checkout_id == checkout.id, Order.status == COLLECTED).order_by(Order.id)).all()
    # A delivery's fee only once the courier handed the basket over: never otherwise.
    fee = fee_due_cents(checkout.id, delivered_only=True) if collected else 0
    amount = sum(order.confirmed_total_cents for order in collected) + fee
    by_vouchers = consume_for_checkout(checkout.id, amount, now=now).consumed_cents
    record_voucher_payment(checkout.id, collected, by_vouchers, at=now, fee_cents=fee)
    auth = authorization(checkout.id)
    if auth is None or auth.provider == VOUCHER_ONLY:
        return
    by_card = amount - by_vouchers
    add_job(checkout_id=checkout.id, kind=CAPTURE if by_card else VOID, amount_cents=by_card,
            provider=auth.provider, provider_ref=auth.provider_ref,
            idempotency_key=f"settle:{checkout.id}", now=now)


def add_job(*, now: datetime, **values) -> None:
    """A call to make at the provider, written in the caller's unit of work (once: the key
    is unique) and carried out as soon as it commits, when the unit knows the provider;
    else by the next sweep."""
    db.session.execute(insert_ignore(PaymentJob).values(status=PENDING, attempts=0,
                                                        created_at=now, **values))
    unit = current_unit()
    key = values["idempotency_key"]
    unit.after_commit(lambda: unit.payments and run_payment_jobs(unit.payments, now, key=key))


STALE_CLAIM = timedelta(minutes=10)  # a process that died mid-call gives its claim back


def run_payment_jobs(provider: PaymentProvider, now: datetime, *,
                     key: str | None = None) -> int:
    """Carry out due payment jobs (captures, voids, refunds), each by one process only,
    with no transaction open while the provider answers. Each try is recorded; the
    ledger's entries are written with the success, in the same commit. Returns how many
    succeeded."""
    claimable = sa.or_(PaymentJob.status == PENDING,
                       sa.and_(PaymentJob.status == PROCESSING,
                               PaymentJob.claimed_at < now - STALE_CLAIM))
    due = sa.select(PaymentJob.id).where(claimable).order_by(PaymentJob.id)
    if key is not None:
        due = due.where(PaymentJob.idempotency_key == key)
    done = 0
    for job in claim_rows(PaymentJob, due, claimable, working=PROCESSING, now=now):
        done += _record_try(job, _call(provider, job), now)
    return done


def _call(provider: PaymentProvider, job: PaymentJob) -> ProviderResult:
    if job.kind == CAPTURE:
        return provider.capture(provider_ref=job.provider_ref, amount_cents=job.amount_cents,
                                idempotency_key=job.idempotency_key)
    if job.kind == VOID:
        return provider.void(provider_ref=job.provider_ref, idempotency_key=job.idempotency_key)
    return provider.refund(provider_ref=job.provider_ref, amount_cents=job.amount_cents,
                           idempotency_key=job.idempotency_key)


def _record_try(job: PaymentJob, result: ProviderResult, now: datetime) -> int:
    """The try's row, and the job's new state, only if the claim is still this process's
    (a claim taken over as stale is the other process's to record)."""
    final = result.ok or job.attempts >= MAX_ATTEMPTS
    with unit_of_work():
        # The checkout's row first, as every writer of its money takes it.
        db.session.execute(for_update(sa.select(Checkout.id)
                                      .where(Checkout.id == job.checkout_id)))
        ours = db.session.execute(
            sa.update(PaymentJob)
            .where(PaymentJob.id == job.id, PaymentJob.claim == job.claim,
                   PaymentJob.status == PROCESSING)
            .values(status=(DONE if result.ok else FAILED) if final else PENDING,
                    error=None if result.ok else (result.error or "")[:300],
                    done_at=now if final else None)
            .execution_options(synchronize_session=False)).rowcount
        if not ours:
            return 0
        attempt = PaymentTransaction(
            checkout_id=job.checkout_id, job_id=job.id, kind=job.kind,
            amount_cents=job.amount_cents, provider=job.provider,
            provider_ref=((result.provider_ref or job.provider_ref) if job.kind != REFUND
                          else result.provider_ref or "")[:120] or None,
            status=SUCCEEDED if result.ok else FAILED,
            error=None if result.ok else (result.error or "")[:300],
            idempotency_key=f"{job.idempotency_key}#{job.attempts}", created_at=now)
        db.session.add(attempt)
        db.session.flush()
        for react in _on_outcome:
            react(job, attempt, final, now)
    return 1 if result.ok else 0


# What other packages do with a try's outcome, in its unit of work (the ledger's split of
# a capture, a refund's own state): registered by them, so payments imports none of them.
_on_outcome: list = []


def on_job_outcome(fn):
    _on_outcome.append(fn)
    return fn


@on_job_outcome
def _ledger_of_capture(job: PaymentJob, attempt: PaymentTransaction, final: bool,
                       now: datetime) -> None:
    if job.kind == CAPTURE and attempt.status == SUCCEEDED:
        record_capture(attempt, now)


def settlement_job(checkout_id: int) -> PaymentJob | None:
    return db.session.scalar(sa.select(PaymentJob).where(
        PaymentJob.idempotency_key == f"settle:{checkout_id}"))


def captured_cents(checkout_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(
        PaymentTransaction.amount_cents), 0)).where(
        PaymentTransaction.checkout_id == checkout_id, PaymentTransaction.kind == CAPTURE,
        PaymentTransaction.status == SUCCEEDED))
