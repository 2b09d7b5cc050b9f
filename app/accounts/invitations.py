"""One-time invitations: the town's manager invites a shop's merchant, who follows the link
and chooses a password. Only the token's SHA-256 is stored; a link works once, for
INVITATION_DAYS, and a new invitation for the shop revokes the ones not yet used. The link
is shown to the manager once and never written to a log."""
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import MERCHANT, ShopInvitation, User
from app.accounts.services import MIN_PASSWORD, create_user
from app.database import unit_of_work
from app.errors import Conflict, Invalid
from app.extensions import db
from app.orders.requests import EMAIL
from app.shops.models import Shop

INVITATION_DAYS = 7
# What a token looks like (secrets.token_urlsafe(32)): anything else is not looked up.
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_email(email) -> str:
    email = (email or "").strip().lower() if isinstance(email, str) else ""
    if not EMAIL.match(email) or len(email) > 254:
        raise Invalid(_("Adresse e-mail invalide."), field="email")
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(_("Un compte existe déjà avec cette adresse."), field="email",
                       code="duplicate_email")
    return email


def invite_merchant(shop: Shop, email, *, now: datetime) -> tuple[ShopInvitation, str]:
    """A new invitation for the shop's merchant and its token (to put in the link); the
    shop's earlier invitations that were not used stop working."""
    email = check_email(email)
    token = secrets.token_urlsafe(32)
    with unit_of_work():
        db.session.execute(
            sa.update(ShopInvitation)
            .where(ShopInvitation.shop_id == shop.id, ShopInvitation.used_at.is_(None),
                   ShopInvitation.revoked_at.is_(None))
            .values(revoked_at=now))
        invitation = ShopInvitation(shop_id=shop.id, email=email, token_hash=token_hash(token),
                                    created_at=now,
                                    expires_at=now + timedelta(days=INVITATION_DAYS))
        db.session.add(invitation)
    return invitation, token


def pending_invitation(shop_id: int, now: datetime) -> ShopInvitation | None:
    return db.session.scalar(
        sa.select(ShopInvitation)
        .where(ShopInvitation.shop_id == shop_id, ShopInvitation.used_at.is_(None),
               ShopInvitation.revoked_at.is_(None), ShopInvitation.expires_at > now)
        .order_by(ShopInvitation.id.desc()).limit(1))


def invitation_for(token: str, now: datetime) -> ShopInvitation:
    """The invitation this link names, if it still works; otherwise Invalid, saying why."""
    invitation = None
    if token and len(token) <= 100 and set(token) <= TOKEN_CHARS:
        invitation = db.session.scalar(sa.select(ShopInvitation)
                                       .where(ShopInvitation.token_hash == token_hash(token)))
    if invitation is None or invitation.revoked_at is not None:
        raise Invalid(_("Ce lien d'invitation n'est pas valable (un lien plus récent l'a "
                        "peut-être remplacé) : demandez-en un nouveau à la mairie."),
                      field="token", code="invalid_invitation")
    if invitation.used_at is not None:
        raise Invalid(_("Ce lien d'invitation a déjà servi : connectez-vous avec votre "
                        "mot de passe."), field="token", code="used_invitation")
    if invitation.expires_at <= now:
        raise Invalid(_("Ce lien d'invitation a expiré : demandez-en un nouveau à la mairie."),
                      field="token", code="expired_invitation")
    return invitation


def accept_invitation(token: str, password, confirm, *, now: datetime) -> User:
    """The merchant's account, with the password chosen; the link is used up. Nothing is
    written when the password or the link is refused."""
    invitation = invitation_for(token, now)
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise Invalid(_("Mot de passe : %(n)s caractères au moins.", n=MIN_PASSWORD),
                      field="password")
    if password != confirm:
        raise Invalid(_("Les deux mots de passe ne sont pas les mêmes."), field="confirm")
    with unit_of_work():
        # Used once, even by two tabs at the same moment: the UPDATE that claims it decides.
        claimed = db.session.execute(
            sa.update(ShopInvitation)
            .where(ShopInvitation.id == invitation.id, ShopInvitation.used_at.is_(None),
                   ShopInvitation.revoked_at.is_(None), ShopInvitation.expires_at > now)
            .values(used_at=now)).rowcount
        if claimed != 1:
            raise Invalid(_("Ce lien d'invitation a déjà servi : connectez-vous avec votre "
                            "mot de passe."), field="token", code="used_invitation")
        user = create_user(email=invitation.email, password=password, role=MERCHANT,
                           shop_slug=invitation.shop.slug)
    return user
