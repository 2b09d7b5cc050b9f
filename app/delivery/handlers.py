"""A delivered checkout whose every order ends without a handover (not paid in time,
cancelled, not collected) gives its drop back and its request is cancelled, queued on the
unit of work in the lock order (drops by window and day, after products and seats)."""
import sqlalchemy as sa

from app.database import DROPS, current_unit
from app.delivery.services import delivery_for_checkout, release_drop
from app.delivery.models import (REQUEST_CANCELLED, REQUEST_HELD, REQUEST_PLANNED,
                                 DeliveryRequest)
from app.extensions import db
from app.orders.models import RELEASED_STATES, Order
from app.orders.transitions import StatusChange, on_status_change

# A request the courier has not taken to the door yet; delivered or failed ones stay.
RELEASABLE = (REQUEST_HELD, REQUEST_PLANNED)


@on_status_change
def _drop_back(change: StatusChange) -> None:
    if change.after not in RELEASED_STATES:
        return
    request = delivery_for_checkout(change.order.checkout_id)
    if request is None or request.status not in RELEASABLE:
        return
    states = db.session.scalars(sa.select(Order.status)
                                .where(Order.checkout_id == change.order.checkout_id))
    if any(state not in RELEASED_STATES for state in states):
        return  # another order is still open, or was handed over
    request_id, window_id, day = request.id, request.window_id, request.day
    current_unit().later((DROPS, window_id, day, request_id),
                         lambda: _cancel(request_id, window_id, day))


def _cancel(request_id: int, window_id: int, day) -> None:
    # Conditional: the request and its drop go back once, whoever gets here first.
    moved = db.session.execute(
        sa.update(DeliveryRequest)
        .where(DeliveryRequest.id == request_id, DeliveryRequest.status.in_(RELEASABLE))
        .values(status=REQUEST_CANCELLED).execution_options(synchronize_session="fetch"))
    if moved.rowcount == 1:
        release_drop(window_id, day)
