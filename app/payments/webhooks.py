"""Stripe's webhook: the authorisation of a checkout reaches us here, not in the browser.

Each event is verified (signature and freshness, by the SDK) and handled once: its id is
recorded with what handling it did, so a second delivery changes nothing. Handling is
also idempotent in itself (place_authorized finds the checkout placed), so two deliveries
at the same instant, or a crash between handling and recording, cannot place twice; and
it relies on the PaymentIntent's state, not on the order events arrive in."""
import json
import logging
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SignedEvent:
    id: str
    type: str
    obj: dict  # data.object


def _word(value, most: int) -> bool:
    """A short printable string: no NUL (PostgreSQL refuses it), no lone surrogate."""
    return isinstance(value, str) and 0 < len(value) <= most and value.isprintable()


def _event_of(text: str) -> SignedEvent:
    """The signed body, read as plain JSON and checked for the shape this module reads. A
    signature says who sent the body, not that it is an event we can read: a JSON string,
    nesting deeper than Python recurses, an event without id, are refused as malformed
    (400) rather than failing halfway (500). Nothing here recurses into the body."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    body = data.get("data") if isinstance(data, dict) else None
    obj = body.get("object") if isinstance(body, dict) else None
    if not (isinstance(obj, dict) and _word(data.get("id"), 120) and _word(data.get("type"), 80)):
        raise Malformed("Événement Stripe illisible.", code="malformed")
    if obj.get("object") == "payment_intent" and not (
            _word(obj.get("id"), 120) and _word(obj.get("status"), 40)
            and isinstance(obj.get("metadata") or {}, dict)
            and isinstance(obj.get("amount_capturable") or 0, int)
            and isinstance(obj.get("amount") or 0, int)
            and isinstance(obj.get("latest_charge"), (str, dict, type(None)))
            and isinstance(obj.get("last_payment_error") or {}, dict)):
        raise Malformed("PaymentIntent illisible dans l'événement Stripe.", code="malformed")
    return SignedEvent(data["id"], data["type"], obj)


def handle_stripe_event(payload: bytes, signature: str | None, *, now: datetime,
                        provider) -> str:
    """What was done with the event: "placed", "released", "declined", "duplicate",
    "ignored"... Raises Malformed (400) when the signature or the body does not hold."""
    if not isinstance(provider, StripePayments):
        raise NotFound("Stripe n'est pas le moyen de paiement de ce site.")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature or "", provider.webhook_secret,
                                              tolerance=TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError:
        raise Malformed("Signature Stripe invalide ou trop ancienne.",
                        field="Stripe-Signature", code="bad_signature") from None
    except UnicodeDecodeError:
        raise Malformed("Événement Stripe illisible.", code="malformed") from None
    event = _event_of(text)
    obj = event.obj
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
    code = error.get("code")
    with unit_of_work():
        checkout = db.session.get(Checkout, checkout_id)
        if checkout.status != CHECKOUT_PENDING:
            return "ignored"
        payments.record_authorization(
            checkout, obj.get("amount") or 0,
            ProviderResult(ok=False, provider_ref=obj["id"],
                           error=(code if _word(code, 300) else "payment_failed")),
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
