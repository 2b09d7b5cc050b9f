"""The town's side of the API (a town app): shops with what each still lacks, a new shop, its
merchant's invitation, publishing. A manager's bearer token from POST /auth/token; a
merchant's token is refused here (403), as a manager's is on the merchant's operations."""
from flask import current_app, jsonify, url_for
from flask_babel import gettext as _

from app import clock
from app.accounts.invitations import invite_merchant
from app.api import bp, docs
from app.api.auth import manager as _manager
from app.api.inputs import json_object
from app.errors import Invalid
from app.shops.models import DEFAULT_COMMISSION_BPS, Shop
from app.shops.onboarding import (MAX_HOLDER, MAX_NAME, MISSING, ShopState, onboarding_states,
                                  register_shop, set_published, shop_by_slug, shop_state)
from app.timeutil import iso

# Longest a typed SIRET, IBAN, BIC may be with its spaces; the services check the rest.
TEXT_FIELDS = {"slug": 64, "name": MAX_NAME, "siret": 20, "iban": 42, "bic": 11,
               "account_holder": MAX_HOLDER}
NULLABLE = ("iban", "bic", "account_holder")


def manager_shop_json(state: ShopState) -> dict:
    shop = state.shop
    return {"slug": shop.slug, "name": shop.name, "published": shop.active,
            "siret": shop.siret, "commission_bps": shop.commission_bps,
            "has_iban": bool(shop.iban), "products": state.products,
            "opening_periods": state.hours, "merchant_joined": state.merchants > 0,
            "invitation_expires_at": iso(state.invited_until), "missing": state.missing}


def _state(shop: Shop) -> dict:
    return manager_shop_json(shop_state(shop, clock()))


@bp.get("/manager/shops")
def manager_shops():
    _manager()
    return jsonify([manager_shop_json(state) for state in onboarding_states(clock())])


@bp.post("/manager/shops")
def manager_create_shop():
    _manager()
    body = json_object()
    for name, most in TEXT_FIELDS.items():
        value = body.get(name)
        if value is None and name in NULLABLE:
            continue
        if not isinstance(value, str):
            raise Invalid(_("Ce champ est obligatoire.") if value is None else
                          _("Un texte est attendu."), field=name,
                          code="required" if value is None else "invalid")
        if len(value) > most:
            raise Invalid(_("%(n)s caractères au plus.", n=most), field=name)
    shop = register_shop(slug=body["slug"], name=body["name"], siret=body["siret"],
                         commission_bps=body.get("commission_bps", DEFAULT_COMMISSION_BPS),
                         iban=body.get("iban"), bic=body.get("bic"),
                         account_holder=body.get("account_holder"))
    return jsonify(_state(shop)), 201


@bp.post("/manager/shops/<slug>/invitation")
def manager_invite(slug):
    """The link is in this answer only: only its hash is kept."""
    _manager()
    shop = shop_by_slug(slug)
    body = json_object()
    invitation, token = invite_merchant(shop, body.get("email"), now=clock())
    url = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("invitation.accept",
                                                                  token=token)
    return (jsonify(url=url, email=invitation.email, expires_at=iso(invitation.expires_at)),
            201, {"Cache-Control": "no-store"})


@bp.post("/manager/shops/<slug>/publish")
def manager_publish(slug):
    _manager()
    return jsonify(_state(set_published(slug, True, now=clock())))


@bp.post("/manager/shops/<slug>/unpublish")
def manager_unpublish(slug):
    _manager()
    return jsonify(_state(set_published(slug, False, now=clock())))


# Described next to the routes; docs.PATHS is the document served at /openapi.json.
TOWN = "manager"
if not any(tag["name"] == TOWN for tag in docs.DOCUMENT["tags"]):  # the figures may add it
    docs.DOCUMENT["tags"].append({"name": TOWN, "description": "Authorization: Bearer TOKEN "
                                                              "of the town's manager."})
