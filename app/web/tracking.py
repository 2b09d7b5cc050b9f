"""The order's tracking page, reached by its secret token, and its cancel button."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app import clock, payments_provider
from app.errors import DomainError, NotFound
from app.orders import services as orders
from app.orders.models import PENDING_PAYMENT, PLACED
from app.i18n import N_
from app.orders.transitions import STATE_LABELS
from app.web.forms import CancelOrderForm
from app.web.routes import bp

EVENT_LABELS = {**STATE_LABELS, "line_short": N_("article manquant")}


def _tracked(token: str):
    try:
        return orders.tracked_order(token)
    except NotFound:
        abort(404)


@bp.get("/suivi/<token>")
def tracking(token):
    order = _tracked(token)
    # Shown while the service would accept it; cancel_by_shopper still has the last word.
    cancellable = order.status in (PENDING_PAYMENT, PLACED)
    return render_template("web/tracking.html", order=order, labels=STATE_LABELS,
                           event_labels=EVENT_LABELS, cancellable=cancellable,
                           cancel_form=CancelOrderForm())


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
