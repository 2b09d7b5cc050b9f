"""Domain exceptions: services raise them, routes/API/CLI/jobs turn them into their own answer."""


class DomainError(Exception):
    """A rule said no. `code` is stable (API clients rely on it); `field` names the culprit."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class Malformed(DomainError):
    status = 400
    code = "malformed"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PaymentDeclined(DomainError):
    status = 402
    code = "payment_declined"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class RateLimited(DomainError):
    """Too many at once from one shopper or address; `retry_after` seconds until it eases."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = max(1, int(retry_after))
