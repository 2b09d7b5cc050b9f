"""`flask delivery …`: the day's rounds, planned from the command line."""
from datetime import date

import click
from flask.cli import AppGroup

from app import clock
from app.cli import _domain_errors
from app.delivery.planning import active_couriers, plan_rounds
from app.delivery.services import all_windows
from app.errors import Invalid
from app.extensions import db
from app.delivery.models import Courier, DeliveryRequest
from app.timeutil import local

delivery = AppGroup("delivery", help="Home delivery: rounds.")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("Date expected as YYYY-MM-DD.", field="date") from None


@delivery.command("plan")
@click.option("--date", "day", required=True, help="The day, YYYY-MM-DD (town time).")
@click.option("--window", "window_id", type=int, help="Only this window (id).")
@_domain_errors
def plan(day, window_id):
    """Plan (or replan) the day's rounds for every active courier, and print them."""
    day = _day(day)
    couriers = active_couriers()
    windows = [w for w in all_windows() if w.active and str(day.weekday()) in w.weekdays
               and (window_id is None or w.id == window_id)]
    if not windows:
        click.echo(f"No delivery window on {day}.")
        return
    for window in windows:
        result = plan_rounds(day, window.id, couriers, clock())
        click.echo(f"Window {window.starts:%H:%M}-{window.ends:%H:%M} on {day}: "
                   f"{len(result.rounds)} round(s), planned in {result.seconds * 1000:.0f} ms")
        for round_ in result.rounds:
            courier = db.session.get(Courier, round_.courier_id)
            click.echo(f"  {courier.name}: {len(round_.stops)} stops, "
                       f"{round_.distance_m / 1000:.1f} km ({round_.status})")
            for stop in round_.stops:
                request = db.session.get(DeliveryRequest, stop.request_id)
                where = (f"shop #{stop.shop_id}" if stop.kind == "pickup"
                         else click.unstyle(request.label))
                click.echo(f"    {stop.position:>2}. {local(stop.expected_at):%H:%M} "
                           f"{stop.kind:<8} request #{request.id} {where}")
        if result.unassigned:
            click.echo(f"  Not planned (no courier in time): "
                       f"{', '.join(f'#{i}' for i in result.unassigned)}")
