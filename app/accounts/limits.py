"""How many wrong passwords are tried before sign-in stops answering for a while (429 with
Retry-After): per IP, and per account (the e-mail tried), on the web form and the API's
/auth/token alike, which share both budgets. Only failures count: a shop that signs in
every morning never runs out. The limits live in the rate-limit store (Redis when several
workers), the failures themselves in failed_logins (services.authenticate)."""
import hashlib

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.extensions import limiter
from app.json_body import peek_json_object

FAILED = (401, 422)  # wrong e-mail or password (API, page); an empty form counts too


def _failed(response) -> bool:
    return response.status_code in FAILED


def _account_tried() -> str:
    """The e-mail a sign-in names, hashed (the store's keys stay short and hold no
    address); "" when there is none, which skips the per-account limit only."""
    email = None
    if request.form:
        email = request.form.get("email")
    elif request.is_json:
        email = (peek_json_object() or {}).get("email")
    if not isinstance(email, str) or not email.strip():
        return ""
    return hashlib.sha256(email.strip().lower().encode("utf-8", "replace")).hexdigest()[:32]


def _message() -> str:
    return _("Trop de tentatives de connexion : réessayez dans quelques minutes.")


def login_limits(view):
    """Decorates a view that checks a password (POST only)."""
    per_account = limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], scope="login-account",
        key_func=_account_tried, methods=["POST"], deduct_when=_failed,
        error_message=_message)
    per_ip = limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_IP"], scope="login-ip",
        key_func=get_remote_address, methods=["POST"], deduct_when=_failed,
        error_message=_message)
    return per_ip(per_account(view))
