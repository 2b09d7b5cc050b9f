"""Accounts of merchants and the town's manager; API bearer tokens."""
import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import MANAGER, MERCHANT, ROLES, User
from app.database import unit_of_work
from app.errors import Conflict, Invalid, NotFound, Unauthorized
from app.extensions import db
from app.orders.requests import EMAIL
from app.shops.models import Shop

MIN_PASSWORD = 8


def create_user(*, email: str, password: str, role: str, shop_slug: str | None = None) -> User:
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise Invalid("Adresse e-mail invalide.", field="email")
    if role not in ROLES:
        raise Invalid("Rôle : merchant ou manager.", field="role")
    if len(password or "") < MIN_PASSWORD:
        raise Invalid(f"Mot de passe : {MIN_PASSWORD} caractères au moins.", field="password")
    shop = None
    if role == MERCHANT:
        shop = db.session.scalar(sa.select(Shop).where(Shop.slug == (shop_slug or "")))
        if shop is None:
            raise NotFound("Boutique introuvable.", field="shop")
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict("Ce compte existe déjà.", field="email", code="duplicate_email")
    with unit_of_work():
        user = User(email=email, role=role, shop_id=shop.id if shop else None)
        user.set_password(password)
        db.session.add(user)
    return user


# Checked when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong
# password and the answer time does not tell which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-password")


def authenticate(email: str, password: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
    if user is None or not user.check_password(password or ""):
        raise Unauthorized("E-mail ou mot de passe incorrect.", field="password",
                           code="bad_credentials")
    return user


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


__all__ = ["MANAGER", "MERCHANT", "authenticate", "create_user", "issue_token",
           "user_for_token"]
