"""`flask payouts …`: the month's statements, the SEPA transfer file, shops' bank details."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app import clock
from app.cli import _domain_errors
from app.ledger import services
from app.ledger.sepa import credit_transfer_xml, debtor_from_config
from app.ledger.statements import build_statements, parse_period
from app.money import euros

payouts = AppGroup("payouts", help="What the association owes each shop.")


def _period(value):
    return parse_period(value)


@payouts.command("statement")
@click.option("--period", required=True, help="The month, e.g. 2026-11 (town time).")
@click.option("--shop", "shop_slug", help="Only this shop.")
@click.option("--lines/--no-lines", default=True, show_default=True,
              help="Print the sales and refunds behind each total.")
@_domain_errors
def statement(period, shop_slug, lines):
    """Per shop: collected, refunded, commission, net owed; then the lines."""
    statements = build_statements(_period(period), shop_slug=shop_slug, with_lines=lines)
    click.echo(f"Statement {statements.period.label}")
    for s in statements.shops:
        payable = "payable" if s.payable else (
            f"not payable: {s.bank_problem}" if s.net_cents > 0 else "nothing to pay")
        vouchers = f" (vouchers {euros(s.vouchers_cents)})" if s.vouchers_cents else ""
        click.echo(f"{s.shop.slug}: gross {euros(s.gross_cents)}{vouchers} · refunds "
                   f"{euros(s.refunds_cents)} · commission {euros(s.commission_cents)} · "
                   f"net {euros(s.net_cents)} ({payable})")
        for line in s.lines if lines else ():
            label = "refund" if line.is_refund else "sale"
            click.echo(f"  {line.at.isoformat(timespec='seconds')} order {line.order_id} "
                       f"{label} {euros(line.amount_cents)} commission "
                       f"{euros(line.commission_cents)} share {euros(line.share_cents)}")
    click.echo(f"Total: gross {euros(statements.total('gross_cents'))} · refunds "
               f"{euros(statements.total('refunds_cents'))} · commission "
               f"{euros(statements.total('commission_cents'))} · net "
               f"{euros(statements.total('net_cents'))}")


@payouts.command("sepa")
@click.option("--period", required=True, help="The month, e.g. 2026-11.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@_domain_errors
def sepa(period, out):
    """Write the month's transfers (pain.001.001.03) for the association's bank."""
    statements = build_statements(_period(period), with_lines=False)
    xml = credit_transfer_xml(statements, debtor_from_config(current_app.config), now=clock())
    out.write_bytes(xml)
    click.echo(f"{len(statements.payable)} transfers, "
               f"{euros(sum(s.net_cents for s in statements.payable))} -> {out}")
    for s in statements.not_payable:
        click.echo(f"NOT PAYABLE {s.shop.slug}: {euros(s.net_cents)} ({s.bank_problem})")


@payouts.command("bank")
@click.option("--shop", "shop_slug", required=True)
@click.option("--iban", required=True)
@click.option("--bic", default="")
@click.option("--holder", "account_holder", required=True)
@_domain_errors
def bank(shop_slug, iban, bic, account_holder):
    """Set a shop's bank account (IBAN and BIC checked)."""
    shop = services.set_bank_details(shop_slug, iban=iban, bic=bic,
                                     account_holder=account_holder)
    click.echo(f"{shop.slug}: {shop.iban} {shop.bic or ''}".rstrip())


@payouts.command("commission")
@click.option("--shop", "shop_slug", required=True)
@click.option("--bps", type=int, required=True, help="Basis points: 500 = 5 %.")
@_domain_errors
def commission(shop_slug, bps):
    """Set a shop's commission rate for sales captured from now on."""
    shop = services.set_commission(shop_slug, bps)
    click.echo(f"{shop.slug}: {shop.commission_bps} bps")
