"""POST /merchant/orders/{id}/refunds: money back on a collected order (the shop's own)."""
from flask import jsonify
from flask_babel import gettext as _

from app import clock, payments_provider
from app.api import bp, docs
from app.api.inputs import ID, json_object
from app.api.merchant import _confirmed_lines, _merchant
from app.errors import Invalid
from app.ledger.models import Refund
from app.ledger.refunds import refund_order
from app.orders.services import shop_actor
from app.timeutil import iso


def refund_json(refund: Refund) -> dict:
    return {"id": refund.id, "order_id": refund.order_id, "amount_cents": refund.amount_cents,
            "reason": refund.reason, "status": refund.status, "created_at": iso(refund.created_at),
            "lines": [{"id": line.order_line_id, "quantity": line.quantity,
                       "amount_cents": line.amount_cents} for line in refund.lines]}


@bp.post(f"/merchant/orders/<{ID}:order_id>/refunds")
def create_refund(order_id):
    """{"lines": [{"id", "quantity"}]} or {"amount_cents"}, and "reason"; neither lines
    nor amount refunds all that is left. 201 with the refund."""
    shop_id = _merchant().shop_id
    body = json_object()
    reason = body.get("reason")
    if not isinstance(reason, str):
        raise Invalid(_("Indiquez la raison du remboursement."), field="reason", code="required")
    lines = _confirmed_lines(body) if "lines" in body else None
    amount = body.get("amount_cents")
    if amount is not None and type(amount) is not int:
        raise Invalid(_("Un entier est attendu."), field="amount_cents")
    refund = refund_order(order_id, shop_id=shop_id, actor=shop_actor(shop_id), reason=reason,
                          lines=lines, amount_cents=amount, now=clock(),
                          provider=payments_provider())
    return jsonify(refund_json(refund)), 201


# Described next to the route; docs.PATHS is the document served at /openapi.json.
docs.SCHEMAS["Refund"] = docs._obj(
    {"id": docs.INT, "order_id": docs.INT, "amount_cents": docs.CENTS, "reason": docs.TEXT,
     "status": {"type": "string", "enum": ["pending", "processing", "succeeded", "failed"]},
     "created_at": docs.INSTANT,
     "lines": {"type": "array", "items": docs._obj(
         {"id": docs.INT, "quantity": docs.INT, "amount_cents": docs.CENTS})}},
    ["id", "order_id", "amount_cents", "reason", "status", "lines"])
docs.PATHS["/merchant/orders/{id}/refunds"] = {"post": docs._op(
    "Refund a collected order, per line or an amount (all that is left when neither); "
    "never more than captured minus earlier refunds; the shopper gets an SMS",
    {"201": docs._json(docs._ref("Refund"), "Refund recorded and sent to the bank.")},
    tag=docs.MERCHANT, params=[docs.ID_PARAM], secured=True,
    errors=(400, 401, 403, 404, 409, 422), body=docs._body(docs._obj(
        {"lines": {"type": "array", "minItems": 1, "items": docs._obj(
            {"id": docs.INT, "quantity": {"type": "integer", "minimum": 0}},
            ["id", "quantity"])},
         "amount_cents": {"type": "integer", "minimum": 1, "nullable": True,
                          "description": "Not with lines; at most what is left to refund "
                                         "(409). Null: as if absent."},
         "reason": docs._text(1, docs.MAX_REASON)}, ["reason"])))}
