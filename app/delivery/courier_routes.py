"""The courier's phone page, /tournee/<token>: plain forms that work without JavaScript,
each action answered by a redirect back to its stop (so a reload sends nothing again),
a refusal shown next to its field on the stop it is about. And, on the tracking page, the
shopper's new window after a failed delivery."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import clock, payments_provider
from app.delivery import courier
from app.delivery.failures import reschedule
from app.delivery.services import delivery_for_checkout
from app.errors import DomainError, Invalid, NotFound
from app.i18n import N_
from app.photos.uploads import takes_upload
from app.web.routes import bp
from app.web.tracking import tracked_or_404


def _card(token):
    try:
        return courier.round_card(token)
    except NotFound:
        abort(404)


def _page(token, status=200, errors=None):
    card = _card(token)
    response = render_template("delivery/round.html", card=card, errors=errors or {},
                               fail_labels=courier.FAIL_LABELS,
                               reasons=courier.FAIL_REASONS)
    return response, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@bp.get("/tournee/<token>")
def courier_round(token):
    return _page(token)


def _act(token, stop_id, action, done_message):
    try:
        done = action()
    except NotFound:
        abort(404)
    except DomainError as error:
        status = 409 if error.status == 409 else 422
        return _page(token, status, {stop_id: {error.field or "stop": error.message}})
    flash(_(done_message), "success")
    return redirect(url_for(".courier_round", token=token, _anchor=f"arret-{done.stop.id}"))


@bp.post("/tournee/<token>/arrets/<int:stop_id>/recupere")
def courier_pickup(token, stop_id):
    return _act(token, stop_id, lambda: courier.pickup(token, stop_id, clock()),
                N_("Commande récupérée."))


@bp.post("/tournee/<token>/arrets/<int:stop_id>/livre")
def courier_deliver(token, stop_id):
    upload = request.files.get("photo")
    photo = upload.read() if upload and upload.filename else None
    return _act(token, stop_id, lambda: courier.deliver(
        token, stop_id, clock(), code=request.form.get("code"), photo=photo,
        payments=payments_provider()), N_("Livraison enregistrée."))


takes_upload("web.courier_deliver")


@bp.post("/tournee/<token>/arrets/<int:stop_id>/echec")
def courier_fail(token, stop_id):
    return _act(token, stop_id, lambda: courier.fail(
        token, stop_id, clock(), reason=request.form.get("reason") or "",
        note=request.form.get("note")), N_("Échec enregistré : le client est prévenu."))


@bp.post("/suivi/<token>/livraison")
def reschedule_delivery(token):
    """The shopper's new window after a failed delivery (when that is the rule)."""
    order = tracked_or_404(token)
    delivery = delivery_for_checkout(order.checkout_id)
    if delivery is None:
        abort(404)
    try:
        window_id, day = _window_choice(request.form.get("window") or "")
        reschedule(delivery.id, window_id, day, clock())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Nouveau créneau de livraison enregistré."), "success")
    return redirect(url_for(".tracking", token=token))


def _window_choice(value: str) -> tuple[int, date]:
    """"12:2026-11-25" -> (12, date(2026, 11, 25))."""
    try:
        window, day = value.split(":", 1)
        return int(window), date.fromisoformat(day)
    except ValueError:
        raise Invalid(_("Choisissez un créneau."), field="window", code="required") from None
