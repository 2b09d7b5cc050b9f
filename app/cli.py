"""Operator commands (`flask --app wsgi …`): thin callers of the services."""
import json
import sys
from functools import wraps
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import clock
from app.errors import DomainError
from app.timeutil import iso, parse_instant


def _domain_errors(fn):
    """A refused command prints why, with the field, and exits 1 (no traceback)."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as error:
            field = f" [{error.field}]" if error.field else ""
            click.echo(f"Error{field}: {error.message}", err=True)
            sys.exit(1)
    return wrapper


demo = AppGroup("demo", help="The demo town.")
users = AppGroup("users", help="Merchant and manager accounts.")
shops = AppGroup("shops", help="The town's shops.")
products = AppGroup("products", help="Shop catalogues.")
jobs = AppGroup("jobs", help="Scheduled sweeps.")
sms = AppGroup("sms", help="The SMS outbox.")


@demo.command("seed")
def demo_seed():
    """Create the demo town (idempotent) and print its accounts."""
    from app.demo.seed import DEMO_PASSWORD, seed_demo
    accounts = seed_demo()
    click.echo(f"Demo town ready: {current_app.config['TOWN_NAME']}")
    click.echo(f"Accounts (password for all: {DEMO_PASSWORD}):")
    for role, email, shop in accounts:
        click.echo(f"  {role:<9} {email}" + (f"  (shop {shop})" if shop else ""))


@users.command("create")
@click.option("--role", type=click.Choice(["merchant", "manager"]), required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--shop", "shop_slug", help="The merchant's shop slug.")
@_domain_errors
def users_create(role, email, password, shop_slug):
    from app.accounts.services import create_user
    user = create_user(email=email, password=password, role=role, shop_slug=shop_slug)
    click.echo(f"Created {user.role} {user.email}")


@shops.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--address", default="")
@click.option("--phone", default="")
@click.option("--slot-minutes", type=click.IntRange(5, 240), default=15)
@click.option("--seats", type=click.IntRange(1, 100), default=4)
@click.option("--prep-minutes", type=click.IntRange(0, 2880), default=60)
@click.option("--hold-minutes", type=click.IntRange(1, 120), default=15)
@_domain_errors
def shops_create(slug, name, address, phone, slot_minutes, seats, prep_minutes, hold_minutes):
    """Create a shop open Monday to Saturday 09:00-19:00 (hours editable afterwards)."""
    from app.shops.services import create_shop
    shop = create_shop(slug=slug, name=name, address=address, phone=phone,
                       slot_minutes=slot_minutes, seats_per_slot=seats,
                       prep_minutes=prep_minutes, hold_minutes=hold_minutes)
    click.echo(f"Created shop {shop.slug}")


@shops.command("locate")
@click.option("--again", is_flag=True, help="Also the shops already located.")
def shops_locate(again):
    """Find each shop's place from its address (the town's geocoder), for search engines."""
    from app import geocoder
    from app.seo.places import locate_shops
    click.echo(f"Located {locate_shops(geocoder(), again=again)} shop(s)")


@products.command("import")
@click.option("--shop", "shop_slug", required=True)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_domain_errors
def products_import(shop_slug, file):
    """Import or update products from a CSV file (name, price, stock, sku, description)."""
    from app.catalog.importer import import_products
    from app.shops.services import get_shop
    report = import_products(get_shop(shop_slug), file.read_bytes())
    click.echo(f"{report.created} created, {report.updated} updated")


@jobs.command("run-once")
@click.option("--at", "at", help="ISO-8601 instant to run as (default: now).")
def jobs_run_once(at):
    """Run every sweep once; one line per sweep with the number of items handled."""
    from app.jobs.sweeps import run_once
    try:
        now = parse_instant(at) if at else clock()
    except ValueError:
        raise click.BadParameter("ISO-8601 expected, e.g. 2026-11-23T09:00:00+01:00",
                                 param_hint="--at") from None
    reports = run_once(now, sms=current_app.extensions["comptoir.sms"],
                       payments=current_app.extensions["comptoir.payments"])
    for report in reports:
        click.echo(f"{report.name}: {report.handled}"
                   + (" (failed: see the log)" if report.failed else ""))
    if any(report.failed for report in reports):  # the others ran; the operator must know
        sys.exit(1)


@jobs.command("scheduler")
def jobs_scheduler():
    """Run the sweeps forever (APScheduler)."""
    from app.jobs.scheduler import run_scheduler
    run_scheduler(current_app._get_current_object())


@sms.command("list")
@click.option("--to", "to", help="Only messages to this phone number.")
@click.option("--limit", default=200, show_default=True)
@_domain_errors
def sms_list(to, limit):
    """The outbox, newest first, one JSON object per line."""
    from app.notify.services import outbox
    from app.phone import normalize_phone
    for message in outbox(to=normalize_phone(to, field="--to") if to else None, limit=limit):
        click.echo(json.dumps({"to": message.to, "body": message.body, "status": message.status,
                               "kind": message.kind, "order_id": message.order_id,
                               "created_at": iso(message.created_at), "id": message.id,
                               "segments": message.segments, "attempts": message.attempts,
                               "send_after": iso(message.send_after),
                               "sent_at": iso(message.sent_at),
                               "status_at": iso(message.status_at),
                               "provider_ref": message.provider_ref, "error": message.error,
                               "error_code": message.error_code}, ensure_ascii=False))


def register_cli(app: Flask) -> None:
    for group in (demo, users, shops, products, jobs, sms):
        app.cli.add_command(group)
    from app.ledger.cli import payouts  # imports _domain_errors from here
    app.cli.add_command(payouts)
    from app.delivery.cli import delivery
    app.cli.add_command(delivery)
