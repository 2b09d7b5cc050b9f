"""`flask delivery …`: the day's rounds, planned from the command line."""
from datetime import date

import click
from flask.cli import AppGroup

from app import clock
from app.cli import _domain_errors
from app.delivery.planning import plan_day
from app.errors import Invalid
from app.delivery.models import Courier, DeliveryRequest
from app.extensions import db
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
    planned = plan_day(day, clock(), window_id=window_id)
    if not planned:
        click.echo(f"No delivery window on {day}.")
        return
    for window, result in planned:
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
