"""The payment side of an order's change: once the last order of a checkout has ended,
its settlement (vouchers consumed, the card's capture or void as a PaymentJob) is
written in the same unit of work and carried out after commit."""
from app.orders.models import ENDED_STATES
from app.orders.transitions import StatusChange, on_status_change
from app.payments.services import settle_when_done


@on_status_change
def _settle_when_the_checkout_ends(change: StatusChange) -> None:
    if change.after in ENDED_STATES:
        settle_when_done(change.order.checkout, change.now)
