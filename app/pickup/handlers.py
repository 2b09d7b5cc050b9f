"""An order that ends without a handover gives its seat back to its slot, queued on the
unit of work in the lock order (seats by shop and start, after products)."""
from app.database import SEATS, current_unit
from app.delivery.services import delivery_for_checkout
from app.orders.models import RELEASED_STATES
from app.orders.transitions import StatusChange, on_status_change
from app.pickup.services import release_seat


@on_status_change
def _seat_back(change: StatusChange) -> None:
    if change.after not in RELEASED_STATES:
        return
    order = change.order
    if delivery_for_checkout(order.checkout_id) is not None:
        return  # a delivered order took no seat: its slot is the delivery window's
    current_unit().later((SEATS, order.shop_id, order.slot_start, order.id),
                         lambda: release_seat(order.shop_id, order.slot_start))
