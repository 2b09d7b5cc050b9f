"""The OpenAPI 3 description of /api/v1, served at GET /api/v1/openapi.json.

Written by hand from the contract (../shared/api-v1.md), with every limit taken from the
constant the code enforces, so that a limit changes in one place. The tests hold the two
together: tests/api/test_docs.py checks that every route is described, every API test's
answers are validated against this document (tests/openapi_check.py), and
tests/api/test_openapi_conformance.py sends each operation values just inside and just
outside each documented limit.
"""
from flask import jsonify

from app.api import bp
from app.api.inputs import FIRST_DAY, LAST_DAY, MAX_ID, MAX_PAGE
from app.api.shopper import MAX_IDEMPOTENCY_KEY
from app.catalog.promotions import FIRST_YEAR, LAST_YEAR
from app.catalog.models import MAX_PER_ORDER_LIMIT
from app.catalog.services import MAX_PRICE_CENTS, MAX_STOCK
from app.orders.models import ORDER_STATES
from app.orders.requests import LANGUAGES, MAX_LINES, MAX_ORDERS, MAX_QUANTITY, MAX_VOUCHERS
from app.vouchers import codes as voucher_codes

MAX_REASON = 300  # a cancellation's or a refund's reason, as the services check it


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


ERROR_MEANINGS = {
    400: "Malformed request (not JSON, not an object, wrong types).",
    401: "Missing, invalid or expired bearer token.",
    402: "Payment declined; the hold stays until it expires.",
    403: "The account is not a merchant.",
    404: "Not found (or another shop's, or a wrong tracking token).",
    409: "Conflict: out of stock, slot full, wrong state, key reused.",
    413: "The body is larger than the site accepts (2 MiB).",
    422: "Invalid value; `field` names it (a text with a NUL byte or a lone surrogate, in "
         "the address or the body, is `invalid_text`).",
    429: "Too many attempts from this address; see Retry-After.",
    503: "The provider is not configured on this site, or did not answer.",
}


def _errors(*statuses, **descriptions) -> dict:
    """Error answers in the shared shape. `descriptions` (e.g. s404="...") say what a status
    means for this operation when the general meaning is not enough."""
    return {str(s): {"description": descriptions.get(f"s{s}", ERROR_MEANINGS[s]),
                     "content": {"application/json": {"schema": _ref("Error")}}}
            for s in statuses}


def _op(summary: str, responses: dict, *, tag: str, errors=(), body=None, params=(),
        secured: bool = False, error_descriptions=None, **extra) -> dict:
    # Any operation: a NUL byte in a query parameter is refused before anything runs.
    errors = (*errors, 422)
    if body is not None:
        errors = (*errors, 413)
    if secured:
        errors = (*errors, 401, 403)
    statuses = sorted(set(errors))
    operation = {"summary": summary, "tags": [tag], "responses": {
        **responses, **_errors(*statuses, **(error_descriptions or {}))}}
    if body is not None:
        operation["requestBody"] = body
    if params:
        operation["parameters"] = list(params)
    if secured:
        operation["security"] = [{"bearer": []}]
    operation.update(extra)
    return operation


def _param(name: str, where: str, schema: dict, description: str = "",
           required: bool | None = None, **extra) -> dict:
    return {"name": name, "in": where, "schema": schema, "description": description,
            "required": where == "path" if required is None else required, **extra}


def _text(least: int = 0, most: int | None = None, **extra) -> dict:
    """A string whose trimmed length the code checks: least 1 means "not blank"."""
    schema = {"type": "string", **extra}
    if least:
        schema["minLength"] = least
        schema.setdefault("pattern", r"\S")  # spaces alone are blank
    if most is not None:
        schema["maxLength"] = most
    return schema


INT = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
CENTS = {"type": "integer", "minimum": 0, "description": "Amount in euro cents."}
TEXT = {"type": "string"}
INSTANT = {"type": "string", "format": "date-time",
           "description": "ISO-8601 in the town's time zone, with its offset."}
# What a client may send as an instant: with an offset, years FIRST_YEAR..LAST_YEAR.
INSTANT_IN = {"type": "string", "format": "date-time", "maxLength": 40,
              "pattern": r"^20[0-9]{2}-",
              "description": f"ISO-8601 with an offset (Z or +01:00), years {FIRST_YEAR} to "
                             f"{LAST_YEAR}."}
DAY = {"type": "string", "format": "date",
       "pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$",
       "description": f"YYYY-MM-DD, from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}."}
