"""The town manager's figures as JSON: a period compared with the one before, from the
daily aggregates (app.figures). Bearer token from POST /auth/token, manager accounts only."""
from flask import jsonify, request
from flask_babel import gettext as _

from app import clock
from app.accounts.models import MANAGER, User
from app.accounts.services import user_for_token
from app.api import bp
from app.api.errors import Forbidden
from app.errors import Unauthorized
from app.figures.services import Figures, ShopFigures, compare, parse_period
from app.orders.models import ORDER_STATES


def _manager() -> User:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("Authentification requise : Authorization: Bearer <jeton>."),
                           code="missing_token")
    user = user_for_token(token.strip())
    if user.role != MANAGER:
        raise Forbidden(_("Réservé à la gestion de la ville."))
    return user


def _row(row: ShopFigures) -> dict:
    return {"orders": row.orders, "by_status": {s: row.by_status[s] for s in ORDER_STATES},
            "pickups": row.pickups, "no_shows": row.no_shows,
            "revenue_cents": row.revenue_cents}


def _figures(figures: Figures) -> dict:
    return {"from": figures.period.start.isoformat(), "to": figures.period.end.isoformat(),
            "totals": _row(figures.total), "evening_orders": figures.evening_orders,
            "evening_share": figures.evening_share, "hours": figures.hours,
            "shops": [{"shop": row.slug, "name": row.name, **_row(row)}
                      for row in figures.shops]}


@bp.get("/manager/figures")
def manager_figures():
    _manager()
    period = parse_period(request.args.get("from"), request.args.get("to"), clock())
    comparison = compare(period)
    return jsonify(current=_figures(comparison.current), previous=_figures(comparison.previous))
