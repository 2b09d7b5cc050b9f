"""Each package's answer to an order's change of state (app.orders.transitions sends
`status_changed`; these connect to it). Imported once by the app factory."""
from app.catalog import handlers as catalog  # noqa: F401
from app.delivery import handlers as delivery  # noqa: F401
from app.notify import handlers as notify  # noqa: F401
from app.payments import handlers as payments  # noqa: F401
from app.pickup import handlers as pickup  # noqa: F401
