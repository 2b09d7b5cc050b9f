"""The provider's payment object of a checkout (a Stripe PaymentIntent): opened once the
hold is committed, by the route that shows the payment, found again on every later look,
never opened twice."""
import sqlalchemy as sa

from app.database import in_transaction, insert_ignore, unit_of_work
from app.extensions import db
from app.payments.models import PaymentIntentLink


def open_intent(checkout_id: int, amount_cents: int, provider) -> None:
    """Ask the provider for the checkout's PaymentIntent and keep it. Raises
    PaymentUnavailable when the provider does not answer; asking again later reuses the
    idempotency key `pi:{checkout_id}`, so two attempts still make one PaymentIntent."""
    assert not in_transaction(), "no transaction (on SQLite, no write lock) while Stripe answers"
    intent = provider.open_intent(checkout_id=checkout_id, amount_cents=amount_cents)
    with unit_of_work():
        db.session.execute(insert_ignore(PaymentIntentLink).values(
            checkout_id=checkout_id, provider=provider.name, intent_id=intent.id,
            client_secret=intent.client_secret))


def payment_link(checkout_id: int) -> PaymentIntentLink | None:
    return db.session.scalar(sa.select(PaymentIntentLink)
                             .where(PaymentIntentLink.checkout_id == checkout_id))


def checkout_of_intent(intent_id: str) -> int | None:
    return db.session.scalar(sa.select(PaymentIntentLink.checkout_id)
                             .where(PaymentIntentLink.intent_id == intent_id))
