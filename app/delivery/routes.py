"""The manager's delivery page (/gestion/livraison): zones, windows and couriers. Thin:
the forms check the shape, the services the rules, each refusal lands on its field."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import clock

from app.delivery.courier import FAIL_LABELS, proof_photo
from app.delivery.failures import failed_rule, set_failed_rule
from app.delivery.messages import courier_link
from app.delivery.rounds_admin import send_round_link
from app.delivery.forms import CourierForm, WindowForm, ZoneForm, weekday_choices
from app.delivery.planning import active_couriers, create_courier, plan_day, rounds_of
from app.delivery.services import (all_windows, all_zones, create_window, create_zone,
                                   delete_zone, set_window_active)
from app.errors import DomainError
from app.manager.routes import bp
from app.merchant.services import parse_day
from app.photos.routes import FILE_NAME
from app.timeutil import local_today



def _forms(**given):
    forms = {"zone_form": ZoneForm(formdata=None, prefix="zone"),
             "window_form": WindowForm(formdata=None, prefix="window"),
             "courier_form": CourierForm(formdata=None, prefix="courier")}
    forms.update(given)
    for name in ("zone_form", "window_form"):
        forms[name].weekdays.choices = weekday_choices()
    return forms


def _render(status=200, *, day=None, plan_errors=(), **given):
    days = dict(weekday_choices())
    day = day or local_today(clock())
    return render_template("manager/delivery.html", zones=all_zones(), windows=all_windows(),
                           couriers=active_couriers(), days=days, day=day,
                           rounds=rounds_of(day), plan_errors=list(plan_errors),
                           failed_rule=failed_rule(), courier_link=courier_link,
                           fail_labels=FAIL_LABELS,
                           **_forms(**given)), status


def _refused(form, error: DomainError, default: str):
    target = form._fields.get(error.field or "", form._fields[default])
    target.errors = [*target.errors, error.message]


@bp.get("/livraison")
def delivery():
    """The zones, windows and couriers; the rounds of ?date= (today by default)."""
    try:
        day = parse_day(request.args.get("date"), local_today(clock()))
    except DomainError as error:
        return _render(400, plan_errors=[error.message])
    return _render(day=day)


@bp.post("/livraison/tournees")
def plan():
    """Plan (or replan) the day's rounds: a started round is kept as it is."""
    try:
        day = parse_day(request.form.get("date"), local_today(clock()))
    except DomainError as error:
        return _render(422, plan_errors=[error.message])
    try:
        planned = plan_day(day, clock())
    except DomainError as error:
        return _render(422, day=day, plan_errors=[error.message])
    left = sum(len(result.unassigned) for _window, result in planned)
    if not planned:
        flash(_("Pas de créneau de livraison ce jour-là."), "info")
    elif left:
        flash(_("Tournées planifiées ; %(n)s livraison(s) n'ont pu entrer dans aucune : "
                "ajoutez un livreur ou proposez un autre créneau.", n=left), "error")
    else:
        flash(_("Tournées planifiées."), "success")
    return redirect(url_for("manager.delivery", date=day.isoformat()))


@bp.post("/livraison/zones")
def add_zone():
    form = ZoneForm(prefix="zone")
    form.weekdays.choices = weekday_choices()
    if form.validate():
        try:
            create_zone(name=form.name.data, postcodes=form.postcodes.data,
                        radius_m=form.radius_m.data, fee_cents=form.fee.data,
                        free_above_cents=form.free_above.data,
                        min_basket_cents=form.min_basket.data or 0, weekdays=form.weekdays.data)
        except DomainError as error:
            _refused(form, error, "name")
        else:
            flash(_("Zone de livraison ajoutée."), "success")
            return redirect(url_for("manager.delivery"))
    return _render(422, zone_form=form)


@bp.post("/livraison/zones/<int:zone_id>/supprimer")
def remove_zone(zone_id):
    try:
        delete_zone(zone_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Zone de livraison supprimée."), "success")
    return redirect(url_for("manager.delivery"))


@bp.post("/livraison/creneaux")
def add_window():
    form = WindowForm(prefix="window")
    form.weekdays.choices = weekday_choices()
    if form.validate():
        try:
            create_window(weekdays=form.weekdays.data, starts=form.starts.data,
                          ends=form.ends.data, drops=form.drops.data,
                          cutoff_days_before=form.cutoff_days_before.data,
                          cutoff_time=form.cutoff_time.data)
        except DomainError as error:
            _refused(form, error, "starts")
        else:
            flash(_("Créneau de livraison ajouté."), "success")
            return redirect(url_for("manager.delivery"))
    return _render(422, window_form=form)


@bp.post("/livraison/creneaux/<int:window_id>/<any(activer, suspendre):action>")
def toggle_window(window_id, action):
    try:
        set_window_active(window_id, action == "activer")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("manager.delivery"))


@bp.post("/livraison/livreurs")
def add_courier():
    form = CourierForm(prefix="courier")
    if form.validate():
        try:
            create_courier(name=form.name.data, phone=form.phone.data,
                           capacity=form.capacity.data)
        except DomainError as error:
            _refused(form, error, "name")
        else:
            flash(_("Livreur ajouté."), "success")
            return redirect(url_for("manager.delivery"))
    return _render(422, courier_form=form)


@bp.post("/livraison/tournees/<int:round_id>/envoyer")
def send_round(round_id):
    """The round's secret link to the courier's phone, through the SMS outbox."""
    try:
        sent = send_round_link(round_id, clock())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Lien envoyé au livreur par SMS.") if sent else
              _("Lien déjà envoyé à ce livreur."), "success")
    return redirect(url_for("manager.delivery", date=request.form.get("date") or None))


@bp.post("/livraison/echec")
def set_failure_rule():
    """What follows a failed delivery: collect in the shop, or choose another window."""
    try:
        set_failed_rule(request.form.get("failed_rule") or "")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Règle enregistrée."), "success")
    return redirect(url_for("manager.delivery"))


@bp.get("/livraison/preuves/<name>")
def delivery_proof(name):
    """A courier's proof-of-delivery photo, for the town's staff only (never cached by a
    shared cache, never under the public /photos address)."""
    data = proof_photo(name) if FILE_NAME.fullmatch(name) else None
    if data is None:
        abort(404)
    return Response(data, mimetype="image/webp",
                    headers={"Cache-Control": "private, no-store",
                             "X-Content-Type-Options": "nosniff"})