NULLABLE_TEXT = {"type": "string", "nullable": True}
ID_PARAM = _param("id", "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                  "Outside 1..2147483647 or not a number: 404.")
TOKEN_PARAM = _param("X-Tracking-Token", "header", TEXT,
                     "The order's tracking token, from the checkout answer or the SMS link.")
OPTIONAL_TOKEN_PARAM = {**TOKEN_PARAM, "required": False, "description":
                        "A tracking token of one of the checkout's orders: only then does "
                        "the answer carry the tokens and the payment details."}
# Voucher codes: 16 symbols of the alphabet, any case, spaces and dashes anywhere.
_SYMBOL = "".join(sorted({*voucher_codes.ALPHABET, *voucher_codes.ALPHABET.lower()}))
VOUCHER_CODE = {"type": "string",
                "pattern": rf"^[\s-]*([{_SYMBOL}][\s-]*){{{voucher_codes.LENGTH}}}$",
                "description": f"{voucher_codes.LENGTH} characters among "
                               f"{voucher_codes.ALPHABET} (no I, O, 0 or 1); case, spaces and "
                               f"dashes ignored: ABCD-EFGH-JKLM-NPQR."}

PRODUCT = {"id": INT, "shop": {**TEXT, "description": "The shop's slug."},
           "name": TEXT, "description": TEXT, "category": TEXT,
           "price_cents": {**CENTS, "description": "What a checkout made now pays: the "
                                                   "promotion's price while one runs."},
           "regular_price_cents": CENTS,
           "promotion": {**_obj({"price_cents": CENTS,
                                 "starts_at": {**INSTANT, "nullable": True},
                                 "ends_at": {**INSTANT, "nullable": True}},
                                ["price_cents", "starts_at", "ends_at"]),
                         "nullable": True, "description": "The promotion running now, if any."},
           "available": {"type": "boolean"},
           "max_per_order": {"type": "integer", "minimum": 1, "maximum": MAX_PER_ORDER_LIMIT,
                             "description": "The most units of it one checkout may take "
                                            "(the shop's setting; beyond: 422 "
                                            "over_line_limit on the line's quantity)."}}

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
    "Slot": _obj({"start": INSTANT, "end": INSTANT, "remaining": COUNT},
                 ["start", "end", "remaining"]),
    "Product": _obj(PRODUCT, ["id", "shop", "name", "price_cents", "available"]),
    "MerchantProduct": _obj({
        **PRODUCT,
        "sku": NULLABLE_TEXT,
        "stock": {**COUNT, "description": "Units it can sell now (v1)."},
        "available_quantity": {**COUNT, "description": "Units that can be sold now: on_hand "
                                                       "− held (the same as stock)."},
        "on_hand": {**COUNT, "description": "Units in the shop as it counts them, bags set "
                                            "aside included."},
        "held": {**COUNT, "description": "Units set aside for open orders."},
        "active": {"type": "boolean"},
        "promo_price_cents": {**CENTS, "nullable": True},
        "promo_starts_at": {**INSTANT, "nullable": True},
        "promo_ends_at": {**INSTANT, "nullable": True}},
        ["id", "shop", "name", "price_cents", "available", "stock", "active",
         "promo_price_cents", "promo_starts_at", "promo_ends_at"]),
    "ProductPage": _obj({"items": {"type": "array", "items": _ref("Product")},
                         "next_page": {"type": "integer", "minimum": 2, "maximum": MAX_PAGE,
                                       "nullable": True},
                         "total": {"type": "integer", "minimum": 0, "description": (
                             "Products found, counted up to 500 (a query's matches are "
                             "ranked within its first 500).")},
                         "total_capped": {"type": "boolean", "description": (
                             "True when more than `total` products match.")},
                         "corrected": {"type": "string", "nullable": True, "description": (
                             "The words searched instead of q when q found nothing and "
                             "its unknown words were taken for typos (\"crosant\" → "
                             "\"croissant\").")},
                         "suggestions": {"type": "array", "items": {"type": "string"},
                                         "description": "When nothing is found: words of "
                                                        "the catalogue near those of q."}},
                        ["items", "next_page", "total", "total_capped", "corrected",
                         "suggestions"]),
    "CheckoutRequest": _obj({
        "customer": _obj({"name": _text(1, 100),
                          "phone": _text(1, 30, example="06 12 34 56 78", description=(
                              "A number that can receive SMS; French numbers as people "
                              "write them, others with +country (invalid_phone).")),
                          "email": {**_text(1, 254, pattern=r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"),
                                    "format": "email", "nullable": True},
                          "language": {"type": "string", "enum": [*LANGUAGES, None],
                                       "nullable": True,
                                       "description": "Language of the shopper's SMS; "
                                                      "absent: the one they had (fr at "
                                                      "first)."},
                          "sms_promotions": {"type": "boolean", "default": False,
                                             "nullable": True,
                                             "description": "Consents to the town's "
                                                            "promotional SMS; false does "
                                                            "not withdraw an earlier "
                                                            "consent (STOP does)."}},
                         ["name", "phone"]),
        "orders": {"type": "array", "minItems": 1, "maxItems": MAX_ORDERS,
                   "description": "One order per shop (duplicate_shop).",
                   "items": _obj({
                       "shop": {**_text(1, 64), "description": "The shop's slug."},
                       "slot": {**INSTANT_IN, "description": "A `start` from the slots list."},
                       "lines": {"type": "array", "minItems": 1, "maxItems": MAX_LINES,
                                 "description": "A product once per order "
                                                "(duplicate_product).",
                                 "items": _obj({
                                     "product_id": {"type": "integer", "minimum": 1,
                                                    "maximum": MAX_ID},
                                     "quantity": {"type": "integer", "minimum": 1,
                                                  "maximum": MAX_QUANTITY}},
                                     ["product_id", "quantity"])},
                   }, ["shop", "slot", "lines"])},
        "vouchers": {"type": "array", "maxItems": MAX_VOUCHERS, "nullable": True,
                     "items": {**_text(1, 40), "description": VOUCHER_CODE["description"]},
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
    "OrderEvent": _obj({
        "type": {**TEXT, "description": "The new status, or an action's name."},
        "at": INSTANT,
        "code": {**NULLABLE_TEXT, "description": "What happened, as a stable code "
                                                 "(payment_authorized, line_short…); null "
                                                 "on events recorded before codes."},
        "params": {"type": "object", "nullable": True, "additionalProperties": True,
                   "description": "The code's parameters: numbers, names, ISO-8601 UTC "
                                  "instants."},
        "text": {**NULLABLE_TEXT, "description": "The event put into words."},
        "note": {**NULLABLE_TEXT, "description": "Words a person typed, if any."}},
        ["type", "at"]),
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
        "events": {"type": "array", "items": _ref("OrderEvent")},
    }, ["id", "status", "shop", "slot", "total_cents", "lines", "events"]),
    "MerchantOrder": {"allOf": [_ref("Order"), _obj({"customer": _obj(
        {"name": TEXT, "phone": TEXT}, ["name", "phone"])}, ["customer"])]},
}

SHOPPER, MERCHANT, WEBHOOKS, META = "shopper", "merchant", "webhooks", "meta"
SLUG_PARAM = _param("slug", "path", TEXT)
# An empty query value is the same as none: `?status=&date=` is how the contract writes it.
EMPTY_IS_ABSENT = {"allowEmptyValue": True}


def _merchant_action(summary: str, body=None, errors=(404, 409)) -> dict:
    return {"post": _op(summary, {"200": _json(_ref("MerchantOrder"))}, tag=MERCHANT,
                        params=[ID_PARAM], secured=True, body=body, errors=errors)}


PATHS = {
    "/shops": {"get": _op("The town's shops", {"200": _json(
        {"type": "array", "items": _ref("Shop")})}, tag=SHOPPER, errors=(422,))},
    "/shops/{slug}": {"get": _op("A shop, with opening hours, pickup settings, closures",
                                 {"200": _json(_ref("ShopDetail"))}, tag=SHOPPER,
                                 params=[SLUG_PARAM], errors=(404, 422))},
    "/shops/{slug}/slots": {"get": _op(
        "Slots that can still be booked now on a day", {"200": _json(
            {"type": "array", "items": _ref("Slot")})}, tag=SHOPPER, errors=(404, 422),
        params=[SLUG_PARAM, _param("date", "query", DAY,
                                   f"{DAY['description']} Absent or empty: today in the "
                                   "town. Otherwise 422 invalid_date.", **EMPTY_IS_ABSENT)])},
    "/products": {"get": _op(
        "Search the catalogue", {"200": _json(_ref("ProductPage"))}, tag=SHOPPER,
        errors=(422,), params=[
            _param("q", "query", _text(most=200),
                   "Every word must match (its French stem, or the start of a word) in "
                   "a product's name, English name, description, aisle or shop's kind; "
                   "case, accents and ligatures ignored. Empty: everything.",
                   **EMPTY_IS_ABSENT),
            _param("shop", "query", _text(most=64), "A shop's slug.", **EMPTY_IS_ABSENT),
            _param("category", "query", _text(most=60), "A category, as products carry it.",
                   **EMPTY_IS_ABSENT),
            _param("page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                     "default": 1},
                   "Outside the range, empty or not a number: 422 invalid_page.")])},
    "/checkouts": {"post": _op(
        "Hold stock and slots for a basket (one order per shop)",
        {"201": _json(_ref("Checkout"), "Held until hold_expires_at (also on replay).")},
        tag=SHOPPER, body=_body(_ref("CheckoutRequest")),
        errors=(400, 404, 409, 422, 429, 503), error_descriptions={
            "s422": "Invalid value; `field` names it. A line over its product's "
                    "`max_per_order`: over_line_limit on `orders[i].lines[j].quantity`.",
            "s429": "rate_limited: this phone number, or this address, already has as many "
                    "checkouts waiting for payment as it may (3 and 10 by default); "
                    "Retry-After says when the first of them runs out. A replay of an "
                    "Idempotency-Key is answered first and never counted."},
        params=[_param("Idempotency-Key", "header",
                       {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY,
                        "pattern": r"^[ -~]*[!-~][ -~]*$"},
                       "Printable ASCII. Same key and same body: the same answer, nothing "
                       "done twice; same key, other body: 409.", required=False)])},
    "/checkouts/{id}": {"get": _op(
        "A checkout, for the holder of one of its orders' tracking tokens",
        {"200": _json(_ref("Checkout"))}, tag=SHOPPER, errors=(404, 503),
        params=[ID_PARAM, TOKEN_PARAM])},
    "/checkouts/{id}/payment": {"post": _op(
        "Open the provider's payment (a Stripe PaymentIntent) when it could not be opened "
        "with the checkout; opening it again changes nothing",
        {"200": _json(_ref("Checkout"))}, tag=SHOPPER, errors=(404, 503),
        params=[ID_PARAM, TOKEN_PARAM],
        error_descriptions={"s503": "The provider still does not answer; try again."})},
    "/checkouts/{id}/pay": {"post": _op(
        "Authorise the total (offline provider); paying twice returns the same",
        {"200": _json(_ref("Checkout"))}, tag=SHOPPER, errors=(400, 402, 404, 409, 422, 503),
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
                           ["code", "amount_cents", "available_cents", "expires_on", "state"]))},
        tag=SHOPPER, errors=(404, 422, 429), params=[_param("code", "path", VOUCHER_CODE)],
        error_descriptions={"s404": "No voucher has this code (unknown_voucher).",
                            "s422": "Not a voucher code (malformed_code).",
                            "s429": "Too many lookups from this IP; see Retry-After."})},
    "/auth/token": {"post": _op(
        "Exchange a merchant's e-mail and password for a bearer token",
        {"200": _json(_obj({"token": TEXT, "role": {"type": "string",
                                                    "enum": ["merchant", "manager"]},
                            "shop": NULLABLE_TEXT, "expires_in": INT},
                           ["token", "role", "shop"]))},
        tag=MERCHANT, errors=(400, 401, 422, 429), body=_body(_obj(
            {"email": {"type": "string", "minLength": 1},
             "password": {"type": "string", "minLength": 1}}, ["email", "password"])),
        error_descriptions={
            "s401": "Wrong e-mail or password (bad_credentials).",
            "s429": "rate_limited: too many failed sign-ins from this address or for this "
                    "account (web page and API together; 20 and 10 per 10 minutes by "
                    "default); Retry-After says when to try again."})},
    "/merchant/orders": {"get": _op(
        "The shop's queue, by slot", {"200": _json(
            {"type": "array", "items": {"allOf": [_ref("MerchantOrder"), _obj(
                {"sms_not_delivered": {"type": "boolean", "description":
                                       "The order's latest SMS failed or was not delivered: "
                                       "call the shopper."}}, ["sms_not_delivered"])]}})},
        tag=MERCHANT, secured=True,
        errors=(422,), description=(
            "Without `date`: the orders still to handle (placed, confirmed, ready) of every "
            "day. With `date`: that day's orders, every status unless `status` is given. "
            "An empty `status` or `date` is the same as none."),
        params=[_param("status", "query", {"type": "string", "enum": list(ORDER_STATES)},
                       "Otherwise 422.", **EMPTY_IS_ABSENT),
                _param("date", "query", DAY, f"{DAY['description']} Otherwise 422 "
                       "invalid_date.", **EMPTY_IS_ABSENT)])},
    "/merchant/orders/state": {"get": _op(
        "The queue's version and the day's counts, to poll cheaply", {
            "200": _json(_obj({
                "version": {"type": "string", "description":
                            "Changes whenever the shop's queue does (an order paid, "
                            "confirmed, ready, collected, cancelled or moved); also the "
                            "ETag."},
                "to_do": {**INT, "minimum": 0, "description":
                          "The day's orders placed, confirmed or ready."},
                "done": {**INT, "minimum": 0, "description":
                         "The day's orders collected, cancelled or not collected."},
                "date": DAY}, ["version", "to_do", "done", "date"])),
            "304": {"description": "Nothing changed since the ETag sent in If-None-Match."}},
        tag=MERCHANT, secured=True, description=(
            "Poll this every 10 s or so, sending the last answer's ETag in If-None-Match "
            "(304 while it still holds), and read GET /merchant/orders again only when "
            "`version` moved. Never cached (Cache-Control: no-store)."),
        params=[_param("date", "query", DAY, f"{DAY['description']} Today when absent; "
                       "otherwise 422 invalid_date.", **EMPTY_IS_ABSENT)])},
    "/merchant/orders/{id}/confirm": _merchant_action(
        "Confirmed quantity per line (0..ordered; a line left out keeps its quantity); "
        "all zero cancels",
        body=_body(_obj({"lines": {"type": "array", "default": [],
                                   "description": "Absent or empty: every line as ordered.",
                                   "items": _obj(
            {"id": INT, "quantity": {"type": "integer", "minimum": 0, "maximum": MAX_QUANTITY,
                                     "description": "At most the line's ordered quantity."}},
            ["id", "quantity"])}})), errors=(400, 404, 409, 422)),
    "/merchant/orders/{id}/ready": _merchant_action("Prepared, waiting at the counter"),
    "/merchant/orders/{id}/collect": _merchant_action(
        "Handed over: the confirmed amount is captured, once",
        body=_body(_obj({"pickup_code": {**TEXT, "nullable": True,
                                         "description": "The code the shopper "
                                         "shows; checked when given (422 "
                                         "wrong_pickup_code)."}}), required=False),
        errors=(400, 404, 409, 422)),
    "/merchant/orders/{id}/cancel": _merchant_action(
        "Cancel; the shopper is told and never charged",
        body=_body(_obj({"reason": _text(1, MAX_REASON)}, ["reason"])),
        errors=(400, 404, 409, 422)),
    "/merchant/orders/{id}/slot": _merchant_action(
        "Move the pickup to another slot the shop offers now; the shopper is told by SMS",
        body=_body(_obj({"slot": {**INSTANT_IN, "description": "A `start` from the slots "
                                                               "list."}},
                        ["slot"])), errors=(400, 404, 409, 422)),
    "/merchant/products": {"get": _op(
        "The shop's catalogue, withdrawn products included", {"200": _json(
            {"type": "array", "items": _ref("MerchantProduct")})}, tag=MERCHANT,
        secured=True)},
    "/merchant/products/{id}": {"patch": _op(
        "Change price, stock, availability, name, category or the promotion; all or nothing",
        {"200": _json(_ref("MerchantProduct"))}, tag=MERCHANT, secured=True,
        params=[ID_PARAM], errors=(400, 404, 409, 422), body=_body(_obj(
            {"price_cents": {**CENTS, "maximum": MAX_PRICE_CENTS},
             "stock": {**COUNT, "maximum": MAX_STOCK,
                       "description": "What can be sold now (v1): on hand becomes this plus "
                                      "what is held. Not with on_hand."},
             "on_hand": {**COUNT, "maximum": MAX_STOCK,
                         "description": "The shop's count, bags set aside included; at "
                                        "least what is held (409 below_held)."},
             "expected_on_hand": {**COUNT, "maximum": MAX_STOCK, "nullable": True,
                                  "description": "With on_hand: the count the shop saw; if "
                                                 "it moved meanwhile, 409 stock_changed and "
                                                 "nothing is written."},
             "active": {"type": "boolean"}, "name": _text(1, 200),
             "category": _text(1, 60),
             "max_per_order": {"type": "integer", "minimum": 1,
                               "maximum": MAX_PER_ORDER_LIMIT,
                               "description": "The most units of it one checkout may take."},
             "promo_price_cents": {**CENTS, "maximum": MAX_PRICE_CENTS, "nullable": True,
                                   "description": "Below price_cents; null ends the "
                                                 "promotion and clears its dates."},
             "promo_starts_at": {**INSTANT_IN, "nullable": True,
                                 "description": "With offset; null: open-ended."},
             "promo_ends_at": {**INSTANT_IN, "nullable": True,
                               "description": "After the start, not past; null: open-ended."}
             }, additionalProperties=False,
            description="Only the fields to change; any other is 422 unknown_field.")),
        error_descriptions={"s409": "The count moved since the shop saw it (stock_changed, "
                                    "nothing written) or is below what is held (below_held)."})},
    "/webhooks/stripe": {"post": _op(
        "Stripe events (payment authorised…), verified with Stripe-Signature",
        {"200": _json(_obj({"received": {"type": "boolean"},
                            "outcome": {**TEXT, "description": "What was done: placed, "
                                                               "released, declined, "
                                                               "duplicate, ignored…"}},
                           ["received", "outcome"]), "Event handled or ignored.")},
        tag=WEBHOOKS, errors=(400, 404, 413, 503),
        params=[_param("Stripe-Signature", "header", TEXT, required=False)],
        error_descriptions={"s400": "Bad or stale signature (bad_signature), unreadable "
                                    "event (malformed).",
                            "s404": "This site does not take payments by Stripe "
                                    "(COMPTOIR_PAYMENTS is not stripe).",
                            "s503": "Stripe did not answer a follow-up call; it will send "
                                    "the event again."})},
    "/webhooks/twilio/status": {"post": _op(
        "Twilio delivery status callbacks, verified with X-Twilio-Signature",
        {"200": _json(_obj({"message": {"type": "integer", "nullable": True,
                                        "description": "Our message's id; null when the "
                                                       "report is not about one of ours."},
                            "status": NULLABLE_TEXT}, ["message", "status"]), "Recorded.")},
        tag=WEBHOOKS, errors=(400, 403, 409, 413, 422, 503),
        params=[_param("sms", "query", TEXT, "Our message's id, as put in its "
                       "StatusCallback; anything but a number is ignored.", required=False),
                _param("X-Twilio-Signature", "header", TEXT, required=False)],
        requestBody={"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": _obj({"MessageSid": _text(1, 80), "MessageStatus": _text(1, 20),
                            "ErrorCode": {"type": "string", "pattern": "^[0-9]{0,10}$"}},
                           ["MessageSid", "MessageStatus"])}}},
        error_descriptions={"s400": "MessageSid, MessageStatus or ErrorCode missing or "
                                    "unreadable.",
                            "s403": "Missing or wrong X-Twilio-Signature (bad_signature).",
                            "s409": "This status of this message was already recorded "
                                    "(duplicate_callback).",
                            "s503": "Twilio is not configured on this site."})},
    "/webhooks/twilio/inbound": {"post": _op(
        "Messages from shoppers (STOP, START, replies), verified with X-Twilio-Signature",
        {"200": {"description": "TwiML answer (empty: Twilio's own opt-out handling answers "
                                "STOP and START).",
                 "content": {"text/xml": {"schema": TEXT}}}},
        tag=WEBHOOKS, errors=(400, 403, 413, 422, 503),
        params=[_param("X-Twilio-Signature", "header", TEXT, required=False)],
        requestBody={"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": _obj({"From": TEXT, "Body": TEXT, "MessageSid": TEXT})}}},
        error_descriptions={"s403": "Missing or wrong X-Twilio-Signature (bad_signature).",
                            "s503": "Twilio is not configured on this site."})},
    "/openapi.json": {"get": _op("This document", {"200": _json({"type": "object"})},
                                 tag=META, errors=(422,))},
}


