"""The OpenAPI 3 description of /api/v1, served at GET /api/v1/openapi.json.

Written by hand from the contract (../shared/api-v1.md); tests/api/test_docs.py checks that
every route of the blueprint and every path of the contract is described here.
"""
from flask import jsonify

from app.api import bp
from app.orders.models import ORDER_STATES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required=None, **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    meanings = {400: "Malformed request (not JSON, not an object, wrong types).",
                401: "Missing, invalid or expired bearer token.",
                402: "Payment declined; the hold stays until it expires.",
                403: "The account is not a merchant.",
                404: "Not found (or another shop's, or a wrong tracking token).",
                409: "Conflict: out of stock, slot full, wrong state, key reused.",
                422: "Invalid value; `field` names it.",
                503: "The provider is not configured on this site."}
    return {str(s): {"description": meanings[s], "content": {"application/json": {
        "schema": _ref("Error")}}} for s in statuses}


def _op(summary: str, responses: dict, *, tag: str, errors=(), body=None, params=(),
        secured: bool = False, **extra) -> dict:
    operation = {"summary": summary, "tags": [tag], "responses": {**responses,
                                                                    **_errors(*errors)}}
    if body is not None:
        operation["requestBody"] = body
    if params:
        operation["parameters"] = list(params)
    if secured:
        operation["security"] = [{"bearer": []}]
    operation.update(extra)
    return operation


def _param(name: str, where: str, schema: dict, description: str = "",
           required: bool | None = None) -> dict:
    return {"name": name, "in": where, "schema": schema, "description": description,
            "required": where == "path" if required is None else required}


INT = {"type": "integer"}
CENTS = {"type": "integer", "minimum": 0, "description": "Amount in euro cents."}
TEXT = {"type": "string"}
INSTANT = {"type": "string", "format": "date-time",
           "description": "ISO-8601 in the town's time zone, with its offset."}
NULLABLE_TEXT = {"type": "string", "nullable": True}
ID_PARAM = _param("id", "path", {"type": "integer", "minimum": 1})
TOKEN_PARAM = _param("X-Tracking-Token", "header", TEXT,
                     "The order's tracking token, from the checkout answer or the SMS link.")
OPTIONAL_TOKEN_PARAM = {**TOKEN_PARAM, "required": False, "description":
                        "A tracking token of one of the checkout's orders: only then does "
                        "the answer carry the tokens and the payment details."}


