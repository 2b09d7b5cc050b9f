"""The town manager's pages: every shop and the day's orders across the town; the SMS
figures and the promotional campaigns."""
from babel.dates import get_day_names
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app import clock
from app.accounts.access import staff_pages
from app.errors import DomainError, Invalid
from app.figures import charts
from app.figures.services import (HOUR_COLUMNS, ORDER_STATES, SHOP_COLUMNS, SHOPPER_COLUMNS,
                                  SHORT_COLUMNS, SMS_COLUMNS, TOTAL_COLUMNS, VOUCHER_COLUMNS,
                                  change, compare, hour_table, parse_period, presets,
                                  short_table, shop_table, shopper_table, sms_table,
                                  totals_table, voucher_table)
from app.manager.forms import CampaignForm
from app.manager.services import MAX_HOLDS_SHOWN, pending_holds, town_day
from app.merchant.services import adjacent_days, parse_day
from app.notify.figures import sms_figures
from app.notify.promotions import preview_campaign, queue_campaign, recipients_count
from app.notify.timing import next_promo_moment
from app.orders.transitions import STATE_LABELS
from app.spreadsheet import csv_text
from app.templating import when_label
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


def _weekdays() -> list[str]:
    names = get_day_names("wide", locale=str(get_locale() or "fr"))
    return [names[d] for d in range(7)]


def _period():
    """The period asked for (from/to), or the last 7 days with a message on bad input."""
    try:
        return parse_period(request.args.get("from"), request.args.get("to"), clock()), []
    except Invalid as error:
        return parse_period(None, None, clock()), [error.message]


@bp.get("/chiffres")
def figures():
    """A period's figures, compared with the one before (from the daily aggregates)."""
    period, errors = _period()
    comparison = compare(period)
    weekdays = _weekdays()
    current = comparison.current
    return render_template(
        "manager/figures.html", c=comparison, period=period, errors=errors, states=ORDER_STATES,
        labels=STATE_LABELS, change=change, weekdays=weekdays,
        presets=presets(local_today(clock())),
        heatmap=charts.heatmap(current.hours, weekdays),
        bars=charts.bars([(row.name, row.orders) for row in current.shops])
    ), 400 if errors else 200


# The page's tables as CSV: ?table= name -> (columns, rows, file name). Shops is the default.
CSV_TABLES = {
    "shops": (SHOP_COLUMNS, shop_table, "boutiques"),
    "short_lines": (SHORT_COLUMNS, short_table, "manquants"),
    "vouchers": (VOUCHER_COLUMNS, voucher_table, "bons"),
    "shoppers": (SHOPPER_COLUMNS, shopper_table, "clients"),
    "sms": (SMS_COLUMNS, sms_table, "sms"),
    "totals": (TOTAL_COLUMNS, totals_table, "resume"),
}


@bp.get("/chiffres.csv")
def figures_csv():
    """Every table of the page as CSV: table=shops (default), hours, short_lines, vouchers,
    shoppers, sms or totals."""
    period, errors = _period()
    if errors:
        return Response("\n".join(errors), status=400, mimetype="text/plain")
    table = request.args.get("table") or "shops"
    if table == "hours":
        header = HOUR_COLUMNS
        rows = hour_table(compare(period).current, _weekdays())
        name = "heures"
    elif table in CSV_TABLES:
        header, rows_of, name = CSV_TABLES[table]
        rows = rows_of(compare(period))
    else:
        header, rows, name = SHOP_COLUMNS, shop_table(compare(period)), "boutiques"
    body = csv_text(header, rows)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="chiffres-{name}-{period.start}-{period.end}.csv"'})


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
        send_at=next_promo_moment(now), now=now), status


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
