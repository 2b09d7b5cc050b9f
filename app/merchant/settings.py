"""The shop's settings page, from a phone: weekly hours with a lunch break, exceptional
closures, pickup settings, the shop's presentation; the next slots offered shown beside
them, so each change is seen at once.

Registers on the merchant blueprint (and its access guard) when imported; the changes go
through the same services as the JSON API (app/shops/services.py)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from app import clock
from app.errors import DomainError
from app.extensions import db
from app.merchant.routes import bp
from app.merchant.settings_forms import (PERIODS_ON_PAGE, ClosureForm, PickupForm,
                                         hours_field_name, hours_form, hours_week,
                                         profile_form)
from app.pickup.services import next_bookable_slots
from app.shops import services
from app.shops.holidays import HOLIDAY_CODES, holiday_names
from app.templating import page_day_label
from app.shops.services import PICKUP_BOUNDS, WEEKDAYS
from app.timeutil import local_today

PREVIEW_DAYS = 3


def _holidays(today) -> list[tuple[str, str]]:
    """Each public holiday with its name and next date, in the page's language."""
    language = "en_US" if str(get_locale() or "fr").startswith("en") else "fr"
    coming = {}
    for year in (today.year + 1, today.year):  # this year's date wins when still to come
        for code, (day, name) in holiday_names(year, language).items():
            if day >= today or code not in coming:
                coming[code] = (day, name)
    return [(code, f"{coming[code][1]} ({page_day_label(coming[code][0])})")
            for code in HOLIDAY_CODES]


def _profile_form(shop, **kwargs):
    form = profile_form(_holidays(local_today(clock())), **kwargs)
    if kwargs.get("formdata", True) is None:
        form.kind.data = shop.kind
        form.description.data = shop.description
        form.holidays_open.data = [c for c in (shop.holiday_openings or "").split(",") if c]
    return form


def _hours_field(service_field: str | None) -> str | None:
    """'tuesday[1].opens' (the service's name) -> 'tuesday_1_opens' (the form's)."""
    if not service_field:
        return None
    day, _sep, rest = service_field.partition("[")
    if day not in WEEKDAYS:
        return None
    if not rest:
        return hours_field_name(day, 0, "opens")
    index, _sep, end = rest.partition("].")
    return hours_field_name(day, int(index), end or "opens") if index.isdigit() else None


def _render(*, hours=None, pickup=None, closure=None, profile=None, logo=None, status=200):
    from app.merchant.photos import LogoForm
    shop = current_user.shop
    now = clock()
    return render_template(
        "merchant/settings.html", shop=shop,
        hours_form=hours or hours_form(shop, formdata=None),
        pickup_form=pickup or PickupForm(obj=shop, formdata=None),
        closure_form=closure or ClosureForm(formdata=None),
        profile_form=profile or _profile_form(shop, formdata=None),
        logo_form=logo or LogoForm(formdata=None),
        closures=services.upcoming_closures(shop.id, local_today(now)),
        days=WEEKDAYS, periods=range(PERIODS_ON_PAGE),
        field_name=hours_field_name, bounds=PICKUP_BOUNDS,
        preview=next_bookable_slots(shop, now, days=PREVIEW_DAYS)), status


def _refused(form, field: str | None, error: DomainError, section: str, status=None):
    """A service's refusal shown on its field (or above the form), nothing written."""
    db.session.rollback()
    if field and field in form:
        form[field].errors = [*form[field].errors, error.message]
    else:
        form.form_errors.append(error.message)
    return _render(**{section: form}, status=status or error.status)


@bp.get("/reglages")
def settings():
    return _render()


@bp.post("/reglages/horaires")
def settings_hours():
    form = hours_form(current_user.shop)
    if not form.validate():
        return _render(hours=form, status=422)
    try:
        services.set_opening_hours(current_user.shop_id, hours_week(form))
    except DomainError as error:
        return _refused(form, _hours_field(error.field), error, "hours")
    flash(_("Horaires enregistrés : les créneaux proposés suivent."), "success")
    return redirect(url_for("merchant.settings", _anchor="horaires"))


@bp.post("/reglages/retrait")
def settings_pickup():
    form = PickupForm()
    if not form.validate():
        return _render(pickup=form, status=422)
    changes = {name: form[name].data for name in services.PICKUP_FIELDS}
    try:
        services.update_pickup_settings(current_user.shop_id, changes)
    except DomainError as error:
        return _refused(form, error.field, error, "pickup")
    flash(_("Réglages du retrait enregistrés."), "success")
    return redirect(url_for("merchant.settings", _anchor="retrait"))


@bp.post("/reglages/fermetures")
def settings_add_closure():
    form = ClosureForm()
    if not form.validate():
        return _render(closure=form, status=422)
    start = form.start_date.data
    try:
        services.plan_closure(current_user.shop_id, start, form.end_date.data or start,
                              form.reason.data or "", today=local_today(clock()))
    except DomainError as error:
        return _refused(form, error.field, error, "closure")
    flash(_("Fermeture enregistrée : aucun créneau ces jours-là."), "success")
    return redirect(url_for("merchant.settings", _anchor="fermetures"))


@bp.post("/reglages/fermetures/<int:closure_id>/retirer")
def settings_remove_closure(closure_id: int):
    try:
        services.remove_closure(current_user.shop_id, closure_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Fermeture retirée."), "success")
    return redirect(url_for("merchant.settings", _anchor="fermetures"))


@bp.post("/reglages/profil")
def settings_profile():
    form = _profile_form(current_user.shop)
    if not form.validate():
        return _render(profile=form, status=422)
    try:
        services.update_profile(current_user.shop_id, description=form.description.data or "",
                                kind=form.kind.data or "",
                                holiday_openings=form.holidays_open.data or [])
    except DomainError as error:
        return _refused(form, error.field, error, "profile")
    flash(_("Présentation enregistrée."), "success")
    return redirect(url_for("merchant.settings", _anchor="profil"))
