"""The order's tracking page, reached by its secret token: its state kept current by the
page itself (a small JSON it polls), the pickup code and its QR code, the way to the shop,
the pickup in a calendar, and the cancel button."""
import hashlib

from flask import (Response, abort, current_app, flash, jsonify, redirect, render_template,
                   url_for)
from flask_babel import gettext as _

from app import clock, payments_provider
from app.delivery.failures import delivery_status
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.notify.conversation import FROM_SHOPPER, SENT_TO_SHOPPER
from app.orders import pickup_pass
from app.orders import services as orders
from app.orders.event_text import event_text
from app.orders.models import CANCELLED, ENDED_STATES
from app.orders.transitions import SHOPPER, STATE_LABELS, can
from app.photos.services import product_photos
from app.templating import page_when_label
from app.timeutil import iso
from app.web.forms import CancelOrderForm
from app.web.routes import bp

EVENT_LABELS = {**STATE_LABELS, "line_short": N_("article manquant"),
                "slot_moved": N_("créneau changé"), "refunded": N_("remboursement"),
                SENT_TO_SHOPPER: N_("message de la boutique"), FROM_SHOPPER: N_("votre réponse")}


def _tracked(token: str):
    try:
        return orders.tracked_order(token)
    except NotFound:
        abort(404)


def _cancellable(order) -> bool:
    # Shown while the service would accept it; cancel_by_shopper still has the last word.
    return can(order, CANCELLED, SHOPPER)


@bp.get("/suivi/<token>")
def tracking(token):
    order = _tracked(token)
    public_url = current_app.config["PUBLIC_URL"]
    return render_template("web/tracking.html", order=order, labels=STATE_LABELS,
                           event_labels=EVENT_LABELS, cancellable=_cancellable(order),
                           cancel_form=CancelOrderForm(), ended=order.status in ENDED_STATES,
                           qr_svg=pickup_pass.qr_svg(order, public_url),
                           map_url=pickup_pass.map_url(order.shop.address or order.shop.name),
                           poll_seconds=current_app.config["TRACKING_POLL_SECONDS"],
                           version=state_version(order),
                           delivery=delivery_status(order, clock()),
                           photos=product_photos(line.product_id for line in order.lines))


@bp.get("/suivi/<token>/etat")
def tracking_state(token):
    """What the open page needs to redraw itself; never cached (the state moves)."""
    order = _tracked(token)
    events = [{"label": _(EVENT_LABELS.get(e.type, e.type)).capitalize(),
               "note": event_text(e) or None, "at": page_when_label(e.at)}
              for e in order.events]
    response = jsonify(status=order.status, label=_(STATE_LABELS[order.status]),
                       cancellable=_cancellable(order), ended=order.status in ENDED_STATES,
                       slot={"start": iso(order.slot_start), "end": iso(order.slot_end),
                             "label": _("Retrait %(when)s",
                                        when=page_when_label(order.slot_start))},
                       events=events, version=state_version(order))
    response.headers["Cache-Control"] = "no-store"
    return response


def state_version(order) -> str:
    """Changes whenever what the page shows does (a new event, a moved slot): the page
    redraws only then, and starts from the version it was drawn with."""
    seen = f"{order.status}|{len(order.events)}|{iso(order.slot_start)}"
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


@bp.get("/suivi/<token>/retrait.ics")
def tracking_calendar(token):
    order = _tracked(token)
    if order.status in ENDED_STATES:
        abort(404)
    tracking_url = url_for(".tracking", token=token, _external=True)
    body = pickup_pass.calendar_event(
        order, now=clock(), summary=_("Retrait chez %(shop)s", shop=order.shop.name),
        description=_("Code de retrait : %(code)s. Suivi : %(url)s", code=order.pickup_code,
                      url=tracking_url))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="retrait-{order.id}.ics"'})


@bp.post("/suivi/<token>/annuler")
def cancel_order(token):
    order = _tracked(token)
    if CancelOrderForm().validate():
        try:
            orders.cancel_by_shopper(order.id, token, now=clock(), provider=payments_provider())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Commande annulée : elle ne vous sera pas débitée."), "success")
    return redirect(url_for(".tracking", token=token))
