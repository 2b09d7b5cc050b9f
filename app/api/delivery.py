"""Home delivery for a town's app: address suggestions, then the windows (and the fee) a
basket can be delivered in at that address. The delivery itself is chosen in POST
/checkouts (`delivery`)."""
from flask import jsonify, request
from flask_babel import gettext as _

from app import clock, geocoder
from app.api import bp
from app.api.inputs import text_arg
from app.delivery.geocoding import Address
from app.delivery.services import (WindowOffer, delivery_options, resolve_address,
                                   shops_by_slug, suggest_addresses)
from app.errors import DomainError, Invalid
from app.numbers import small_int
from app.orders.requests import MAX_ADDRESS, MAX_ORDERS
from app.timeutil import iso

MAX_BASKET_CENTS = 999_999_999  # small_int's nine digits: far above any basket


def address_json(address: Address) -> dict:
    return {"label": address.label, "postcode": address.postcode, "city": address.city,
            "lat": address.lat, "lon": address.lon}


def offer_json(offer: WindowOffer) -> dict:
    return {"window_id": offer.window_id, "day": offer.day.isoformat(),
            "start": iso(offer.start), "end": iso(offer.end),
            "remaining": max(0, offer.remaining), "fee_cents": offer.fee_cents,
            "available": offer.offered, "refusal": offer.refusal, "shop": offer.shop}


@bp.get("/delivery/addresses")
def delivery_addresses():
    text = text_arg("q", most=MAX_ADDRESS)
    found = suggest_addresses(geocoder(), text) if text else []
    return jsonify([address_json(address) for address in found])


def _basket_cents() -> int:
    cents = small_int(request.args.get("basket_cents", "").strip())  # up to MAX_BASKET_CENTS
    if cents is None:
        raise Invalid(_("Montant du panier en centimes attendu."), field="basket_cents",
                      code="invalid_amount")
    return cents


def _slugs() -> list[str]:
    slugs = [s.strip() for s in text_arg("shops", most=MAX_ORDERS * 65).split(",") if s.strip()]
    if not slugs:
        raise Invalid(_("Ce champ est obligatoire."), field="shops", code="required")
    if len(slugs) > MAX_ORDERS:
        raise Invalid(_("%(most)s éléments au plus.", most=MAX_ORDERS), field="shops")
    return slugs


# Where the services' refusals land among this operation's parameters.
_FIELDS = {"basket": "basket_cents", "day": "address"}


@bp.get("/delivery/windows")
def delivery_windows():
    label = text_arg("address", most=MAX_ADDRESS)
    slugs, basket = _slugs(), _basket_cents()
    try:
        address = resolve_address(geocoder(), label, field="address")
        options = delivery_options(address, shops_by_slug(slugs), basket, clock())
    except DomainError as error:
        error.field = _FIELDS.get(error.field, error.field)
        raise
    return jsonify(address=address_json(address),
                   zone={"id": options.zone.id, "name": options.zone.name,
                         "min_basket_cents": options.zone.min_basket_cents,
                         "free_above_cents": options.zone.free_above_cents},
                   fee_cents=options.fee_cents,
                   windows=[offer_json(offer) for offer in options.offers])


# Described next to the routes; docs.PATHS is the document served at /openapi.json.
from app.api import docs  # noqa: E402
from app.delivery.services import REFUSAL_TEXTS  # noqa: E402

_ADDRESS = docs._obj({"label": docs.TEXT, "postcode": docs.TEXT, "city": docs.TEXT,
                      "lat": {"type": "number"}, "lon": {"type": "number"}},
                     ["label", "postcode", "city", "lat", "lon"])
_LABEL_DOC = ("An address's `label` as GET /delivery/addresses gave it; the server looks it "
              "up again (coordinates are never taken from the client): one it does not find "
              "is 422 unknown_address.")
docs.SCHEMAS["DeliveryAddress"] = _ADDRESS
docs.SCHEMAS["DeliveryWindowOffer"] = docs._obj({
    "window_id": docs.INT, "day": {"type": "string", "format": "date"},
    "start": docs.INSTANT, "end": docs.INSTANT, "remaining": docs.COUNT,
    "fee_cents": docs.CENTS,
    "available": {"type": "boolean", "description": "It can be chosen now."},
    "refusal": {"type": "string", "nullable": True, "enum": [*REFUSAL_TEXTS, None],
                "description": "Why it cannot be chosen; null when available."},
    "shop": {**docs.NULLABLE_TEXT, "description": "The shop (slug) a shop refusal is about."}},
    ["window_id", "day", "start", "end", "remaining", "fee_cents", "available", "refusal"])
