"""GET /api/v1/vouchers/{code}: a gift voucher's balance, for the town's app. Shares the
balance page's per-IP budget (app.vouchers.routes.lookup_limit); every lookup is recorded."""
from flask import jsonify, request

from app import clock
from app.api import bp
from app.vouchers.routes import lookup_limit
from app.vouchers.services import lookup_balance


@bp.get("/vouchers/<code>")
@lookup_limit("GET")
def voucher_balance(code: str):
    balance = lookup_balance(code, ip=request.remote_addr or "?", now=clock())
    return jsonify(code=balance.code, amount_cents=balance.amount_cents,
                   available_cents=balance.available_cents,
                   expires_on=balance.expires_on.isoformat(), state=balance.state)
