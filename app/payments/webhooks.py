"""Stripe's webhook: the authorisation of a checkout reaches us here, not in the browser.

Each event is verified (signature and freshness, by the SDK) and handled once: its id is
recorded with what handling it did, so a second delivery changes nothing. Handling is
also idempotent in itself (place_authorized finds the checkout placed), so two deliveries
at the same instant, or a crash between handling and recording, cannot place twice; and
it relies on the PaymentIntent's state, not on the order events arrive in."""
import logging
from datetime import datetime

import sqlalchemy as sa
import stripe

from app.database import insert_ignore, unit_of_work
from app.errors import Malformed, NotFound
from app.extensions import db
from app.orders.models import CHECKOUT_PENDING, CHECKOUT_PLACED, Checkout
from app.orders.services import place_authorized
from app.payments import services as payments
from app.payments.intents import checkout_of_intent
from app.payments.models import PaymentEvent
from app.payments.providers import ProviderResult
from app.payments.stripe_provider import Intent, StripePayments, intent_from

log = logging.getLogger("comptoir.payments.stripe")

TOLERANCE_SECONDS = 300  # Stripe's own default: older signatures are replays


def handle_stripe_event(payload: bytes, signature: str | None, *, now: datetime,
                        provider) -> str:
    """What was done with the event: "placed", "released", "declined", "duplicate",
    "ignored"... Raises Malformed (400) when the signature or the body does not hold."""
    if not isinstance(provider, StripePayments):
        raise NotFound("Stripe n'est pas le moyen de paiement de ce site.")
    try:
        event = stripe.Webhook.construct_event(payload.decode("utf-8"), signature,
                                               provider.webhook_secret,
                                               tolerance=TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError:
        raise Malformed("Signature Stripe invalide ou trop ancienne.",
                        field="Stripe-Signature", code="bad_signature") from None
    except (ValueError, UnicodeDecodeError, KeyError):
        raise Malformed("Événement Stripe illisible.", code="malformed") from None
    obj = event.data.object.to_dict()
    intent = intent_from(obj) if obj.get("object") == "payment_intent" else None
    # The reads end here: Stripe may be asked below, with no transaction open.
    with unit_of_work(write=False):
        if _seen(event.id):
            return "duplicate"
        checkout_id = intent and (intent.checkout_id or checkout_of_intent(intent.id))
        known = checkout_id is not None and db.session.get(Checkout, checkout_id) is not None
    if intent is None:
        return _record(event, None, "ignored", now)
    if not known:
        return _record(event, None, "unknown_checkout", now)
    if event.type == "payment_intent.amount_capturable_updated":
        outcome = _authorized(checkout_id, intent, now, provider)
    elif event.type == "payment_intent.payment_failed":
        outcome = _declined(checkout_id, obj, now)
    else:  # requires_action, canceled, succeeded...: our own calls, or nothing to do
        outcome = "ignored"
    return _record(event, checkout_id, outcome, now)


def _authorized(checkout_id: int, intent: Intent, now: datetime,
                provider: StripePayments) -> str:
    # The event may be old news: ask Stripe for the PaymentIntent as it is, with its charge
    # (capture_before); the event's copy serves when Stripe cannot be reached.
    try:
        intent = provider.fetch_intent(intent.id)
    except stripe.StripeError as error:
        log.warning("PaymentIntent %s not fetched, using the event's copy: %s", intent.id, error)
    if intent.status != "requires_capture" or not intent.amount_capturable:
        return "not_authorized"
    checkout = place_authorized(checkout_id, provider_ref=intent.id,
                                amount_cents=intent.amount_capturable, now=now,
                                provider=provider, capture_before=intent.capture_before)
    return "placed" if checkout.status == CHECKOUT_PLACED else "released"


def _declined(checkout_id: int, obj, now: datetime) -> str:
    """Kept for the shop to see; the shopper may try another card on the same PaymentIntent.
    Once the checkout is placed, a late failure of an earlier attempt changes nothing."""
    error = obj.get("last_payment_error") or {}
    with unit_of_work():
        checkout = db.session.get(Checkout, checkout_id)
        if checkout.status != CHECKOUT_PENDING:
            return "ignored"
        payments.record_authorization(
            checkout, obj.get("amount") or 0,
            ProviderResult(ok=False, provider_ref=obj["id"],
                           error=(error.get("code") or "payment_failed")[:300]),
            "stripe", now)
    return "declined"


def _seen(event_id: str) -> bool:
    return db.session.scalar(sa.select(PaymentEvent.id).where(
        PaymentEvent.provider == "stripe", PaymentEvent.event_id == event_id)) is not None


def _record(event, checkout_id: int | None, outcome: str, now: datetime) -> str:
    with unit_of_work():
        db.session.execute(insert_ignore(PaymentEvent).values(
            provider="stripe", event_id=event.id, type=event.type[:80],
            checkout_id=checkout_id, outcome=outcome, received_at=now))
    log.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    return outcome