# --- The shop's settings (app/api/merchant_settings.py) ---------------------------------
from app.shops import services as shop_settings  # noqa: E402

CLOCK_TIME = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][05]$",
              "description": "HH:MM, town time, on the 5-minute grid (00:00 to 23:55)."}
WEEK = _obj({day: {"type": "array", "maxItems": shop_settings.MAX_PERIODS_PER_DAY,
                   "description": "Opening periods of the day, apart from each other (two: "
                                  "a lunch break); empty: closed.",
                   "items": _obj({"opens": CLOCK_TIME, "closes": {
                       **CLOCK_TIME, "description": "After opens (422 closes_before_opens)."}},
                                 ["opens", "closes"])}
             for day in shop_settings.WEEKDAYS}, shop_settings.WEEKDAYS,
            additionalProperties=False)
CLOSURE = _obj({"id": INT, "start_date": {"type": "string", "format": "date"},
                "end_date": {"type": "string", "format": "date"}, "reason": TEXT},
               ["id", "start_date", "end_date", "reason"])
PICKUP = {"slot_minutes": {"type": "integer", "enum": list(shop_settings.SLOT_LENGTHS),
                           "description": "Length of a pickup slot."},
          **{field: {"type": "integer", "minimum": least, "maximum": most}
             for field, (least, most) in shop_settings.PICKUP_BOUNDS.items()}}
