"""Every failure under /api/v1 answers {"error": {"code", "message", "field"?}}, never HTML.

Domain errors carry their own status and code. Werkzeug's HTTP errors are turned into the
same shape, including the routing ones (unknown path, wrong method), which happen before
any blueprint is chosen and so are caught in an app-wide before_request hook.
"""
from flask import current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, default_exceptions

from app.api import bp
from app.errors import DomainError
from app.extensions import db

API_PREFIX = "/api/v1"  # where create_app registers bp


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


HTTP_CODES = {400: "malformed", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
              429: "rate_limited", 500: "server_error"}


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers=None):
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    response = jsonify(error=error)
    response.status_code = status
    for name, value in headers or ():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="comptoir"'
    return response


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    retry_after = getattr(exc, "retry_after", None)  # a RateLimited says when to come back
    return error_response(exc.status, exc.code, exc.message, exc.field,
                          headers=[("Retry-After", str(retry_after))] if retry_after else None)


def http_error(exc: HTTPException):
    status = exc.code or 500
    if status >= 500:
        db.session.rollback()  # whatever failed must not leak into the next use of the session
    code = HTTP_CODES.get(status) or (exc.name or "error").lower().replace(" ", "_")
    messages = {400: _("Requête illisible."), 404: _("Rien à cette adresse de l'API."),
                405: _("Méthode non permise ici."), 413: _("Requête trop volumineuse."),
                500: _("Erreur interne ; réessayez plus tard.")}
    # Allow (405) and Retry-After must survive; the body is ours, so is its type.
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return error_response(status, code, messages.get(status, exc.description or exc.name),
                          headers=headers)


# By status code, not by class: an app-wide handler registered for a code elsewhere would
# otherwise win over a class handler here.
for _status in default_exceptions:
    bp.register_error_handler(_status, http_error)


@bp.before_app_request
def routing_error():
    exc = request.routing_exception
    if (isinstance(exc, HTTPException) and (exc.code or 0) >= 400
            and _in_api(request.path)):
        if isinstance(exc, MethodNotAllowed) and not _matched_by_any(exc.valid_methods):
            # Werkzeug says 405 for GET /merchant/orders/0/messages although no method
            # matches id 0 (its POST is a 404): an address that exists for no method is a 404.
            exc = NotFound()
        return http_error(exc)
    return None


def _matched_by_any(methods) -> bool:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in set(methods or ()) - {"OPTIONS", "HEAD"}:
        try:
            adapter.match(method=method)
        except HTTPException:
            continue
        return True
    return False


def _in_api(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")
