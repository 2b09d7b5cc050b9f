"""Delivery's own refusals (the others are app.errors')."""
from app.errors import DomainError


class DeliveryUnavailable(DomainError):
    """An outside service delivery depends on (the geocoder) did not answer: try again,
    or choose pickup."""

    status = 503
    code = "unavailable"