PATHS.update({
    "/merchant/shop/hours": {
        "get": _op("The shop's weekly opening hours", {"200": _json(WEEK)}, tag=MERCHANT,
                   secured=True),
        "put": _op("Replace the weekly opening hours; the slots offered follow at once",
                   {"200": _json(WEEK)}, tag=MERCHANT, secured=True, errors=(400, 422),
                   body=_body(WEEK), description=(
                       "Every day is given. Periods of one day may not overlap (422 "
                       "overlapping_periods, naming the later one's opens); all or nothing."))},
    "/merchant/shop/closures": {
        "get": _op("The shop's current and coming exceptional closures",
                   {"200": _json({"type": "array", "items": CLOSURE})}, tag=MERCHANT,
                   secured=True),
        "post": _op("Announce an exceptional closure (whole days); no slot is offered then",
                    {"201": _json(CLOSURE, "Created.")}, tag=MERCHANT, secured=True,
                    errors=(400, 422), body=_body(_obj({
                        "start_date": {**DAY, "description": "Today or later, at most two "
                                                             "years ahead (in_the_past, "
                                                             "too_far)."},
                        "end_date": {**DAY, "nullable": True, "description":
                                     "Inclusive, not before start_date; absent or null: "
                                     "the start day only."},
                        "reason": _text(0, shop_settings.MAX_CLOSURE_REASON)},
                        ["start_date"])))},
    "/merchant/shop/closures/{id}": {
        "delete": _op("Withdraw a closure", {"204": {"description": "Removed."}},
                      tag=MERCHANT, secured=True, params=[ID_PARAM], errors=(404,))},
    "/merchant/shop/pickup": {
        "patch": _op("Change the pickup settings; the slots offered follow at once",
                     {"200": _json(_obj(PICKUP, list(PICKUP)))}, tag=MERCHANT,
                     secured=True, errors=(400, 422), body=_body(_obj(
                         PICKUP, additionalProperties=False,
                         description="Only the fields to change; any other is 422 "
                                     "unknown_field. All or nothing.")))},
})

