"""The town manager's page: every shop and the day's orders across the town."""
from flask import Blueprint, render_template, request

from app import clock
from app.accounts.access import staff_pages
from app.errors import Invalid
from app.manager.services import town_day
from app.merchant.services import adjacent_days, parse_day
from app.orders.transitions import STATE_LABELS
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