docs.SCHEMAS["ManagerShop"] = docs._obj(
    {"slug": docs.TEXT, "name": docs.TEXT,
     "published": {"type": "boolean", "description": "Shoppers see it and may order."},
     "siret": docs.NULLABLE_TEXT,
     "commission_bps": {"type": "integer", "minimum": 0, "maximum": 10000},
     "has_iban": {"type": "boolean"}, "products": {**docs.COUNT, "description":
                                                   "Products on sale."},
     "opening_periods": {**docs.COUNT, "description": "Weekly opening intervals."},
     "merchant_joined": {"type": "boolean",
                         "description": "A merchant account exists for the shop."},
     "invitation_expires_at": {**docs.INSTANT, "nullable": True,
                               "description": "End of the invitation waiting to be used."},
     "missing": {"type": "array", "items": {"type": "string", "enum": list(MISSING)},
                 "description": "What the shop still lacks, in the order to help with it."}},
    ["slug", "name", "published", "siret", "commission_bps", "has_iban", "products",
     "opening_periods", "merchant_joined", "invitation_expires_at", "missing"])
_NOT_MANAGER = {"s403": "The account is not the town's manager."}
_SHOP_PARAM = docs._param("slug", "path", docs.TEXT, "The shop's slug.")
docs.PATHS["/manager/shops"] = {
    "get": docs._op("Every shop, published or not, with what it still lacks (those lacking "
                    "the most first)", {"200": docs._json({"type": "array",
                                                           "items": docs._ref("ManagerShop")})},
                    tag=TOWN, secured=True, error_descriptions=_NOT_MANAGER),
    "post": docs._op(
        "A new shop, unpublished; nothing is written when a value is refused",
        {"201": docs._json(docs._ref("ManagerShop"), "Created.")}, tag=TOWN, secured=True,
        errors=(400, 409, 422), body=docs._body(docs._obj({
            "slug": {"type": "string", "maxLength": 64, "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$",
                     "description": "In the shop's address. Taken: 409 duplicate_slug."},
            "name": docs._text(1, MAX_NAME),
            "siret": {**docs._text(1, 20), "description": "14 digits, spaces allowed; a "
                      "wrong check digit is 422 invalid_siret."},
            "commission_bps": {"type": "integer", "minimum": 0, "maximum": 10000,
                               "default": DEFAULT_COMMISSION_BPS,
                               "description": "The association's share, in basis points."},
            "iban": {"type": "string", "maxLength": 42, "nullable": True,
                     "description": "Optional; checked (422 invalid_iban)."},
            "bic": {"type": "string", "maxLength": 11, "nullable": True,
                    "description": "Optional, with the IBAN (422 invalid_bic)."},
            "account_holder": {"type": "string", "maxLength": MAX_HOLDER, "nullable": True,
                               "description": "With the IBAN; empty: the shop's name."},
        }, ["slug", "name", "siret"])),
        error_descriptions={**_NOT_MANAGER, "s409": "A shop has this slug (duplicate_slug)."}),
}
docs.PATHS["/manager/shops/{slug}/invitation"] = {"post": docs._op(
    "A one-time link for the shop's merchant to set a password, valid 7 days; the shop's "
    "earlier links stop working. The link is only in this answer: send it on",
    {"201": docs._json(docs._obj({"url": docs.TEXT, "email": docs.TEXT,
                                  "expires_at": docs.INSTANT},
                                 ["url", "email", "expires_at"]), "Created.")},
    tag=TOWN, secured=True, params=[_SHOP_PARAM], errors=(400, 404, 409, 422),
    body=docs._body(docs._obj({"email": {**docs._text(1, 254), "format": "email"}},
                              ["email"])),
    error_descriptions={**_NOT_MANAGER,
                        "s409": "An account has this e-mail (duplicate_email)."})}
_NOT_READY = {"s409": "The shop lacks what shoppers need (not_ready, field published): a "
                     "merchant who joined, opening hours, a product on sale; the message "
                     "names them. The IBAN may come later."}
for _action, _summary, _errors in (
        ("publish", "Shoppers see the shop and may order from it", (404, 409)),
        ("unpublish", "Shoppers no longer see the shop (pages, search, API) and a checkout "
                      "for it is refused", (404,))):
    docs.PATHS[f"/manager/shops/{{slug}}/{_action}"] = {"post": docs._op(
        _summary, {"200": docs._json(docs._ref("ManagerShop"))}, tag=TOWN, secured=True,
        params=[_SHOP_PARAM], errors=_errors,
        error_descriptions={**_NOT_MANAGER, **(_NOT_READY if 409 in _errors else {})})}