# --- The town manager's figures (app/api/figures.py, app/figures) -----------------------
from app.figures.services import MAX_DAYS as _MAX_FIGURE_DAYS  # noqa: E402
from app.orders.models import ORDER_STATES as _STATES  # noqa: E402

MANAGER = "manager"
_FIGURE_ROW = {
    "orders": {**COUNT, "description": "Orders placed in the period, every state: the sum "
                                       "of by_status."},
    "by_status": _obj({state: COUNT for state in _STATES}, list(_STATES)),
    "pickups": {**COUNT, "description": "Collected orders: visits to the shop."},
    "no_shows": COUNT,
    "revenue_cents": {**CENTS, "description": "Confirmed amount of the collected orders."}}
_SMS_FIGURES = {
    "sms_sent": {**COUNT, "description": "SMS that left in the period, or were given up (as "
                                         "/gestion/sms counts them; failed ones included)."},
    "sms_segments": COUNT,
    "sms_failed": {**COUNT, "description": "Of sms_sent: failed or undelivered."},
    "sms_cost_cents": {**CENTS, "description": "sms_segments x sms_segment_price_cents."}}
_FIGURE_ROW.update({
    "short_lines": {**COUNT, "description": "Lines of the period's orders the shop confirmed "
                                            "with fewer than ordered."},
    "short_cents": {**CENTS, "description": "What those lines did not bring: (ordered - "
                                            "confirmed) x unit price."},
    "vouchers_spent_cents": {**CENTS, "description": "Gift vouchers spent at the shop (the "
                                                     "day the checkout was settled)."},
    **_SMS_FIGURES,
    "shoppers": {**COUNT, "description": "Shoppers (one per phone number) with a paid order "
                                         "in the period (every state but pending_payment and "
                                         "expired). In totals, each shopper once: not the sum "
                                         "of the shops."},
    "returning_shoppers": {**COUNT, "description": "Of shoppers: those with such an order "
                                                   "before the period (at that shop; in "
                                                   "totals, anywhere)."},
    "returning_share": {"type": "number", "nullable": True, "minimum": 0, "maximum": 100,
                        "description": "Percent of shoppers who are returning; null without "
                                       "shoppers."}})
