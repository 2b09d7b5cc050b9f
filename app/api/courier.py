"""The courier's side of the API: a round and its stop actions, reached by the round's
secret token in the path (the link the manager sends; no account). The same services as
the phone page (app/delivery/courier.py); each action answers the stop as it now is, the
same however often it is sent."""
from flask import jsonify, request
from flask_babel import gettext as _

from app import clock, payments_provider
from app.api import bp
from app.api.inputs import ID, json_object
from app.delivery import courier
from app.delivery.services import window_bounds
from app.errors import Invalid
from app.photos.services import MAX_BYTES
from app.photos.uploads import takes_upload
from app.timeutil import iso

TOKEN = "string(maxlength=64)"


def _stop_json(stop: courier.StopCard) -> dict:
    return {"id": stop.id, "position": stop.position, "kind": stop.kind,
            "expected_at": iso(stop.expected_at), "done": stop.done, "name": stop.name,
            "address": stop.address, "phone": stop.phone or None, "lat": stop.lat,
            "lon": stop.lon, "ready": stop.ready, "outcome": stop.outcome,
            "parcels": stop.parcels}


def _round_json(token: str) -> dict:
    card = courier.round_card(token)
    start, end = window_bounds(card.window, card.day)
    return {"id": card.id, "status": card.status, "day": card.day.isoformat(),
            "window": {"start": iso(start), "end": iso(end)}, "courier": card.courier,
            "stops": [_stop_json(s) for s in card.stops]}


def _stop_answer(token: str, stop_id: int):
    card = courier.round_card(token)
    return jsonify(next(_stop_json(s) for s in card.stops if s.id == stop_id))


@bp.get(f"/courier/rounds/<{TOKEN}:token>")
def courier_round(token):
    return jsonify(_round_json(token))


@bp.post(f"/courier/rounds/<{TOKEN}:token>/stops/<{ID}:stop_id>/pickup")
def courier_pickup(token, stop_id):
    courier.pickup(token, stop_id, clock())
    return _stop_answer(token, stop_id)


@bp.post(f"/courier/rounds/<{TOKEN}:token>/stops/<{ID}:stop_id>/deliver")
def courier_deliver(token, stop_id):
    """JSON {"code"}, or multipart/form-data with `code` or `photo` (the shopper absent)."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("photo")
        photo = upload.read(MAX_BYTES + 1) if upload is not None else None
        code = request.form.get("code")
    else:
        body = json_object()
        code, photo = body.get("code"), None
        if not isinstance(code, str):
            raise Invalid(_("Le code du client, en chiffres."), field="code", code="required")
    courier.deliver(token, stop_id, clock(), code=code, photo=photo,
                    payments=payments_provider())
    return _stop_answer(token, stop_id)


takes_upload("api.courier_deliver")


@bp.post(f"/courier/rounds/<{TOKEN}:token>/stops/<{ID}:stop_id>/fail")
def courier_fail(token, stop_id):
    body = json_object()
    reason, note = body.get("reason"), body.get("note")
    if not isinstance(reason, str):
        raise Invalid(_("Choisissez une raison."), field="reason", code="required")
    if note is not None and not isinstance(note, str):
        raise Invalid(_("Un texte."), field="note")
    courier.fail(token, stop_id, clock(), reason=reason, note=note)
    return _stop_answer(token, stop_id)
