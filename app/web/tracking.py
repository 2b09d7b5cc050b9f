"""The order's tracking page, reached by its secret token: its state at a glance (the
steps, what it means and what to do next, in the shopper's words), kept current by the
page itself (a small JSON it polls), the pickup code and its QR code (at the top once
ready), the way to the shop, the pickup in a calendar, the money as it stands, and the
cancel button that asks once."""
import hashlib

from flask import (Response, abort, current_app, flash, jsonify, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _

from app import clock, payments_provider
from app.delivery.failures import delivery_seen, delivery_status
from app.delivery.models import REQUEST_FAILED
from app.delivery.services import delivery_for_checkout
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.notify.conversation import FROM_SHOPPER, SENT_TO_SHOPPER
from app.merchant.services import order_payment
from app.orders import pickup_pass
from app.orders import services as orders
from app.orders.event_text import HOLD_STARTED, event_text
from app.orders.models import (CANCELLED, COLLECTED, CONFIRMED, ENDED_STATES, EXPIRED, NO_SHOW,
                               PENDING_PAYMENT, PLACED, READY, RELEASED_STATES)
from app.orders.transitions import SHOPPER, STATE_LABELS, can
from app.photos.services import product_photos
from app.templating import page_when_label, upper_first
from app.timeutil import iso
from app.web.forms import CancelOrderForm
from app.web.routes import bp

EVENT_LABELS = {**STATE_LABELS, "line_short": N_("article manquant"),
                "slot_moved": N_("créneau changé"), "refunded": N_("remboursement"),
                SENT_TO_SHOPPER: N_("message de la boutique"), FROM_SHOPPER: N_("votre réponse")}

# The shopper's words for the states: the hold behind a payment under way is the site's
# business, not theirs ("en attente de paiement (panier réservé)" reads like a problem).
SHOPPER_LABELS = {**STATE_LABELS, PENDING_PAYMENT: N_("paiement en cours")}
SHOPPER_EVENT_LABELS = {**EVENT_LABELS, PENDING_PAYMENT: N_("commande enregistrée")}
UNSAID = {HOLD_STARTED}  # event codes whose words are for the staff only

# The steps of a pickup as the shopper follows them; the other states end the order.
STEPS = (PLACED, CONFIRMED, READY, COLLECTED)
# What each state means for the shopper, and what to do next.
SAY = {
    PENDING_PAYMENT: N_("Votre paiement est en cours : la commande part à la boutique dès "
                        "que la banque l'accepte."),
    PLACED: N_("La boutique a reçu votre commande ; elle va vérifier les articles."),
    CONFIRMED: N_("La boutique a vérifié vos articles et prépare votre commande."),
    READY: N_("Votre commande vous attend chez %(shop)s : montrez votre code de retrait."),
    COLLECTED: N_("Vous avez retiré cette commande. Merci !"),
    CANCELLED: N_("Cette commande est annulée : rien ne vous sera débité pour elle."),
    EXPIRED: N_("Le paiement n'a pas été fait à temps : cette commande n'a pas été passée "
                "et rien ne vous a été débité."),
    NO_SHOW: N_("Cette commande n'a pas été retirée à temps : rien ne vous sera débité "
                "pour elle."),
}
# A basket brought home: the same steps, the last one said as it happens at the door.
HOME_LABELS = {**SHOPPER_LABELS, COLLECTED: N_("livrée")}
HOME_SAY = {**SAY,
            READY: N_("Votre commande est prête : le livreur passe la prendre chez %(shop)s "
                      "pour vous l'apporter."),
            COLLECTED: N_("Votre commande vous a été livrée. Merci !")}
NEXT = {
    CANCELLED: N_("Vous pouvez commander à nouveau chez %(shop)s quand vous voulez."),
    EXPIRED: N_("Pour commander, refaites votre panier chez %(shop)s."),
    NO_SHOW: N_("Une question ? Appelez %(shop)s."),
}


def steps(order) -> list[tuple[str, str]]:
    """(state, "done" | "current" | "todo") along STEPS; none current before payment.
    Empty once the order ended without a pickup: the page then says only that."""
    if order.status in RELEASED_STATES:
        return []
    reached = STEPS.index(order.status) if order.status in STEPS else -1
    return [(state, "current" if i == reached else "done" if i < reached else "todo")
            for i, state in enumerate(STEPS)]


def history(order) -> list[dict]:
    """The order's events in the shopper's words (staff-only words left out)."""
    return [{"label": upper_first(_(SHOPPER_EVENT_LABELS.get(e.type, e.type))),
             "note": (event_text(e) if e.code not in UNSAID else "") or None,
             "at": page_when_label(e.at)} for e in order.events]


def collected_at(order):
    return next((e.at for e in reversed(order.events) if e.to_status == COLLECTED), None)


def tracked_or_404(token: str):
    """The order its tracking token names, or the 404 page: for every shopper's page under
    /suivi/<token>."""
    try:
        return orders.tracked_order(token)
    except NotFound:
        abort(404)


def _cancellable(order) -> bool:
    # Shown while the service would accept it; cancel_by_shopper still has the last word.
    return can(order, CANCELLED, SHOPPER)


@bp.get("/suivi/<token>")
def tracking(token):
    order = tracked_or_404(token)
    public_url = current_app.config["PUBLIC_URL"]
    cancellable = _cancellable(order)
    home_delivery = delivery_for_checkout(order.checkout_id)  # read once for the page
    delivery = delivery_status(home_delivery, clock())
    home = delivery is not None and delivery.request.status != REQUEST_FAILED
    return render_template("web/tracking.html", order=order,
                           labels=HOME_LABELS if home else SHOPPER_LABELS,
                           steps=steps(order), say=(HOME_SAY if home else SAY)[order.status],
                           next_step=NEXT.get(order.status), history=history(order),
                           money=order_payment(order), collected_at=collected_at(order),
                           cancellable=cancellable, cancel_form=CancelOrderForm(),
                           # the confirmation asked again (a POST without it, no JS)
                           confirming=cancellable and "annuler" in request.args,
                           ended=order.status in ENDED_STATES,
                           released=order.status in RELEASED_STATES,
                           qr_svg=pickup_pass.qr_svg(order, public_url),
                           map_url=pickup_pass.map_url(order.shop.address or order.shop.name),
                           poll_seconds=current_app.config["TRACKING_POLL_SECONDS"],
                           version=state_version(order, home_delivery),
                           delivery=delivery,
                           photos=product_photos(line.product_id for line in order.lines))


@bp.get("/suivi/<token>/etat")
def tracking_state(token):
    """What the open page needs to redraw itself; never cached (the state moves)."""
    order = tracked_or_404(token)
    response = jsonify(status=order.status, label=_(SHOPPER_LABELS[order.status]),
                       cancellable=_cancellable(order), ended=order.status in ENDED_STATES,
                       slot={"start": iso(order.slot_start), "end": iso(order.slot_end),
                             "label": _("Retrait %(when)s",
                                        when=page_when_label(order.slot_start))},
                       events=history(order), version=state_version(
                           order, delivery_for_checkout(order.checkout_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


def state_version(order, home_delivery) -> str:
    """Changes whenever what the page shows does (a new event, a moved slot, the delivery's
    progress: `home_delivery`, the checkout's): the page redraws only then, and starts from
    the version it was drawn with."""
    seen = (f"{order.status}|{len(order.events)}|{iso(order.slot_start)}"
            f"|{delivery_seen(home_delivery)}")
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


@bp.get("/suivi/<token>/retrait.ics")
def tracking_calendar(token):
    order = tracked_or_404(token)
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
    """Cancels only with the confirmation's field (the button inside "Annuler la
    commande"); without it the page asks first. A second tap once cancelled changes
    nothing and says nothing more."""
    order = tracked_or_404(token)
    if not CancelOrderForm().validate() or order.status == CANCELLED:
        return redirect(url_for(".tracking", token=token))
    if request.form.get("confirm") != "yes" and _cancellable(order):
        return redirect(url_for(".tracking", token=token, annuler=1, _anchor="annuler"))
    try:
        orders.cancel_by_shopper(order.id, token, now=clock(), provider=payments_provider())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Commande annulée : elle ne vous sera pas débitée."), "success")
    return redirect(url_for(".tracking", token=token))
