"""The shop's pages: the day's queue and one order (confirm, ready, collect, cancel)."""
from flask import (Blueprint, abort, current_app, flash, jsonify, make_response, redirect,
                   render_template, request, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from app import clock, payments_provider
from app.accounts.access import staff_pages
from app.errors import DomainError, Invalid, NotFound
from app.merchant import services
from app.merchant.forms import (CancelForm, MessageForm, confirm_form, line_field_name,
                                slot_form)
from app.ledger.forms import refund_field_name, refund_form, refund_lines
from app.ledger.refunds import order_money, refund_order
from app.money import euros
from app.notify.conversation import (conversation, frame_length, message_shopper, not_told,
                                     one_sms_room)
from app.orders import services as orders
from app.orders.models import CANCELLED, COLLECTED, OPEN_STATES
from app.orders.requests import parse_slot_move
from app.orders.transitions import STATE_LABELS
from app.templating import when_label
from app.timeutil import local, local_today

bp = Blueprint("merchant", __name__, url_prefix="/marchand")
# The manager has no queue of its own: send them to the town's figures.
staff_pages(bp, allow=lambda user: not user.is_manager, otherwise="redirect")


QUEUE_POLL_SECONDS = 10  # default of the QUEUE_POLL_SECONDS setting (tests make it short)


def _queue_args():
    """?date= and ?status= of the queue, its page, its list and its state alike."""
    today = local_today(clock())
    errors, status = [], 200
    try:
        day = services.parse_day(request.args.get("date"), today)
    except Invalid as error:
        errors.append(error.message)
        day, status = today, 400
    try:
        state = services.parse_status(request.args.get("status"))
    except Invalid as error:
        errors.append(error.message)
        state, status = None, 400
    return today, day, state, errors, status


@bp.get("")
def queue():
    today, day, state, errors, status = _queue_args()
    queue = services.shop_queue(current_user.shop_id, day, state)
    previous_day, next_day = services.adjacent_days(day)
    return render_template(
        "merchant/queue.html", queue=queue, errors=errors, today=today,
        shop=current_user.shop, states=[(s, STATE_LABELS[s]) for s in services.QUEUE_STATES],
        previous_day=previous_day, next_day=next_day,
        live=services.queue_state(current_user.shop_id, day, state),
        pinned_day=day.isoformat() if request.args.get("date") else None,
        poll_seconds=current_app.config.get("QUEUE_POLL_SECONDS", QUEUE_POLL_SECONDS)), status


@bp.get("/liste")
def queue_list():
    """The queue's list alone, server-rendered, for the open page to swap in when its
    state's version moved."""
    today, day, state, errors, status = _queue_args()
    if errors:
        abort(400)
    response = make_response(render_template(
        "merchant/_queue_list.html", queue=services.shop_queue(current_user.shop_id, day, state),
        live=services.queue_state(current_user.shop_id, day, state)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/etat")
def queue_state():
    """The open queue's poll: its version and counts, 304 while nothing changed."""
    today, day, state, errors, status = _queue_args()
    if errors:
        return jsonify(error={"code": "invalid", "message": errors[0], "field": None}), 400
    live = services.queue_state(current_user.shop_id, day, state)
    response = jsonify(version=live.version, to_do=live.to_do, done=live.done,
                       day=day.isoformat())
    response.set_etag(live.version)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response.make_conditional(request)


def _order_or_404(order_id: int):
    try:
        return services.shop_order(order_id, current_user.shop_id)
    except NotFound:
        abort(404)


def _render_order(order, *, confirm=None, cancel=None, refund=None, message=None,
                  slot=None, handover=None, status=200):
    actions = services.allowed_actions(order)
    money = order_money(order) if order.status == COLLECTED else None
    return render_template(
        "merchant/order.html", order=order, actions=actions,
        entry=services.queue_entry(order, not_told([order.id]).get(order.id)),
        message_form=message or MessageForm(formdata=None),
        one_sms_room=one_sms_room(order), frame_length=frame_length(order),
        conversation=conversation(order.id),
        confirm_form=(confirm or confirm_form(order, formdata=None)) if "confirm" in actions
        else None,
        cancel_form=cancel or CancelForm(formdata=None),
        slot_form=(slot or slot_form(services.move_choices(order, clock()), formdata=None))
        if order.status in OPEN_STATES else None,
        event_labels=services.EVENT_LABELS,
        sms_kinds=services.SMS_KIND_LABELS, sms_statuses=services.SMS_STATUS_LABELS,
        line_field=lambda line: line_field_name(line.id),
        queue_day=local(order.slot_start).date(), money=money,
        refund_form=refund or (refund_form(money, formdata=None) if money else None),
        refund_field=refund_field_name,
        refund_action=url_for("merchant.refund", order_id=order.id),
        payment=services.order_payment(order),
        handover=handover or _handover_typed(request.args.get("code"), False)), status


def _handover_typed(code: str | None, without_code: bool, error: str | None = None) -> dict:
    """The collect form as typed (or as the shopper's QR code filled it through ?code=)."""
    code = (code or "").strip()
    return {"code": code if code.isdigit() and len(code) <= 8 else "",
            "without_code": without_code, "error": error}


def _back(order_id: int, *, keep_code: bool = True):
    """Back to the order page, with the code its QR code brought (?code=) until handover."""
    code = _handover_typed(request.args.get("code"), False)["code"] if keep_code else ""
    return redirect(url_for("merchant.order", order_id=order_id, code=code or None))


def _refused(order_id: int, error: DomainError):
    flash(error.message, "error")
    return _back(order_id)


@bp.get("/commandes/<int:order_id>")
def order(order_id: int):
    return _render_order(_order_or_404(order_id))


@bp.post("/commandes/<int:order_id>/confirmer")
def confirm(order_id: int):
    order = _order_or_404(order_id)
    form = confirm_form(order)
    if not form.validate():
        if "confirm" not in services.allowed_actions(order):
            # A form left open in another tab: its errors no longer matter, the state does.
            flash(_("Cette commande est %(state)s : plus rien à confirmer.",
                    state=_(STATE_LABELS[order.status])), "error")
            return _back(order_id)
        return _render_order(order, confirm=form, status=422)
    quantities = [(line.id, form[line_field_name(line.id)].data) for line in order.lines]
    try:
        order = orders.confirm_lines(order.id, current_user.shop_id, quantities, now=clock(),
                                     provider=payments_provider())
    except DomainError as error:
        return _refused(order_id, error)
    if order.status == CANCELLED:
        flash(_("Aucun article disponible : commande annulée, le client est prévenu par SMS "
                "et ne sera pas débité."), "info")
    else:
        flash(_("Commande confirmée, le client est prévenu par SMS. Total : %(total)s.",
                total=euros(order.confirmed_total_cents)), "success")
    return _back(order_id)


# Ready and collect are bare buttons: CSRFProtect checks their token before we get here.
@bp.post("/commandes/<int:order_id>/prete")
def ready(order_id: int):
    _order_or_404(order_id)
    try:
        orders.mark_ready(order_id, current_user.shop_id, now=clock())
    except DomainError as error:
        return _refused(order_id, error)
    flash(_("Commande prête : le client est prévenu par SMS."), "success")
    return _back(order_id)


@bp.post("/commandes/<int:order_id>/remise")
def collect(order_id: int):
    order = _order_or_404(order_id)
    already = order.status == COLLECTED
    code = (request.form.get("pickup_code") or "").strip() or None
    without_code = request.form.get("without_code") == "1"
    if code is None and not without_code and not already:
        # The code is what tells the shop it is handing over to the right person.
        return _render_order(order, status=422, handover=_handover_typed(None, False, _(
            "Saisissez le code de retrait du client, ou cochez la case si vous avez vérifié "
            "son identité.")))
    try:
        order = orders.collect(order_id, current_user.shop_id, now=clock(),
                               provider=payments_provider(), pickup_code=code,
                               without_code=without_code)
    except Invalid as error:
        if error.field != "pickup_code":
            return _refused(order_id, error)
        return _render_order(order, status=422,
                             handover=_handover_typed(code, without_code, error.message))
    except DomainError as error:
        return _refused(order_id, error)
    if already:
        flash(_("Cette commande a déjà été remise au client : rien n'a été débité une "
                "seconde fois."), "info")
    else:
        flash(_handover_said(services.order_payment(order)), "success")
    return _back(order_id, keep_code=False)


def _handover_said(payment: services.OrderPayment) -> str:
    """The handover's message, from the same reading as the page's payment panel."""
    if payment.state == services.TAKEN:
        return _("Commande remise au client. Montant débité : %(total)s.",
                 total=euros(payment.taken_cents))
    if payment.state == services.WAITING_BASKET:
        return _("Commande remise au client. %(total)s seront débités quand les autres "
                 "commandes du même panier seront terminées.", total=euros(payment.to_take_cents))
    if payment.state == services.REFUSED:
        return _("Commande remise au client, mais la banque a refusé le débit de %(total)s.",
                 total=euros(payment.to_take_cents))
    return _("Commande remise au client. Débit de %(total)s en cours.",
             total=euros(payment.to_take_cents))


@bp.post("/commandes/<int:order_id>/creneau")
def move_slot(order_id: int):
    order = _order_or_404(order_id)
    form = slot_form(services.move_choices(order, clock()))
    if not form.validate():
        return _render_order(order, slot=form, status=422)
    try:
        order = orders.move_slot(order_id, parse_slot_move({"slot": form.slot.data}),
                                 shop_id=current_user.shop_id,
                                 actor=orders.shop_actor(current_user.shop_id), now=clock())
    except DomainError as error:
        if error.field == "slot":  # taken meanwhile, or no longer offered
            form.slot.errors.append(error.message)
            return _render_order(order, slot=form, status=error.status)
        return _refused(order_id, error)
    flash(_("Créneau changé : retrait %(when)s. Le client est prévenu par SMS.",
            when=when_label(order.slot_start)), "success")
    return _back(order_id)


@bp.post("/commandes/<int:order_id>/annuler")
def cancel(order_id: int):
    order = _order_or_404(order_id)
    form = CancelForm()
    if not form.validate():
        return _render_order(order, cancel=form, status=422)
    try:
        orders.cancel_by_shop(order_id, current_user.shop_id, form.reason.data, now=clock(),
                              provider=payments_provider())
    except DomainError as error:
        if error.field == "reason":
            form.reason.errors.append(error.message)
            return _render_order(order, cancel=form, status=422)
        return _refused(order_id, error)
    flash(_("Commande annulée : le client est prévenu par SMS et ne sera pas débité."),
          "success")
    return _back(order_id)


@bp.post("/commandes/<int:order_id>/rembourser")
def refund(order_id: int):
    order = _order_or_404(order_id)
    money = order_money(order)
    form = refund_form(money)
    if not form.validate():
        return _render_order(order, refund=form, status=422)
    try:
        done = refund_order(order_id, shop_id=current_user.shop_id, reason=form.reason.data,
                            actor=orders.shop_actor(current_user.shop_id),
                            lines=refund_lines(form, money), now=clock(),
                            provider=payments_provider())
    except DomainError as error:
        return _refused(order_id, error)
    flash(_("Remboursement de %(amount)s enregistré ; le client est prévenu par SMS.",
            amount=euros(done.amount_cents)), "success")
    return _back(order_id)


@bp.post("/commandes/<int:order_id>/message")
def message(order_id: int):
    order = _order_or_404(order_id)
    form = MessageForm()
    if not form.validate():
        return _render_order(order, message=form, status=422)
    try:
        sent = message_shopper(order_id, form.text.data, shop_id=current_user.shop_id,
                               actor=orders.shop_actor(current_user.shop_id), now=clock())
    except DomainError as error:
        if error.field == "text":
            form.text.errors.append(error.message)
            return _render_order(order, message=form, status=422)
        return _refused(order_id, error)
    flash(_("Message envoyé au client (%(n)s SMS).", n=sent.segments), "success")
    return _back(order_id)


from app.merchant import catalogue  # noqa: E402,F401  the catalogue page; the product card price helper
from app.merchant import settings  # noqa: E402,F401  the shop's settings page
