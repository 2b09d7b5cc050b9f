"""Payment adapters. The offline provider needs no account and no network: it authorises
`test_ok` and declines `test_declined`, like a card terminal in test mode."""
import logging
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("comptoir.payments")


@dataclass
class ProviderResult:
    ok: bool
    provider_ref: str | None = None
    error: str | None = None


class PaymentProvider(Protocol):
    """What the code may ask of a provider is what it can do, never its name (the name is
    recorded on the payment rows). `methods`: the ways to pay chosen on our own page
    (empty when the card is typed on the provider's); `opens_intent`: a payment object
    must be opened at the provider before the shopper pays (open_intent)."""
    name: str
    methods: tuple[str, ...]
    opens_intent: bool

    def checkout_payment(self, checkout_id: int, link) -> dict: ...
    def authorize(self, *, checkout_id: int, amount_cents: int, method: str,
                  idempotency_key: str) -> ProviderResult: ...
    def capture(self, *, provider_ref: str, amount_cents: int,
                idempotency_key: str) -> ProviderResult: ...
    def void(self, *, provider_ref: str, idempotency_key: str) -> ProviderResult: ...
    def refund(self, *, provider_ref: str, amount_cents: int,
               idempotency_key: str) -> ProviderResult: ...


OFFLINE_METHODS = ("test_ok", "test_declined")


class OfflinePayments:
    name = "offline"
    methods = OFFLINE_METHODS
    opens_intent = False

    def __init__(self):
        # What reached the "bank", for the log and for tests that count real calls.
        self.calls: list[tuple[str, str, int]] = []

    def checkout_payment(self, checkout_id: int, link) -> dict:
        return {"provider": self.name, "methods": list(self.methods)}

    def authorize(self, *, checkout_id, amount_cents, method, idempotency_key):
        self.calls.append(("authorize", idempotency_key, amount_cents))
        if method != "test_ok":
            return ProviderResult(ok=False, error="card_declined")
        log.info("authorised %s cents for checkout %s", amount_cents, checkout_id)
        return ProviderResult(ok=True, provider_ref=f"offline-auth-{checkout_id}")

    def capture(self, *, provider_ref, amount_cents, idempotency_key):
        self.calls.append(("capture", idempotency_key, amount_cents))
        log.info("captured %s cents on %s", amount_cents, provider_ref)
        return ProviderResult(ok=True, provider_ref=f"{provider_ref}-capture")

    def void(self, *, provider_ref, idempotency_key):
        self.calls.append(("void", idempotency_key, 0))
        log.info("released authorisation %s", provider_ref)
        return ProviderResult(ok=True, provider_ref=f"{provider_ref}-void")

    def refund(self, *, provider_ref, amount_cents, idempotency_key):
        """Money back on a capture (provider_ref is the capture's reference)."""
        self.calls.append(("refund", idempotency_key, amount_cents))
        log.info("refunded %s cents on %s", amount_cents, provider_ref)
        return ProviderResult(ok=True, provider_ref=f"{provider_ref}-refund-{idempotency_key}")


def payment_provider_from_config(config) -> PaymentProvider:
    choice = config.get("PAYMENTS", "offline")
    if choice == "offline":
        return OfflinePayments()
    if choice == "stripe":
        from app.payments.stripe_provider import StripePayments
        return StripePayments.from_config(config)
    raise RuntimeError(f"COMPTOIR_PAYMENTS={choice!r} is not available yet; use 'offline'.")
