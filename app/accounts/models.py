import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.shops.models import Shop

MERCHANT = "merchant"  # works one shop's queue and catalogue
MANAGER = "manager"    # the town's manager: every shop, the figures
ROLES = (MERCHANT, MANAGER)


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('merchant', 'manager')", name="role"),
        sa.CheckConstraint("role <> 'merchant' OR shop_id IS NOT NULL", name="merchant_shop"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    shop_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("shops.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Part of what the session cookie names (get_id): a new one at sign-out ends every
    # session of the account, including a cookie copied before.
    session_nonce: so.Mapped[str] = so.mapped_column(sa.String(32), default=new_session_nonce)

    shop: so.Mapped[Shop | None] = so.relationship()

    def get_id(self) -> str:
        """Flask-Login's "alternative id": the account and its current session nonce."""
        return f"{self.id}:{self.session_nonce}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_manager(self) -> bool:
        return self.role == MANAGER


class FailedLogin(db.Model):
    """A sign-in refused for a wrong e-mail or password (web or API), kept for the manager:
    who is guessing, from where."""

    __tablename__ = "failed_logins"
    __table_args__ = (sa.Index("ix_failed_logins_at", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254))  # as typed, cut to the column
    ip: so.Mapped[str] = so.mapped_column(sa.String(45))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    via: so.Mapped[str] = so.mapped_column(sa.String(3))  # "web" (/connexion) or "api"


class ShopInvitation(db.Model):
    """A one-time link by which a shop's merchant sets a password (app/accounts/invitations.py).
    Only the token's SHA-256 is kept: the link itself is shown once to the manager."""

    __tablename__ = "shop_invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shops.id"), index=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # Set when the merchant used it, or when a newer invitation for the shop replaced it.
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    shop: so.Mapped[Shop] = so.relationship()
