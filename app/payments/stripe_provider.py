"""Stripe adapter (COMPTOIR_PAYMENTS=stripe): one manually captured PaymentIntent per
checkout, confirmed by the shopper's browser; the authorisation comes back by webhook.

Every mutating call carries an idempotency key made of our own ids, and the SDK retries
timeouts and 5xx itself (max_network_retries, explicit): a retry replays the first answer
at Stripe, so it never charges twice."""
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import stripe
from flask_babel import gettext as _

from app.errors import Invalid
from app.numbers import small_int
from app.payments.errors import PaymentUnavailable
from app.payments.providers import ProviderResult

log = logging.getLogger("comptoir.payments.stripe")

CURRENCY = "eur"


@dataclass
class Intent:
    id: str
    client_secret: str
    status: str
    amount_capturable: int
    checkout_id: int | None
    capture_before: datetime | None  # from the latest charge's card details, when known


def intent_from(obj) -> Intent:
    """A PaymentIntent as the SDK returns it (an object, not a dict), or an event's copy."""
    if hasattr(obj, "to_dict"):
        obj = obj.to_dict()
    metadata = obj.get("metadata") or {}
    checkout_id = metadata.get("checkout_id")
    capture_before = None
    charge = obj.get("latest_charge")
    if charge is not None and not isinstance(charge, str):  # expanded
        card = (charge.get("payment_method_details") or {}).get("card") or {}
        if card.get("capture_before"):
            capture_before = datetime.fromtimestamp(card["capture_before"], timezone.utc)
    return Intent(id=obj["id"], client_secret=obj.get("client_secret") or "",
                  status=obj["status"], amount_capturable=obj.get("amount_capturable") or 0,
                  checkout_id=small_int(str(checkout_id or "")),
                  capture_before=capture_before)


class StripePayments:
    name = "stripe"
    methods = ()  # the card is typed on Stripe's form (Stripe.js), never on our page
    opens_intent = True

    def __init__(self, *, secret_key: str, publishable_key: str | None,
                 webhook_secret: str | None, api_base: str | None = None,
                 max_network_retries: int = 2, timeout_seconds: float = 20):
        self.publishable_key = publishable_key or ""
        self.webhook_secret = webhook_secret
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout_seconds))

    @classmethod
    def from_config(cls, config) -> "StripePayments":
        if not config.get("STRIPE_SECRET_KEY"):
            raise RuntimeError("COMPTOIR_PAYMENTS=stripe needs STRIPE_SECRET_KEY.")
        return cls(secret_key=config["STRIPE_SECRET_KEY"],
                   publishable_key=config.get("STRIPE_PUBLISHABLE_KEY"),
                   webhook_secret=config.get("STRIPE_WEBHOOK_SECRET"),
                   api_base=config.get("STRIPE_API_BASE"),
                   max_network_retries=int(config.get("STRIPE_MAX_NETWORK_RETRIES", 2)),
                   timeout_seconds=float(config.get("STRIPE_TIMEOUT_SECONDS", 20)))

    # --- what the checkout shows ----------------------------------------------------------

    def checkout_payment(self, checkout_id: int, link) -> dict:
        """What the shopper's browser needs to confirm the PaymentIntent (`link`, opened
        by payments.open_payment; None until then)."""
        return {"provider": self.name,
                "payment_intent": link.intent_id if link else None,
                "client_secret": link.client_secret if link else None,
                "publishable_key": self.publishable_key}

    def open_intent(self, *, checkout_id: int, amount_cents: int) -> Intent:
        try:
            obj = self.client.v1.payment_intents.create(
                {"amount": amount_cents, "currency": CURRENCY, "capture_method": "manual",
                 "automatic_payment_methods": {"enabled": True},
                 "metadata": {"checkout_id": str(checkout_id)}},
                {"idempotency_key": f"pi:{checkout_id}"})
        except stripe.StripeError as error:
            log.warning("PaymentIntent for checkout %s not created: %s", checkout_id, error)
            raise PaymentUnavailable(_("Le paiement par carte est momentanément indisponible ; "
                                       "vos articles restent réservés, réessayez dans un "
                                       "instant.")) from error
        return intent_from(obj)

    def fetch_intent(self, intent_id: str) -> Intent:
        """The PaymentIntent as Stripe has it now, with its charge (for capture_before)."""
        obj = self.client.v1.payment_intents.retrieve(intent_id,
                                                      {"expand": ["latest_charge"]})
        return intent_from(obj)

    # --- the PaymentProvider protocol -----------------------------------------------------

    def authorize(self, *, checkout_id, amount_cents, method, idempotency_key):
        # With Stripe the card never reaches us: the browser confirms the PaymentIntent.
        raise Invalid(_("Avec la carte bancaire, le paiement se fait sur la page de paiement "
                        "(Stripe) ; l'autorisation nous parvient ensuite."),
                      field="payment_method", code="confirm_with_stripe")

    def capture(self, *, provider_ref, amount_cents, idempotency_key):
        try:
            obj = self.client.v1.payment_intents.capture(
                provider_ref, {"amount_to_capture": amount_cents},
                {"idempotency_key": idempotency_key})
        except stripe.InvalidRequestError as error:
            # Stripe forgets idempotency keys after 24 hours: a capture retried later than
            # that is refused, but the first one may well have gone through.
            done = self._current(provider_ref)
            if done is not None and done.status == "succeeded" \
                    and done.amount_received == amount_cents:
                return ProviderResult(ok=True, provider_ref=provider_ref)
            return self._failed("capture", provider_ref, error)
        except stripe.StripeError as error:
            return self._failed("capture", provider_ref, error)
        return ProviderResult(ok=obj.status == "succeeded", provider_ref=obj.id,
                              error=None if obj.status == "succeeded" else obj.status)

    def void(self, *, provider_ref, idempotency_key):
        try:
            obj = self.client.v1.payment_intents.cancel(provider_ref, None,
                                                        {"idempotency_key": idempotency_key})
        except stripe.InvalidRequestError as error:
            # Stripe cancels an authorisation by itself when it lapses: already done is done.
            current = self._current(provider_ref)
            if current is not None and current.status == "canceled":
                return ProviderResult(ok=True, provider_ref=provider_ref)
            return self._failed("cancel", provider_ref, error)
        except stripe.StripeError as error:
            return self._failed("cancel", provider_ref, error)
        return ProviderResult(ok=True, provider_ref=obj.id)

    def refund(self, *, provider_ref, amount_cents, idempotency_key):
        try:
            obj = self.client.v1.refunds.create(
                {"payment_intent": provider_ref, "amount": amount_cents},
                {"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            return self._failed("refund", provider_ref, error)
        return ProviderResult(ok=True, provider_ref=obj.id)

    def _current(self, intent_id: str):
        try:
            return self.client.v1.payment_intents.retrieve(intent_id)
        except stripe.StripeError:
            return None

    @staticmethod
    def _failed(what: str, intent_id: str, error: stripe.StripeError) -> ProviderResult:
        log.warning("Stripe %s on %s failed: %s", what, intent_id, error)
        code = getattr(error, "code", None) or type(error).__name__
        return ProviderResult(ok=False, error=f"{code}: {error.user_message or error}"[:300])
