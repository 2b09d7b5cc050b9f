"""What the catalogue does when an order changes state: units held for it go back on the
shelf when it ends without a handover, and leave the shop's count when it is collected.
Queued on the unit of work in the lock order (products by id), never run on the spot."""
from app.catalog import services as catalog
from app.database import PRODUCTS, current_unit
from app.orders.models import COLLECTED, RELEASED_STATES
from app.orders.transitions import StatusChange, on_status_change


@on_status_change
def _stock_follows_the_order(change: StatusChange) -> None:
    if change.after in RELEASED_STATES:
        move = catalog.return_stock
    elif change.after == COLLECTED:
        move = catalog.collect_stock
    else:
        return
    unit = current_unit()
    for line in change.order.lines:
        if line.held_quantity:
            unit.later((PRODUCTS, line.product_id, line.id),
                       lambda pid=line.product_id, q=line.held_quantity: move(pid, q))
