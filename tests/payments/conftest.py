"""The app with COMPTOIR_PAYMENTS=stripe, its real SDK pointed at a local fake Stripe."""
from datetime import timedelta

import pytest

from app.accounts.services import issue_token
from tests.conftest import app_on
from tests.factories import checkout_payload, make_merchant
from tests.payments.fake_stripe import FakeStripe, sign

WEBHOOK_SECRET = "whsec_test_comptoir"
TIMEOUT_SECONDS = 1.0  # the SDK gives up on a slow answer after this, then retries
RETRIES = 2


@pytest.fixture
def fake_stripe(clock):
    fake = FakeStripe().start()
    # The card's authorisation lapses 7 days after the (controlled) now.
    fake.capture_before = int((clock.now + timedelta(days=7)).timestamp())
    yield fake
    fake.stop()


def stripe_app_on(database_uri, clock, fake_stripe):
    """app_on with COMPTOIR_PAYMENTS=stripe, the SDK pointed at `fake_stripe`."""
    return app_on(database_uri, clock, PAYMENTS="stripe",
                  STRIPE_SECRET_KEY=fake_stripe.secret_key,
                  STRIPE_PUBLISHABLE_KEY="pk_test_comptoir",
                  STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE=fake_stripe.url,
                  STRIPE_MAX_NETWORK_RETRIES=RETRIES, STRIPE_TIMEOUT_SECONDS=TIMEOUT_SECONDS)


@pytest.fixture
def app(database_uri, clock, fake_stripe):
    with stripe_app_on(database_uri, clock, fake_stripe) as app:
        yield app


def create_checkout(client, lines_by_shop: dict, now, *, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/checkouts", json=checkout_payload(lines_by_shop, now),
                       headers=headers)


def deliver(client, payload: str, *, secret=WEBHOOK_SECRET, timestamp=None):
    """Stripe posting an event to our webhook."""
    return client.post("/api/v1/webhooks/stripe", data=payload,
                       headers={"Stripe-Signature": sign(payload, secret, timestamp),
                                "Content-Type": "application/json"})


def authorise(client, fake, intent_id: str):
    """The shopper's card accepted by Stripe.js, then Stripe's webhook."""
    fake.confirm(intent_id, "ok")
    return deliver(client, fake.event("payment_intent.amount_capturable_updated", intent_id))


def merchant_headers(shop) -> dict:
    return {"Authorization": f"Bearer {issue_token(make_merchant(shop))}"}