_PERIOD_FIGURES = _obj({
    "from": DAY, "to": {**DAY, "description": "Included."},
    "totals": _obj(_FIGURE_ROW, list(_FIGURE_ROW)),
    "evening_orders": {**COUNT, "description": "Placed 20:00-23:00 town time."},
    "evening_share": {"type": "number", "nullable": True, "minimum": 0, "maximum": 100,
                      "description": "Percent of the orders placed 20:00-23:00 town time; "
                                     "null without orders."},
    "hours": {"type": "array", "minItems": 7, "maxItems": 7, "description":
              "Orders by weekday (0 = Monday) and hour of placement (town time).",
              "items": {"type": "array", "minItems": 24, "maxItems": 24, "items": COUNT}},
    "shops": {"type": "array", "items": _obj(
        {"shop": {**TEXT, "description": "The shop's slug."}, "name": TEXT, **_FIGURE_ROW},
        ["shop", "name", *_FIGURE_ROW])},
    "vouchers_sold": {**COUNT, "description": "Gift vouchers the association sold."},
    "vouchers_sold_cents": {**CENTS, "description": "Their face value."},
    "vouchers_paid_cents": {**CENTS, "description": "What their buyers paid."},
    "association_sms": _obj(_SMS_FIGURES, list(_SMS_FIGURES), description=(
        "The association's own SMS (campaigns): in totals, in no shop.")),
    "sms_segment_price_cents": {**CENTS, "description": "One SMS segment's price "
                                                        "(COMPTOIR_SMS_SEGMENT_PRICE_CENTS)."}},
    ["from", "to", "totals", "evening_orders", "evening_share", "hours", "shops",
     "vouchers_sold", "vouchers_sold_cents", "vouchers_paid_cents", "association_sms",
     "sms_segment_price_cents"])
PATHS.update({
    "/manager/figures": {"get": _op(
        "The town's figures for a period, with the period of the same length just before",
        {"200": _json(_obj({"current": _PERIOD_FIGURES, "previous": _PERIOD_FIGURES},
                           ["current", "previous"]))},
        tag=MANAGER, secured=True, errors=(422,), description=(
            "For the town manager's token only (403 for a merchant's). Orders count on the "
            "town day they were placed, in their current state, from daily aggregates the "
            "jobs refresh (jobs run-once: refresh_daily_figures). Without `from`/`to`: the "
            f"last 7 days up to today; at most {_MAX_FIGURE_DAYS} days (422 invalid_period, "
            "also when "
            "`to` is before `from`)."),
        params=[_param("from", "query", DAY, f"{DAY['description']} Otherwise 422 "
                       "invalid_date.", **EMPTY_IS_ABSENT),
                _param("to", "query", DAY, f"{DAY['description']} Included. Otherwise 422 "
                       "invalid_date.", **EMPTY_IS_ABSENT)])},
})

# --- The catalogue's life: add, archive, import (app/api/merchant_products.py) ---------
from app.catalog import importer  # noqa: E402

SCHEMAS["MerchantProduct"]["properties"].update({
    "ean": {**NULLABLE_TEXT, "description": "EAN-13 (checksum checked), unique in the shop."},
    "archived_at": {**INSTANT, "nullable": True,
                    "description": "When the shop archived it (gone from its catalogue for "
                                   "good); null otherwise."}})
_FATES = ["create", "update", "unchanged", "withdraw"]
SCHEMAS.update({
    "NewProduct": _obj({
        "name": _text(1, importer.MAX_NAME),
        "price_cents": {**CENTS, "maximum": MAX_PRICE_CENTS},
        "stock": {**COUNT, "maximum": MAX_STOCK,
                  "description": "Units in the shop (on_hand); 0 when left out."},
        "sku": {**_text(0, importer.MAX_SKU), "nullable": True,
                "description": "Unique in the shop (409 duplicate)."},
        "ean": {"type": "string", "nullable": True, "pattern": r"^\s*([0-9]{13})?\s*$",
                "description": "EAN-13; its last digit must be the check digit (422)."},
        "description": _text(0, importer.MAX_DESCRIPTION),
        "category": _text(0, importer.MAX_CATEGORY),
        "active": {"type": "boolean", "description": "On sale (default true)."},
        "max_per_order": {"type": "integer", "minimum": 1, "maximum": MAX_PER_ORDER_LIMIT}},
        ["name", "price_cents"], additionalProperties=False,
        description="Each text as a catalogue file's cell: no control character, no markup, "
                    "no spreadsheet formula at its start (422 on its field)."),
    "ImportPlan": _obj({
        "dry_run": {"type": "boolean"},
        "counts": _obj({fate: COUNT for fate in _FATES}, _FATES),
        "lines": {"type": "array", "items": _obj({
            "line": {"type": "integer", "minimum": 1, "nullable": True,
                     "description": "The file's line; null for a product the file no longer "
                                    "lists (withdraw)."},
            "fate": {"type": "string", "enum": _FATES},
            "name": TEXT, "sku": NULLABLE_TEXT, "ean": NULLABLE_TEXT,
            "product_id": {"type": "integer", "nullable": True}},
            ["line", "fate", "name", "product_id"])},
        "errors": {"type": "array", "items": _obj({
            "line": {"type": "integer", "nullable": True}, "field": NULLABLE_TEXT,
            "message": TEXT}, ["line", "message"])}},
        ["dry_run", "counts", "lines", "errors"]),
})
_FLAG = {"type": "string", "enum": ["true", "false"]}
PATHS["/merchant/products"]["post"] = _op(
    "Add a product to the shop's catalogue", {"201": _json(_ref("MerchantProduct"),
                                                           "Created")},
    tag=MERCHANT, secured=True, errors=(400, 409, 422), body=_body(_ref("NewProduct")))
