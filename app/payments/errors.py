"""Payment errors that are nobody's fault but the provider's."""
from app.errors import DomainError


class PaymentUnavailable(DomainError):
    """The provider did not answer, even after the SDK's retries; nothing was lost: the
    hold runs on, and asking again uses the same idempotency key."""

    status = 503
    code = "payment_unavailable"
