"""Merchant side of the API: a bearer token from POST /auth/token; one shop's queue and
catalogue. Another shop's order or product does not exist (404)."""
from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app import clock, payments_provider
from app.accounts.limits import login_limits
from app.accounts.services import authenticate, issue_token
from app.api import bp
from app.api.auth import merchant as _merchant  # also imported by the other merchant modules
from app.api.inputs import ID, date_arg, json_object, optional_json_object, text_arg
from app.api.serializers import merchant_order_json, merchant_product_json
from app.catalog.services import shop_catalogue, update_product
from app.errors import Invalid, Malformed
from app.merchant.services import queue_state
from app.notify.conversation import not_told
from app.orders import services as orders
from app.orders.requests import parse_slot_move
from app.timeutil import local_today


@bp.post("/auth/token")
@login_limits
def auth_token():
    body = json_object()
    for field in ("email", "password"):
        if not isinstance(body.get(field), str) or not body[field]:
            raise Invalid(_("Ce champ est obligatoire."), field=field, code="required")
    user = authenticate(body["email"], body["password"], ip=request.remote_addr or "?",
                        now=clock(), via="api")
    return jsonify(token=issue_token(user), role=user.role,
                   shop=user.shop.slug if user.shop else None,
                   expires_in=current_app.config["API_TOKEN_MAX_AGE"])


@bp.get("/merchant/orders")
def merchant_orders():
    shop_id = _merchant().shop_id
    status = text_arg("status", most=30) or None
    queue = orders.shop_queue(shop_id, status=status, day=date_arg("date"))
    untold = not_told([order.id for order in queue])  # one query for the whole queue
    return jsonify([{**merchant_order_json(order), "sms_not_delivered": order.id in untold}
                    for order in queue])


@bp.get("/merchant/orders/state")
def merchant_queue_state():
    """The queue's version and the day's counts, cheap to poll: 304 while nothing changed."""
    shop_id = _merchant().shop_id
    day = date_arg("date") or local_today(clock())
    live = queue_state(shop_id, day)
    response = jsonify(version=live.version, to_do=live.to_do, done=live.done,
                       date=day.isoformat())
    response.set_etag(live.version)
    response.headers["Cache-Control"] = "no-store"
    return response.make_conditional(request)


@bp.post(f"/merchant/orders/<{ID}:order_id>/confirm")
def confirm_order(order_id):
    shop_id = _merchant().shop_id
    confirmed = orders.confirm_lines(order_id, shop_id, _confirmed_lines(json_object()),
                                     now=clock(), provider=payments_provider())
    return jsonify(merchant_order_json(confirmed))


def _confirmed_lines(body: dict) -> list[tuple[int, int]]:
    """[{"id", "quantity"}] -> [(id, quantity)]; ranges are the service's to check."""
    lines = body.get("lines", [])
    if not isinstance(lines, list):
        raise Malformed(_("Une liste est attendue."), field="lines")
    pairs = []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise Malformed(_("Un objet JSON est attendu."), field=f"lines[{i}]")
        for key in ("id", "quantity"):
            if type(line.get(key)) is not int:  # bool is not a quantity
                raise Invalid(_("Un entier est attendu."), field=f"lines[{i}].{key}")
        pairs.append((line["id"], line["quantity"]))
    return pairs


@bp.post(f"/merchant/orders/<{ID}:order_id>/ready")
def ready_order(order_id):
    shop_id = _merchant().shop_id
    return jsonify(merchant_order_json(orders.mark_ready(order_id, shop_id, now=clock())))


@bp.post(f"/merchant/orders/<{ID}:order_id>/collect")
def collect_order(order_id):
    shop_id = _merchant().shop_id
    # The contract's call has no body; a till that scanned the shopper's code sends it.
    body = optional_json_object()
    code = body.get("pickup_code") if body is not None else None
    if code is not None and not isinstance(code, str):
        raise Invalid(_("Le code de retrait est une chaîne de chiffres."), field="pickup_code")
    collected = orders.collect(order_id, shop_id, now=clock(), provider=payments_provider(),
                               pickup_code=code)
    return jsonify(merchant_order_json(collected))


@bp.post(f"/merchant/orders/<{ID}:order_id>/cancel")
def cancel_order_by_shop(order_id):
    shop_id = _merchant().shop_id
    reason = json_object().get("reason")
    if not isinstance(reason, str):
        raise Invalid(_("Indiquez la raison de l'annulation."), field="reason", code="required")
    cancelled = orders.cancel_by_shop(order_id, shop_id, reason, now=clock(),
                                      provider=payments_provider())
    return jsonify(merchant_order_json(cancelled))


@bp.post(f"/merchant/orders/<{ID}:order_id>/slot")
def move_order_slot(order_id):
    shop_id = _merchant().shop_id
    moved = orders.move_slot(order_id, parse_slot_move(json_object()), shop_id=shop_id,
                             actor=orders.shop_actor(shop_id), now=clock())
    return jsonify(merchant_order_json(moved))


@bp.get("/merchant/products")
def merchant_products():
    shop_id = _merchant().shop_id
    return jsonify([merchant_product_json(p) for p in shop_catalogue(shop_id)])


@bp.patch(f"/merchant/products/<{ID}:product_id>")
def patch_product(product_id):
    shop_id = _merchant().shop_id
    return jsonify(merchant_product_json(update_product(shop_id, product_id, json_object())))