PATHS.update({
    "/merchant/products/{id}/archive": {"post": _op(
        "Archive a product: withdrawn from sale, gone from the catalogue and from imports for "
        "good (its orders keep it); archiving twice is once",
        {"200": _json(_ref("MerchantProduct"))}, tag=MERCHANT, secured=True,
        params=[ID_PARAM], errors=(404,))},
    "/merchant/products/import": {"post": _op(
        "Import a catalogue file (CSV in UTF-8 or Windows-1252, or XLSX): columns name, price "
        "or price_cents, stock, and optionally sku, ean, description, category, active. A line "
        "finds its product by sku, then EAN, then name. With dry_run (the default) nothing is "
        "written and every line's fate and error is answered; without, the plan is applied, "
        "or the first error refuses the whole file (422, nothing written)",
        {"200": _json(_ref("ImportPlan"))}, tag=MERCHANT, secured=True, errors=(400, 422),
        params=[_param("dry_run", "query", _FLAG, "Default true.", required=False,
                       **EMPTY_IS_ABSENT),
                _param("withdraw_missing", "query", _FLAG, "Withdraw from sale the products "
                       "on sale the file does not list. Default false.", required=False,
                       **EMPTY_IS_ABSENT)],
        body={"required": True, "content": {"multipart/form-data": {"schema": _obj(
            {"file": {"type": "string", "format": "binary"}}, ["file"])}}},
        error_descriptions={"s422": "A file that cannot be read (encoding, header, quoting, "
                                    "more than 5,000 products), or with dry_run=false, the "
                                    "first line in error; `field` names the column."})},
})

# --- Photos: a product's, the shop's logo (app/api/merchant_products.py) -------------
from app.photos import archive, services as photos  # noqa: E402


def _photo(description: str) -> dict:
    return {**_obj({
        "width": {"type": "integer", "minimum": 1,
                  "description": "Of the widest file (the picture's own, at most "
                                 f"{photos.WIDTHS[-1]})."},
        "height": {"type": "integer", "minimum": 1},
        "urls": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"},
                 "description": "Width in pixels (\"160\", \"320\", \"640\", \"1280\"; none "
                                "wider than the picture, its own width last) -> absolute URL "
                                "of that WebP file, cached for a year (its name is its "
                                "content's hash)."}}, ["width", "height", "urls"]),
        "nullable": True, "description": description}


for _name in ("Product", "MerchantProduct"):
    SCHEMAS[_name]["properties"]["photo"] = _photo("The product's photo; null when it has none.")
SCHEMAS["Shop"]["properties"]["logo"] = _photo("The shop's logo; null when it has none.")
_PHOTO_ERRORS = {
    "s404": "No such product in the shop (or archived).",
    "s413": f"The body is over {photos.MAX_BYTES // (1024 * 1024) + 1} MiB.",
    "s422": "`photo` missing (required), over 15 MB (too_large), not a JPEG, PNG, WebP or "
            "HEIC picture (not_an_image), or more than "
            f"{photos.MAX_PIXELS // 1_000_000} million pixels (too_many_pixels)."}
_IMPORT = PATHS["/merchant/products/import"]["post"]
_IMPORT["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["photos"] = {
    "type": "string", "format": "binary",
    "description": "Optional: a ZIP of photos named by SKU (BOUL-001.jpg; JPEG, PNG, WebP or "
                   f"HEIC, 15 MB each; at most {archive.MAX_MEMBERS} files, 1 GB unpacked: "
                   "beyond, 422 on `photos`)."}
_IMPORT["summary"] += (". With a ZIP of photos, each photo's fate is answered too, and a real "
                       "run gives each matched product its photo")
SCHEMAS["ImportPlan"]["properties"].update({
    "photos": {"type": "array", "description": "Only when a ZIP was sent: each photo's fate "
               "(matched: a product of the shop or of the file has that SKU).",
               "items": _obj({"name": TEXT, "sku": NULLABLE_TEXT,
                              "fate": {"type": "string", "enum": [
                                  archive.MATCHED, archive.NO_SUCH_SKU, archive.NOT_AN_IMAGE]},
                              "message": NULLABLE_TEXT}, ["name", "sku", "fate", "message"])},
    "photos_set": {**COUNT, "description": "A real run with a ZIP: the photos given to their "
                                           "product."}})
PATHS["/merchant/products/{id}/photo"] = {
    "put": _op(
        "Set (or replace) a product's photo: multipart/form-data, the picture in the field "
        "`photo` (JPEG, PNG, WebP or HEIC, 15 MB at most). It is turned upright, stripped of "
        "its metadata (EXIF, GPS) and kept as WebP of a few widths",
        {"200": _json(_ref("MerchantProduct"))}, tag=MERCHANT, secured=True,
        params=[ID_PARAM], errors=(404, 422),
        body={"required": True, "content": {"multipart/form-data": {"schema": _obj(
            {"photo": {"type": "string", "format": "binary"}}, ["photo"])}}},
        error_descriptions=_PHOTO_ERRORS),
    "delete": _op(
        "Remove a product's photo (none is fine)", {"200": _json(_ref("MerchantProduct"))},
        tag=MERCHANT, secured=True, params=[ID_PARAM], errors=(404,)),
}


# --- The courier's round (app/api/courier.py, app/delivery/courier.py) ------------------
from app.delivery import courier as _courier  # noqa: E402

