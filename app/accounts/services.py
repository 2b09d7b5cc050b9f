"""Accounts of merchants and the town's manager; API bearer tokens."""
import hmac
import logging
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import (MANAGER, MERCHANT, ROLES, FailedLogin, User,
                                 new_session_nonce)
from app.database import unit_of_work
from app.errors import Conflict, Invalid, NotFound, Unauthorized
from app.extensions import db
from app.orders.requests import EMAIL
from app.shops.models import Shop

log = logging.getLogger(__name__)

MIN_PASSWORD = 8


def create_user(*, email: str, password: str, role: str, shop_slug: str | None = None) -> User:
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise Invalid(_("Adresse e-mail invalide."), field="email")
    if role not in ROLES:
        raise Invalid(_("Rôle : merchant ou manager."), field="role")
    if len(password or "") < MIN_PASSWORD:
        raise Invalid(_("Mot de passe : %(n)s caractères au moins.", n=MIN_PASSWORD),
                      field="password")
    shop = None
    if role == MERCHANT:
        shop = db.session.scalar(sa.select(Shop).where(Shop.slug == (shop_slug or "")))
        if shop is None:
            raise NotFound(_("Boutique introuvable."), field="shop")
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(_("Ce compte existe déjà."), field="email", code="duplicate_email")
    with unit_of_work():
        user = User(email=email, role=role, shop_id=shop.id if shop else None)
        user.set_password(password)
        db.session.add(user)
    return user


# Checked when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong
# password and the answer time does not tell which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-password")


def authenticate(email: str, password: str, *, ip: str, now: datetime, via: str) -> User:
    """The account for this e-mail and password; a refusal is recorded (FailedLogin,
    committed before raising) so that the manager sees who is guessing."""
    email = (email or "").strip().lower()
    user = None
    if "\x00" not in email:  # no such account, and PostgreSQL would refuse the query
        user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
    if user is None or not user.check_password(password or ""):
        with unit_of_work():
            db.session.add(FailedLogin(email=_printable(email)[:254], ip=(ip or "?")[:45],
                                       at=now, via=via))
        log.warning("failed sign-in from %s (%s)", ip, via)
        raise Unauthorized(_("E-mail ou mot de passe incorrect."), field="password",
                           code="bad_credentials")
    return user


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def end_sessions(user: User) -> None:
    """Sign-out: every session cookie of the account stops working, copies included."""
    with unit_of_work():
        db.session.execute(sa.update(User).where(User.id == user.id)
                           .values(session_nonce=new_session_nonce()))


def user_for_session(session_id: str) -> User | None:
    """The account a session names ("id:nonce", see User.get_id), if that session is live."""
    user_id, _sep, nonce = (session_id or "").partition(":")
    if not user_id.isdigit() or not nonce or int(user_id) > 2**31 - 1:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_nonce, nonce):
        return None
    return user


def recent_failed_logins(limit: int = 50) -> list[FailedLogin]:
    return list(db.session.scalars(sa.select(FailedLogin)
                                   .order_by(FailedLogin.at.desc(), FailedLogin.id.desc())
                                   .limit(limit)))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="api-token")


def issue_token(user: User) -> str:
    # The hash fragment invalidates tokens when the password changes.
    return _serializer().dumps({"uid": user.id, "pw": user.password_hash[-12:]})


def user_for_token(token: str) -> User:
    try:
        data = _serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE"])
    except BadSignature:
        raise Unauthorized("Jeton invalide ou expiré.", code="invalid_token") from None
    user = db.session.get(User, data.get("uid"))
    if user is None or user.password_hash[-12:] != data.get("pw"):
        raise Unauthorized("Jeton invalide ou expiré.", code="invalid_token")
    return user


__all__ = ["MANAGER", "MERCHANT", "authenticate", "create_user", "end_sessions",
           "issue_token", "recent_failed_logins", "user_for_session", "user_for_token"]
