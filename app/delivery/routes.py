"""The manager's delivery page (/gestion/livraison): zones, windows and couriers. Thin:
the forms check the shape, the services the rules, each refusal lands on its field."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.delivery.forms import CourierForm, WindowForm, ZoneForm, weekday_choices
from app.delivery.planning import active_couriers, create_courier
from app.delivery.services import (all_windows, all_zones, create_window, create_zone,
                                   delete_zone, set_window_active)
from app.errors import DomainError
from app.manager.routes import bp



def _forms(**given):
    forms = {"zone_form": ZoneForm(formdata=None, prefix="zone"),
             "window_form": WindowForm(formdata=None, prefix="window"),
             "courier_form": CourierForm(formdata=None, prefix="courier")}
    forms.update(given)
    for name in ("zone_form", "window_form"):
        forms[name].weekdays.choices = weekday_choices()
    return forms


def _render(status=200, **given):
    days = dict(weekday_choices())
    return render_template("manager/delivery.html", zones=all_zones(), windows=all_windows(),
                           couriers=active_couriers(), days=days, **_forms(**given)), status


def _refused(form, error: DomainError, default: str):
    target = form._fields.get(error.field or "", form._fields[default])
    target.errors = [*target.errors, error.message]


@bp.get("/livraison")
def delivery():
    return _render()


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
