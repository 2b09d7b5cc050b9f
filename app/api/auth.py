"""Who calls the JSON API: the bearer token from POST /auth/token, and the role an
operation is reserved to (a merchant's token is refused on the town's operations, and the
other way round)."""
from flask import request
from flask_babel import gettext as _

from app.accounts.models import MANAGER, MERCHANT, User
from app.accounts.services import user_for_token
from app.api.errors import Forbidden
from app.errors import Unauthorized


def bearer_user(role: str) -> User:
    """The account whose token the request carries; 401 without one, 403 for another role."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("Authentification requise : Authorization: Bearer <jeton>."),
                           code="missing_token")
    user = user_for_token(token.strip())
    if user.role != role:
        raise Forbidden(REFUSED[role]())
    return user


REFUSED = {  # said when a token of the other role comes
    MERCHANT: lambda: _("Réservé aux commerçants : ce compte ne tient pas de boutique."),
    MANAGER: lambda: _("Réservé au gestionnaire de la ville."),
}


def merchant() -> User:
    return bearer_user(MERCHANT)


def manager() -> User:
    return bearer_user(MANAGER)