SCHEMAS = {
    "Error": _obj({"error": _obj({
        "code": {**TEXT, "example": "out_of_stock"},
        "message": {**TEXT, "description": "In French, for people."},
        "field": {**TEXT, "example": "orders[0].lines[1].quantity",
                  "description": "The field at fault, when there is one."},
    }, ["code", "message"])}, ["error"]),
    "Shop": _obj({"slug": TEXT, "name": TEXT, "address": TEXT, "phone": TEXT,
                  "description": TEXT}, ["slug", "name", "address", "phone"]),
    "ShopDetail": {"allOf": [_ref("Shop"), _obj({
        "opening_hours": {"type": "object", "description":
                          "monday … sunday -> list of {opens, closes} (HH:MM, town time).",
                          "additionalProperties": {"type": "array", "items": _obj(
                              {"opens": TEXT, "closes": TEXT})}},
        "pickup": _obj({"slot_minutes": INT, "seats_per_slot": INT, "prep_minutes": INT,
                        "hold_minutes": INT},
                       ["slot_minutes", "seats_per_slot", "prep_minutes", "hold_minutes"]),
        "closures": {"type": "array", "description": "Current and coming closures.",
                     "items": _obj({"start_date": {"type": "string", "format": "date"},
                                    "end_date": {"type": "string", "format": "date"},
                                    "reason": TEXT})},
    }, ["opening_hours", "pickup", "closures"])]},
    "Slot": _obj({"start": INSTANT, "end": INSTANT, "remaining": INT},
                 ["start", "end", "remaining"]),
    "Product": _obj({"id": INT, "shop": {**TEXT, "description": "The shop's slug."},
                     "name": TEXT, "description": TEXT, "category": TEXT,
                     "price_cents": {**CENTS, "description": "What a checkout made now "
                                                             "pays: the promotion's price "
                                                             "while one runs."},
                     "regular_price_cents": CENTS,
                     "promotion": {**_obj({"price_cents": CENTS,
                                           "starts_at": {**INSTANT, "nullable": True},
                                           "ends_at": {**INSTANT, "nullable": True}},
                                          ["price_cents", "starts_at", "ends_at"]),
                                   "nullable": True,
                                   "description": "The promotion running now, if any."},
                     "available": {"type": "boolean"}},
                    ["id", "shop", "name", "price_cents", "available"]),
    "MerchantProduct": {"allOf": [_ref("Product"), _obj({
        "sku": NULLABLE_TEXT, "stock": INT, "active": {"type": "boolean"},
        "promo_price_cents": {**CENTS, "nullable": True},
        "promo_starts_at": {**INSTANT, "nullable": True},
        "promo_ends_at": {**INSTANT, "nullable": True}},
        ["stock", "active", "promo_price_cents", "promo_starts_at", "promo_ends_at"])]},
    "ProductPage": _obj({"items": {"type": "array", "items": _ref("Product")},
                         "next_page": {"type": "integer", "nullable": True}},
                        ["items", "next_page"]),
    "CheckoutRequest": _obj({
        "customer": _obj({"name": TEXT, "phone": {**TEXT, "example": "06 12 34 56 78"},
                          "email": {**TEXT, "format": "email"},
                          "language": {"type": "string", "enum": ["fr", "en"],
                                       "description": "Language of the shopper's SMS; "
                                                      "absent: the one they had (fr at "
                                                      "first)."},
                          "sms_promotions": {"type": "boolean", "default": False,
                                             "description": "Consents to the town's "
                                                            "promotional SMS; false does "
                                                            "not withdraw an earlier "
                                                            "consent (STOP does)."}},
                         ["name", "phone"]),
        "orders": {"type": "array", "minItems": 1, "description": "One order per shop.",
                   "items": _obj({
                       "shop": {**TEXT, "description": "The shop's slug."},
                       "slot": {**INSTANT, "description": "A `start` from the slots list."},
                       "lines": {"type": "array", "minItems": 1, "items": _obj({
                           "product_id": INT,
                           "quantity": {"type": "integer", "minimum": 1, "maximum": 999}},
                           ["product_id", "quantity"])},
                   }, ["shop", "slot", "lines"])},
        "vouchers": {"type": "array", "maxItems": 5, "items": TEXT,
                     "description": "Town gift voucher codes, spent in this order before "
                                    "the card; case, spaces and dashes do not matter."},
    }, ["customer", "orders"]),
    "Checkout": _obj({
        "id": INT, "status": {"type": "string",
                              "enum": ["pending_payment", "placed", "expired"]},
        "total_cents": CENTS, "hold_expires_at": INSTANT,
        "payment": _obj({"provider": TEXT, "card_cents": CENTS}, ["provider"],
                        additionalProperties=True,
                        description="Provider details: offline lists its test methods; "
                                    "stripe gives payment_intent, client_secret and "
                                    "publishable_key; \"voucher\" when vouchers cover it "
                                    "all. card_cents: what the card pays, while pending."),
        "vouchers_cents": {**CENTS, "description": "What the checkout's vouchers hold."},
        "orders": {"type": "array", "items": _obj({
            "id": INT, "shop": TEXT, "slot": INSTANT, "slot_end": INSTANT,
            "status": {"type": "string", "enum": list(ORDER_STATES)},
            "total_cents": CENTS, "tracking_token": TEXT},
            ["id", "shop", "slot", "status", "total_cents"])},
    }, ["id", "status", "total_cents", "hold_expires_at", "orders"]),
    "Order": _obj({
        "id": INT, "status": {"type": "string", "enum": list(ORDER_STATES)},
        "shop": TEXT, "shop_name": TEXT, "shop_address": TEXT, "shop_phone": TEXT,
        "pickup_code": {**TEXT, "nullable": True,
                        "description": "Four digits the shopper shows at the counter; the "
                                       "shop checks them when handing over."},
        "slot": INSTANT, "slot_end": INSTANT, "total_cents": CENTS,
        "confirmed_total_cents": {**CENTS, "nullable": True,
                                  "description": "What collecting will charge; null until "
                                                 "the shop confirms."},
        "cancel_reason": NULLABLE_TEXT, "created_at": INSTANT,
        "lines": {"type": "array", "items": _obj({
            "id": INT, "product_id": INT, "name": TEXT, "quantity": INT,
            "confirmed_quantity": {"type": "integer", "nullable": True},
            "unit_price_cents": CENTS},
            ["id", "product_id", "name", "quantity", "confirmed_quantity",
             "unit_price_cents"])},
        "events": {"type": "array", "items": _obj({"type": TEXT, "at": INSTANT,
                                                   "note": NULLABLE_TEXT}, ["type", "at"])},
    }, ["id", "status", "shop", "slot", "total_cents", "lines", "events"]),
    "MerchantOrder": {"allOf": [_ref("Order"), _obj({"customer": _obj(
        {"name": TEXT, "phone": TEXT}, ["name", "phone"])}, ["customer"])]},
}

SHOPPER, MERCHANT, WEBHOOKS, META = "shopper", "merchant", "webhooks", "meta"
SLUG_PARAM = _param("slug", "path", TEXT)


