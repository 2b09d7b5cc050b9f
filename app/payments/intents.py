"""The provider's payment object of a checkout (a Stripe PaymentIntent): opened once the
hold is committed, found again on every later look, never opened twice."""
import sqlalchemy as sa

from app.database import insert_ignore, transaction
from app.extensions import db
from app.orders.models import CHECKOUT_PENDING, Checkout
from app.payments.models import PaymentIntentLink


def intent_for_checkout(checkout_id: int, amount_cents: int, provider) -> PaymentIntentLink | None:
    """The checkout's PaymentIntent, opened now if it has none and still waits for payment.
    Raises PaymentUnavailable when the provider does not answer; asking again later reuses
    the idempotency key `pi:{checkout_id}`, so two attempts still make one PaymentIntent."""
    link = _link(checkout_id)
    if link is not None:
        return link
    status = db.session.scalar(sa.select(Checkout.status).where(Checkout.id == checkout_id))
    if status != CHECKOUT_PENDING:
        return None  # placed elsewhere, or expired: nothing left to pay
    db.session.rollback()  # no transaction (on SQLite, no write lock) open while Stripe answers
    intent = provider.open_intent(checkout_id=checkout_id, amount_cents=amount_cents)
    with transaction():
        db.session.execute(insert_ignore(PaymentIntentLink).values(
            checkout_id=checkout_id, provider=provider.name, intent_id=intent.id,
            client_secret=intent.client_secret))
    return _link(checkout_id)


def _link(checkout_id: int) -> PaymentIntentLink | None:
    return db.session.scalar(sa.select(PaymentIntentLink)
                             .where(PaymentIntentLink.checkout_id == checkout_id))


def checkout_of_intent(intent_id: str) -> int | None:
    return db.session.scalar(sa.select(PaymentIntentLink.checkout_id)
                             .where(PaymentIntentLink.intent_id == intent_id))
