"""The town manager's pages: every shop and the day's orders across the town; the SMS
figures and the promotional campaigns."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import clock
from app.accounts.access import staff_pages
from app.errors import DomainError, Invalid
from app.manager.forms import CampaignForm
from app.manager.services import MAX_HOLDS_SHOWN, pending_holds, town_day
from app.merchant.services import adjacent_days, parse_day
from app.notify.figures import sms_figures
from app.notify.promotions import preview_campaign, queue_campaign, recipients_count
from app.notify.timing import next_promo_moment
from app.orders.transitions import STATE_LABELS
from app.templating import MONTH_NAMES, when_label
from app.timeutil import local_today

bp = Blueprint("manager", __name__, url_prefix="/gestion")
staff_pages(bp, allow=lambda user: user.is_manager, otherwise="forbid")


@bp.get("")
def dashboard():
    today = local_today(clock())
    errors, status = [], 200
    try:
        day = parse_day(request.args.get("date"), today)
    except Invalid as error:
        errors.append(error.message)
        day, status = today, 400
    previous_day, next_day = adjacent_days(day)
    return render_template(
        "manager/dashboard.html", town=town_day(day), today=today, errors=errors,
        labels=STATE_LABELS, previous_day=previous_day, next_day=next_day), status


@bp.get("/paniers")
def holds():
    """Who holds what: checkouts waiting for payment, the largest first."""
    return render_template("manager/holds.html", holds=pending_holds(clock()),
                           most=MAX_HOLDS_SHOWN)


def _render_sms(form: CampaignForm, preview=None, status=200):
    now = clock()
    return render_template(
        "manager/sms.html", months=sms_figures(now), form=form, preview=preview,
        recipients=preview.recipients if preview else recipients_count(),
        send_at=next_promo_moment(now), now=now, month_names=MONTH_NAMES), status


@bp.get("/sms")
def sms():
    return _render_sms(CampaignForm(formdata=None))


@bp.post("/sms/campagne")
def campaign():
    """First "preview" (the SMS as it goes, its segments, its recipients), then "send"."""
    form = CampaignForm()
    if not form.validate():
        return _render_sms(form, status=422)
    try:
        preview = preview_campaign(form.text.data)
        if request.form.get("action") != "send":
            return _render_sms(form, preview)
        queued = queue_campaign(form.text.data, now=clock())
    except DomainError as error:
        form.text.errors.append(error.message)
        return _render_sms(form, status=422)
    if queued:
        flash(_("%(n)s SMS programmés pour %(when)s.", n=queued,
                when=when_label(next_promo_moment(clock()))), "success")
    elif preview.recipients:
        flash(_("Cette campagne est déjà programmée : aucun SMS en double."), "info")
    else:
        flash(_("Aucun client n'a accepté les SMS promotionnels : rien n'est parti."), "info")
    return redirect(url_for("manager.sms"))