docs.SCHEMAS["CheckoutRequest"]["properties"]["delivery"] = {
    **docs._obj({"address": {**docs._text(1, MAX_ADDRESS), "description": _LABEL_DOC},
                 "window_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                 "day": docs.DAY}, ["address", "window_id", "day"]),
    "nullable": True,
    "description": "Home delivery of the whole basket in one window (GET /delivery/windows); "
                   "then no order has a `slot` (slot_with_delivery), the orders take the "
                   "window as theirs, and the window's fee is added to the checkout's "
                   "total_cents (never to an order's). Refusals name delivery.address "
                   "(outside_zones, unknown_address), delivery.window_id (window_full 409, "
                   "cutoff_passed, shop_closed, not_ready, no_pickup, window_unavailable), "
                   "delivery.day, or orders (below_minimum, with what is missing)."}
_ORDER_ITEM = docs.SCHEMAS["CheckoutRequest"]["properties"]["orders"]["items"]
_ORDER_ITEM["required"] = ["shop", "lines"]
_ORDER_ITEM["properties"]["slot"] = {
    **docs.INSTANT_IN, "description": "A `start` from the slots list; required without "
                                      "`delivery`, refused with it."}
docs.SCHEMAS["Checkout"]["properties"]["delivery"] = {
    **docs._obj({"window_id": docs.INT, "day": {"type": "string", "format": "date"},
                 "start": docs.INSTANT, "end": docs.INSTANT, "fee_cents": docs.CENTS,
                 "address": docs.TEXT,
                 "status": {"type": "string", "enum": ["held", "planned", "delivered",
                                                       "failed", "cancelled"]}},
                ["window_id", "day", "start", "end", "fee_cents", "address"]),
    "nullable": True,
    "description": "The home delivery, null for a pickup. Its fee is captured only once "
                   "delivered, with the confirmed amount of the goods handed over."}

docs.PATHS["/delivery/addresses"] = {"get": docs._op(
    "Addresses matching what the shopper typed (the town's street table or the national "
    "address base), best first",
    {"200": docs._json({"type": "array", "items": docs._ref("DeliveryAddress")})},
    tag=docs.SHOPPER, errors=(422, 503),
    error_descriptions={"s503": "The address search does not answer "
                                "(geocoder_unavailable); try again or choose pickup."},
    params=[docs._param("q", "query", docs._text(0, MAX_ADDRESS), "What was typed; empty: "
                        "no suggestion.", required=False)])}
docs.PATHS["/delivery/windows"] = {"get": docs._op(
    "The delivery windows of the coming days for a basket at an address, each available "
    "or refused with its reason, and the fee",
    {"200": docs._json(docs._obj({
        "address": docs._ref("DeliveryAddress"),
        "zone": docs._obj({"id": docs.INT, "name": docs.TEXT,
                           "min_basket_cents": docs.CENTS,
                           "free_above_cents": {**docs.CENTS, "nullable": True}},
                          ["id", "name"]),
        "fee_cents": docs.CENTS,
        "windows": {"type": "array", "items": docs._ref("DeliveryWindowOffer")}},
        ["zone", "fee_cents", "windows"]))},
    tag=docs.SHOPPER, errors=(422, 503),
    error_descriptions={
        "s422": "Invalid value; `field` names it: address (unknown_address, outside_zones: "
                "choose pickup), shops (unknown_shop), basket_cents (invalid_amount, "
                "below_minimum with what is missing)."},
    params=[docs._param("address", "query", docs._text(1, MAX_ADDRESS), _LABEL_DOC,
                        required=True),
            docs._param("shops", "query", docs._text(1, MAX_ORDERS * 65),
                        "The basket's shops, as slugs separated by commas.", required=True),
            docs._param("basket_cents", "query",
                        {"type": "integer", "minimum": 0, "maximum": MAX_BASKET_CENTS},
                        "The basket's amount in cents (the goods, without the fee).",
                        required=True)])}