def _merchant_action(summary: str, body=None, errors=(401, 403, 404, 409)) -> dict:
    return {"post": _op(summary, {"200": _json(_ref("MerchantOrder"))}, tag=MERCHANT,
                        params=[ID_PARAM], secured=True, body=body, errors=errors)}


PATHS = {
    "/shops": {"get": _op("The town's shops", {"200": _json(
        {"type": "array", "items": _ref("Shop")})}, tag=SHOPPER)},
    "/shops/{slug}": {"get": _op("A shop, with opening hours, pickup settings, closures",
                                 {"200": _json(_ref("ShopDetail"))}, tag=SHOPPER,
                                 params=[SLUG_PARAM], errors=(404,))},
    "/shops/{slug}/slots": {"get": _op(
        "Slots that can still be booked now on a day", {"200": _json(
            {"type": "array", "items": _ref("Slot")})}, tag=SHOPPER, errors=(404, 422),
        params=[SLUG_PARAM, _param("date", "query", {"type": "string", "format": "date"},
                                   "YYYY-MM-DD; default today in the town.")])},
    "/products": {"get": _op(
        "Search the catalogue", {"200": _json(_ref("ProductPage"))}, tag=SHOPPER,
        errors=(422,), params=[
            _param("q", "query", TEXT, "Every word must match; case and accents ignored."),
            _param("shop", "query", TEXT, "A shop's slug."),
            _param("category", "query", TEXT, "A category, as products carry it."),
            _param("page", "query", {"type": "integer", "minimum": 1, "default": 1})])},
    "/checkouts": {"post": _op(
        "Hold stock and slots for a basket (one order per shop)",
        {"201": _json(_ref("Checkout"), "Held until hold_expires_at (also on replay).")},
        tag=SHOPPER, body=_body(_ref("CheckoutRequest")), errors=(400, 404, 409, 422),
        params=[_param("Idempotency-Key", "header", {"type": "string", "maxLength": 100},
                       "Same key and same body: the same answer, nothing done twice; same "
                       "key, other body: 409.", required=False)])},
    "/checkouts/{id}": {"get": _op(
        "A checkout, for the holder of one of its orders' tracking tokens",
        {"200": _json(_ref("Checkout"))}, tag=SHOPPER, errors=(404,),
        params=[ID_PARAM, TOKEN_PARAM])},
    "/checkouts/{id}/pay": {"post": _op(
        "Authorise the total (offline provider); paying twice returns the same",
        {"200": _json(_ref("Checkout"))}, tag=SHOPPER, errors=(400, 402, 404, 409, 422),
        params=[ID_PARAM, OPTIONAL_TOKEN_PARAM], body=_body(_obj(
            {"payment_method": {"type": "string", "enum": ["test_ok", "test_declined"]}},
            ["payment_method"])))},
    "/orders/{id}": {"get": _op("Track an order", {"200": _json(_ref("Order"))},
                                tag=SHOPPER, errors=(404,), params=[ID_PARAM, TOKEN_PARAM])},
    "/orders/{id}/cancel": {"post": _op(
        "Cancel, only before the shop confirms", {"200": _json(_ref("Order"))},
        tag=SHOPPER, errors=(404, 409), params=[ID_PARAM, TOKEN_PARAM])},
    "/vouchers/{code}": {"get": _op(
        "A town gift voucher's balance; lookups are limited per IP and recorded",
        {"200": _json(_obj({"code": TEXT, "amount_cents": CENTS, "available_cents": CENTS,
                            "expires_on": {"type": "string", "format": "date"},
                            "state": {"type": "string",
                                      "enum": ["unsold", "active", "spent", "expired"]}},
                           ["code", "amount_cents", "available_cents", "expires_on", "state"])),
         "429": {"description": "Too many lookups from this IP; see Retry-After.",
                 "content": {"application/json": {"schema": _ref("Error")}}}},
        tag=SHOPPER, errors=(404, 422), params=[_param(
            "code", "path", TEXT, "16 characters; case, spaces and dashes ignored.")])},
    "/auth/token": {"post": _op(
        "Exchange a merchant's e-mail and password for a bearer token",
        {"200": _json(_obj({"token": TEXT, "role": {"type": "string",
                                                    "enum": ["merchant", "manager"]},
                            "shop": NULLABLE_TEXT, "expires_in": INT},
                           ["token", "role", "shop"]))},
        tag=MERCHANT, errors=(400, 401, 422), body=_body(_obj(
            {"email": TEXT, "password": TEXT}, ["email", "password"])))},
    "/merchant/orders": {"get": _op(
        "The shop's queue, by slot", {"200": _json(
            {"type": "array", "items": {"allOf": [_ref("MerchantOrder"), _obj(
                {"sms_not_delivered": {"type": "boolean", "description":
                                       "The order's latest SMS failed or was not delivered: "
                                       "call the shopper."}}, ["sms_not_delivered"])]}})},
        tag=MERCHANT, secured=True,
        errors=(401, 403, 422), description=(
            "Without `date`: the orders still to handle (placed, confirmed, ready) of every "
            "day. With `date`: that day's orders, every status unless `status` is given."),
        params=[_param("status", "query", {"type": "string", "enum": list(ORDER_STATES)}),
                _param("date", "query", {"type": "string", "format": "date"})])},
    "/merchant/orders/{id}/confirm": _merchant_action(
        "Confirmed quantity per line (0..ordered; a line left out keeps its quantity); "
        "all zero cancels",
        body=_body(_obj({"lines": {"type": "array", "items": _obj(
            {"id": INT, "quantity": {"type": "integer", "minimum": 0}}, ["id", "quantity"])}},
            ["lines"])), errors=(400, 401, 403, 404, 409, 422)),
    "/merchant/orders/{id}/ready": _merchant_action("Prepared, waiting at the counter"),
    "/merchant/orders/{id}/collect": _merchant_action(
        "Handed over: the confirmed amount is captured, once",
        body=_body(_obj({"pickup_code": {**TEXT, "description": "The code the shopper "
                                         "shows; checked when given (422 "
                                         "wrong_pickup_code)."}}), required=False),
        errors=(401, 403, 404, 409, 422)),
    "/merchant/orders/{id}/cancel": _merchant_action(
        "Cancel; the shopper is told and never charged",
        body=_body(_obj({"reason": {"type": "string", "maxLength": 300}}, ["reason"])),
        errors=(400, 401, 403, 404, 409, 422)),
    "/merchant/orders/{id}/slot": _merchant_action(
        "Move the pickup to another slot the shop offers now; the shopper is told by SMS",
        body=_body(_obj({"slot": {**INSTANT, "description": "A `start` from the slots list."}},
                        ["slot"])), errors=(400, 401, 403, 404, 409, 422)),
    "/merchant/products": {"get": _op(
        "The shop's catalogue, withdrawn products included", {"200": _json(
            {"type": "array", "items": _ref("MerchantProduct")})}, tag=MERCHANT,
        secured=True, errors=(401, 403))},
    "/merchant/products/{id}": {"patch": _op(
        "Change price, stock (absolute count), availability, category or the promotion",
        {"200": _json(_ref("MerchantProduct"))}, tag=MERCHANT, secured=True,
        params=[ID_PARAM], errors=(400, 401, 403, 404, 422), body=_body(_obj(
            {"price_cents": CENTS, "stock": {"type": "integer", "minimum": 0},
             "active": {"type": "boolean"}, "name": TEXT, "category": {**TEXT, "maxLength": 60},
             "promo_price_cents": {**CENTS, "nullable": True, "description":
                                   "Below price_cents; null ends the promotion and clears "
                                   "its dates."},
             "promo_starts_at": {**INSTANT, "nullable": True,
                                 "description": "With offset; null: open-ended."},
             "promo_ends_at": {**INSTANT, "nullable": True,
                               "description": "After the start, not past; null: open-ended."}
             })))},
    "/webhooks/stripe": {"post": _op(
        "Stripe events (payment authorised…), verified with Stripe-Signature",
        {"200": {"description": "Event handled or ignored."}}, tag=WEBHOOKS, errors=(400,))},
    "/webhooks/twilio/status": {"post": _op(
        "Twilio delivery status callbacks, verified with X-Twilio-Signature",
        {"200": {"description": "Recorded."}}, tag=WEBHOOKS, errors=(400, 403))},
    "/webhooks/twilio/inbound": {"post": _op(
        "Messages from shoppers (STOP, START, replies), verified with X-Twilio-Signature",
        {"200": {"description": "TwiML answer."}}, tag=WEBHOOKS, errors=(400, 403, 503))},
    "/openapi.json": {"get": _op("This document", {"200": _json({"type": "object"})},
                                 tag=META)},
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Comptoir API", "version": "1",
             "description": "Reserve and prepay at a town's independent shops, collect in "
                            "store. Money in integer cents, times ISO-8601 with offset; "
                            "errors are {\"error\": {\"code\", \"message\", \"field\"?}}."},
    "servers": [{"url": "/api/v1"}],
    "tags": [{"name": SHOPPER, "description": "No account needed."},
             {"name": MERCHANT, "description": "Authorization: Bearer TOKEN; one shop only."},
             {"name": WEBHOOKS, "description": "Called by the payment and SMS providers."},
             {"name": META}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS, "securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "From POST /auth/token."}}},
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)
