"""Shopper side of the API: no account; an order is reached with its tracking token."""
from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app import clock, geocoder, payments_provider
from app.api import bp
from app.api.inputs import ID, date_arg, json_object, page_arg, text_arg
from app.api.serializers import (checkout_json, order_json, product_json, shop_detail_json,
                                 shop_json, slot_json)
from app.catalog.search import nearby_words, search_products
from app.errors import Invalid
from app.orders import services as orders
from app.orders.holds import PendingLimits
from app.orders.requests import parse_checkout
from app.payments.services import open_payment
from app.pickup.services import bookable_slots
from app.shops.services import get_shop, list_shops
from app.timeutil import local_today
from app.vouchers.routes import codes_in_checkout, lookup_limit
from app.vouchers.services import record_checkout_lookups

TOKEN_HEADER = "X-Tracking-Token"
MAX_IDEMPOTENCY_KEY = 100  # the column's width


@bp.get("/shops")
def shops():
    return jsonify([shop_json(shop) for shop in list_shops()])


@bp.get("/shops/<slug>")
def shop(slug):
    return jsonify(shop_detail_json(get_shop(slug), local_today(clock())))


@bp.get("/shops/<slug>/slots")
def slots(slug):
    shop = get_shop(slug)
    now = clock()
    day = date_arg("date") or local_today(now)
    return jsonify([slot_json(slot) for slot in bookable_slots(shop, day, now)])


@bp.get("/products")
def products():
    q = text_arg("q")
    page = search_products(q=q, shop_slug=text_arg("shop", most=64) or None,
                           category=text_arg("category", most=60) or None,
                           page=page_arg("page"), count=True)
    return jsonify(items=[product_json(p) for p in page.items], next_page=page.next_page,
                   total=page.total, total_capped=page.more, corrected=page.corrected,
                   suggestions=nearby_words(q) if q and not page.items else [])


@bp.post("/checkouts")
@lookup_limit("POST", codes_tried=codes_in_checkout)  # a voucher code tried is a lookup
def create_checkout():
    payload = json_object()
    key = _idempotency_key()
    wanted = parse_checkout(payload)
    record_checkout_lookups(wanted.vouchers, ip=request.remote_addr or "?", now=clock())
    result = orders.create_checkout(wanted, now=clock(),
                                    provider=payments_provider(), payload=payload,
                                    idempotency_key=key, client_ip=request.remote_addr,
                                    limits=PendingLimits.of(current_app.config),
                                    geocoder=geocoder())
    # Stripe's PaymentIntent is opened here, the hold committed: a GET only reads it.
    open_payment(payments_provider(), result.checkout_id)
    response = jsonify(checkout_json(result.checkout, payments_provider(), private=True))
    response.status_code = 201
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key.strip()) <= MAX_IDEMPOTENCY_KEY or not key.isascii() \
            or not key.isprintable():
        raise Invalid(_("Clé d'idempotence : 1 à %(most)s caractères ASCII imprimables.",
                        most=MAX_IDEMPOTENCY_KEY), field="Idempotency-Key",
                      code="invalid_idempotency_key")
    return key.strip()


@bp.get(f"/checkouts/<{ID}:checkout_id>")
def checkout(checkout_id):
    found = orders.tracked_checkout(checkout_id, request.headers.get(TOKEN_HEADER))
    return jsonify(checkout_json(found, payments_provider(), private=True))


@bp.post(f"/checkouts/<{ID}:checkout_id>/payment")
def open_checkout_payment(checkout_id):
    """Open the provider's payment object again when it could not be opened with the
    checkout (Stripe did not answer then): 503 while it still does not."""
    found = orders.tracked_checkout(checkout_id, request.headers.get(TOKEN_HEADER))
    open_payment(payments_provider(), found.id)
    return jsonify(checkout_json(orders.get_checkout(checkout_id), payments_provider(),
                                 private=True))


@bp.post(f"/checkouts/<{ID}:checkout_id>/pay")
def pay_checkout(checkout_id):
    method = json_object().get("payment_method")
    if not isinstance(method, str):
        raise Invalid(_("Moyen de paiement attendu."), field="payment_method", code="required")
    paid = orders.pay_checkout(checkout_id, method, now=clock(), provider=payments_provider())
    # Anyone may pay a checkout whose number they know; only its owner sees the tokens.
    private = orders.holds_token(paid, request.headers.get(TOKEN_HEADER))
    return jsonify(checkout_json(paid, payments_provider(), private=private))


@bp.get(f"/orders/<{ID}:order_id>")
def order(order_id):
    return jsonify(order_json(orders.order_by_token(order_id, request.headers.get(TOKEN_HEADER))))


@bp.post(f"/orders/<{ID}:order_id>/cancel")
def cancel_order(order_id):
    cancelled = orders.cancel_by_shopper(order_id, request.headers.get(TOKEN_HEADER),
                                         now=clock(), provider=payments_provider())
    return jsonify(order_json(cancelled))