COURIER = "courier"
ROUND_TOKEN_PARAM = _param("token", "path", {"type": "string", "maxLength": 64},
                           "The round's secret token (the link /tournee/{token}); any "
                           "other value is 404.")
STOP_PARAM = _param("id", "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    "A stop of this round; another round's, or outside 1..2147483647: 404.")
SCHEMAS.update({
    "CourierStop": _obj({
        "id": INT, "position": {"type": "integer", "minimum": 1},
        "kind": {"type": "string", "enum": ["pickup", "delivery"]},
        "expected_at": INSTANT, "done": {"type": "boolean"},
        "name": {**TEXT, "description": "The shop's name at a pickup, the shopper's at a "
                                        "door."},
        "address": TEXT,
        "phone": {**NULLABLE_TEXT, "description": "The shop's at a pickup, the shopper's at "
                                                  "a door (E.164)."},
        "lat": {"type": "number", "nullable": True, "description": "A door's; null at a "
                                                                  "shop."},
        "lon": {"type": "number", "nullable": True},
        "ready": {"type": "boolean", "description": "A pickup: the shop's order is ready "
                                                    "(or cancelled: nothing to collect)."},
        "outcome": {"type": "string", "enum": ["delivered", "failed", None],
                    "nullable": True, "description": "A door done: how it ended."},
        "parcels": {"type": "integer", "minimum": 1}},
        ["id", "position", "kind", "expected_at", "done", "name", "address", "phone", "lat",
         "lon", "ready", "outcome", "parcels"]),
    "CourierRound": _obj({
        "id": INT, "status": {"type": "string", "enum": ["planned", "started", "done"]},
        "day": {"type": "string", "format": "date"},
        "window": _obj({"start": INSTANT, "end": INSTANT}, ["start", "end"]),
        "courier": TEXT,
        "stops": {"type": "array", "items": _ref("CourierStop")}},
        ["id", "status", "day", "window", "courier", "stops"]),
})
_STOP_ANSWER = {"200": _json(_ref("CourierStop"), "The stop as it now is (the same answer "
                                                   "when sent again: nothing is done twice).")}
PATHS.update({
    "/courier/rounds/{token}": {"get": _op(
        "A courier's round: its stops in order, with the time expected, the address, the "
        "phone to call", {"200": _json(_ref("CourierRound"))}, tag=COURIER, errors=(404,),
        params=[ROUND_TOKEN_PARAM])},
    "/courier/rounds/{token}/stops/{id}/pickup": {"post": _op(
        "Collected at the shop: 409 not_ready while the shop's order is not ready",
        _STOP_ANSWER, tag=COURIER, errors=(404, 409), params=[ROUND_TOKEN_PARAM, STOP_PARAM])},
    "/courier/rounds/{token}/stops/{id}/deliver": {"post": _op(
        "Handed over at the door, with the shopper's pickup code (any order's of the basket) "
        "or, when they are out, a photo (multipart/form-data, field `photo`, kept private). "
        "Every order of the basket is then collected and charged as at the shop, the "
        "delivery fee with it. A wrong code is 422 wrong_pickup_code; after "
        f"{_courier.MAX_CODE_ATTEMPTS} wrong codes, 409 too_many_attempts (a photo still "
        "hands it over); 409 pickups_pending or not_ready before every shop's order is "
        "collected", _STOP_ANSWER, tag=COURIER, errors=(400, 404, 409, 422),
        params=[ROUND_TOKEN_PARAM, STOP_PARAM],
        body={"required": True, "content": {
            "application/json": {"schema": _obj({"code": {
                "type": "string", "pattern": r"^\s*[0-9]{1,8}\s*$",
                "description": "The shopper's 4-digit pickup code."}}, ["code"])},
            "multipart/form-data": {"schema": _obj({
                "code": TEXT, "photo": {"type": "string", "format": "binary"}})}}},
        error_descriptions={"s422": "`code` missing or not digits, wrong (wrong_pickup_code), "
                                    "or a photo refused (too_large, not_an_image, "
                                    "too_many_pixels)."})},
    "/courier/rounds/{token}/stops/{id}/fail": {"post": _op(
        "Not handed over: the delivery failed, its fee is never charged, and the shopper "
        "is told what comes next (collect in the shop, or choose another window, as the "
        "town has set)", _STOP_ANSWER, tag=COURIER, errors=(400, 404, 409, 422),
        params=[ROUND_TOKEN_PARAM, STOP_PARAM],
        body=_body(_obj({"reason": {"type": "string", "enum": list(_courier.FAIL_REASONS)},
                         "note": {**_text(0, _courier.MAX_NOTE), "nullable": True,
                                  "description": "Required (not blank) with reason "
                                                 "`other`."}}, ["reason"])))},
})

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Comptoir API", "version": "1",
             "description": "Reserve and prepay at a town's independent shops, collect in "
                            "store. Money in integer cents, times ISO-8601 with offset; "
                            "errors are {\"error\": {\"code\", \"message\", \"field\"?}}.\n\n"
                            "Every operation may also answer, in that shape: 404 not_found "
                            "for an address this document does not describe (a path "
                            "parameter outside its schema included, such as /orders/abc); "
                            "405 method_not_allowed, with Allow, for a method it does not "
                            "list; 500 server_error when something unexpected fails (never "
                            "for bad input). A text with a NUL byte in any query parameter "
                            "is 422 invalid_text, naming it."},
    "servers": [{"url": "/api/v1"}],
    "tags": [{"name": SHOPPER, "description": "No account needed."},
             {"name": MERCHANT, "description": "Authorization: Bearer TOKEN; one shop only."},
             {"name": WEBHOOKS, "description": "Called by the payment and SMS providers."},
             {"name": MANAGER, "description": "Authorization: Bearer TOKEN of the town "
                                              "manager's account; the whole town."},
             {"name": COURIER, "description": "The round's secret token in the path (the "
                                              "link sent to the courier); no account."},
             {"name": META}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS, "securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "From POST /auth/token."}}},
}


def document() -> dict:
    """The whole document, once every API module has added its operations."""
    return DOCUMENT


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
