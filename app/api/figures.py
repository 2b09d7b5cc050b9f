"""The town manager's figures as JSON: a period compared with the one before, from the
daily aggregates (app.figures). Bearer token from POST /auth/token, manager accounts only."""
from flask import jsonify, request

from app import clock
from app.api import bp
from app.api.auth import manager as _manager
from app.figures.services import Figures, ShopFigures, compare, parse_period
from app.orders.models import ORDER_STATES


def _row(row: ShopFigures) -> dict:
    return {"orders": row.orders, "by_status": {s: row.by_status[s] for s in ORDER_STATES},
            "pickups": row.pickups, "no_shows": row.no_shows,
            "revenue_cents": row.revenue_cents, **_more(row)}


def _sms(row: ShopFigures) -> dict:
    return {"sms_sent": row.sms_sent, "sms_segments": row.sms_segments,
            "sms_failed": row.sms_failed, "sms_cost_cents": row.sms_cost_cents}


def _more(row: ShopFigures) -> dict:
    """Issue 13, item 7 (added fields)."""
    return {"short_lines": row.short_lines, "short_cents": row.short_cents,
            "vouchers_spent_cents": row.vouchers_spent_cents, **_sms(row),
            "shoppers": row.shoppers, "returning_shoppers": row.returning_shoppers,
            "returning_share": row.returning_share}


def _figures(figures: Figures) -> dict:
    return {"from": figures.period.start.isoformat(), "to": figures.period.end.isoformat(),
            "totals": _row(figures.total), "evening_orders": figures.evening_orders,
            "evening_share": figures.evening_share, "hours": figures.hours,
            "shops": [{"shop": row.slug, "name": row.name, **_row(row)}
                      for row in figures.shops],
            "vouchers_sold": figures.vouchers_sold,
            "vouchers_sold_cents": figures.vouchers_sold_cents,
            "vouchers_paid_cents": figures.vouchers_paid_cents,
            "association_sms": _sms(figures.association),
            "sms_segment_price_cents": figures.segment_price_cents}


@bp.get("/manager/figures")
def manager_figures():
    _manager()
    period = parse_period(request.args.get("from"), request.args.get("to"), clock())
    comparison = compare(period)
    return jsonify(current=_figures(comparison.current), previous=_figures(comparison.previous))
