"""The shop's settings from a till or an app: weekly hours, exceptional closures, pickup
settings. The same services as the settings page (app/merchant/settings.py)."""
from datetime import date

from flask import jsonify
from flask_babel import gettext as _

from app import clock
from app.api import bp
from app.api.inputs import FIRST_DAY, ID, LAST_DAY, json_object
from app.api.merchant import _merchant
from app.errors import Invalid
from app.extensions import db
from app.shops import services
from app.shops.models import Shop
from app.timeutil import local_today


def _shop() -> Shop:
    return db.session.get(Shop, _merchant().shop_id)


def pickup_json(shop: Shop) -> dict:
    return {field: getattr(shop, field) for field in services.PICKUP_FIELDS}


def closure_json(closure) -> dict:
    return {"id": closure.id, "start_date": closure.start_date.isoformat(),
            "end_date": closure.end_date.isoformat(), "reason": closure.reason}


def _day(body: dict, field: str, required: bool = True) -> date | None:
    raw = body.get(field)
    if raw is None and not required:
        return None
    try:
        day = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(_("Date attendue au format AAAA-MM-JJ."), field=field,
                      code="invalid_date")
    return day


@bp.get("/merchant/shop/hours")
def merchant_hours():
    return jsonify(services.opening_hours_json(_shop()))


@bp.put("/merchant/shop/hours")
def merchant_set_hours():
    shop = _shop()
    body = json_object()
    unknown = sorted(set(body) - set(services.WEEKDAYS))
    if unknown:
        raise Invalid(_("Champ inconnu."), field=unknown[0], code="unknown_field")
    shop = services.set_opening_hours(shop.id, body)
    return jsonify(services.opening_hours_json(shop))


@bp.get("/merchant/shop/closures")
def merchant_closures():
    shop = _shop()
    return jsonify([closure_json(c)
                    for c in services.upcoming_closures(shop.id, local_today(clock()))])


@bp.post("/merchant/shop/closures")
def merchant_add_closure():
    shop = _shop()
    body = json_object()
    start = _day(body, "start_date")
    end = _day(body, "end_date", required=False) or start
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise Invalid(_("Un texte est attendu."), field="reason")
    closure = services.plan_closure(shop.id, start, end, reason, today=local_today(clock()))
    return jsonify(closure_json(closure)), 201


@bp.delete(f"/merchant/shop/closures/<{ID}:closure_id>")
def merchant_remove_closure(closure_id):
    services.remove_closure(_shop().id, closure_id)
    return "", 204


@bp.patch("/merchant/shop/pickup")
def merchant_pickup_settings():
    shop = _shop()
    shop = services.update_pickup_settings(shop.id, json_object())
    return jsonify(pickup_json(shop))
