"""Request ids and log lines an operator can search.

Every request gets an id: the incoming `X-Request-ID` when it looks like one (a proxy or
the shopper's app made it), else a fresh one; it is echoed in the response's
`X-Request-ID`. It lives in a context variable for the request's duration, and a logging
filter puts it on every line logged meanwhile: the request's own line, and those of the
work it causes (a capture after commit, a provider's refusal). A scheduler run sets one
of its own ("sweep-…") so that its lines go together too.

One line per request, on the `comptoir.request` logger: a JSON object with the method,
the route's template (`/api/v1/orders/<int:order_id>`, never the raw path with its ids
and tokens), the status, the duration in ms and the request id. With
COMPTOIR_LOG_FORMAT=json (bin/serve's default) every line is a JSON object."""
import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone
from time import perf_counter


request_id: ContextVar[str | None] = ContextVar("comptoir_request_id", default=None)

HEADER = "X-Request-ID"
# What we accept from outside: no spaces, quotes or line breaks to forge a log line with.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,127}")
UNMATCHED = "<unmatched>"  # the route of a request no rule matched (a 404)

request_log = logging.getLogger("comptoir.request")


def new_id(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex


def sane_id(value: str | None) -> str | None:
    return value if value and SANE_ID.fullmatch(value) else None


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and for the
    request line its own fields (record.fields) instead of the message."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc)
                .isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name}
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
            line["request_id"] = getattr(record, "request_id", None) or request_id.get()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(name)s %(message)s"


def configure_logging(log_format: str) -> None:
    """The request id filter on the root logger's handlers, and their format. Idempotent
    (create_app runs once per process, but many times in the tests)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
        if log_format == "json" and not isinstance(handler.formatter, JsonFormatter):
            handler.setFormatter(JsonFormatter())


ROUTE, ENDPOINT = "comptoir.route", "comptoir.endpoint"


def remember_route(_exception=None) -> None:
    """At the request's teardown (which always runs), its url rule into environ, where the
    middleware reads it once Flask has let go of the request."""
    from flask import request
    rule = request.url_rule
    request.environ[ROUTE] = rule.rule if rule is not None else UNMATCHED
    request.environ[ENDPOINT] = rule.endpoint if rule is not None else None


def route_of(environ) -> str:
    return environ.get(ROUTE, UNMATCHED)


def endpoint_of(environ) -> str | None:
    return environ.get(ENDPOINT)


class RequestLogMiddleware:
    """WSGI middleware around Flask: times the request (errors included), sets the
    request id, logs the line and hands the outcome to `observe(environ, status, headers,
    seconds)` (the metrics)."""

    def __init__(self, wsgi_app, observe=None):
        self.wsgi_app = wsgi_app
        self.observe = observe

    def __call__(self, environ, start_response):
        started = perf_counter()
        rid = sane_id(environ.get("HTTP_X_REQUEST_ID")) or new_id()
        token = request_id.set(rid)
        answer: dict = {}

        def start(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != HEADER.lower()]
            headers.append((HEADER, rid))
            answer["status"], answer["headers"] = int(status.split(" ", 1)[0]), headers
            return start_response(status, headers, exc_info)

        def done():
            seconds = perf_counter() - started
            status = answer.get("status", 500)
            try:
                fields = {"event": "request", "method": environ.get("REQUEST_METHOD"),
                          "path": route_of(environ), "status": status,
                          "duration_ms": round(seconds * 1000, 1), "request_id": rid}
                request_log.info(json.dumps(fields), extra={"fields": fields,
                                                            "request_id": rid})
                if self.observe is not None:
                    self.observe(environ, status, answer.get("headers", []), seconds)
            finally:
                try:
                    request_id.reset(token)
                except ValueError:  # closed from another context: nothing to restore
                    request_id.set(None)

        # Flask has built the response (and ended its request context) when it returns:
        # the line is written then, whether or not the server ever closes the body.
        try:
            return self.wsgi_app(environ, start)
        finally:
            done()
