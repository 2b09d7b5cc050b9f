"""The manager's money pages: monthly payout statements (CSV, SEPA file), refunds on any
shop's order, a shop's bank details and commission. Thin: the rules are in the services."""
from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from app import clock, payments_provider
from app.accounts.access import staff_pages
from app.errors import DomainError, Invalid
from app.extensions import db
from app.ledger import services
from app.ledger.forms import BankForm, refund_field_name, refund_form, refund_lines
from app.ledger.refunds import order_money, refund_order
from app.ledger.sepa import credit_transfer_xml, debtor_from_config
from app.ledger.statements import build_statements, parse_period, period_of, statements_csv
from app.money import euros
from app.orders.models import Order
from app.orders.transitions import STATE_LABELS
from app.shops.models import Shop

bp = Blueprint("ledger", __name__, url_prefix="/gestion")
staff_pages(bp, allow=lambda user: user.is_manager, otherwise="forbid")


def manager_actor() -> str:
    return f"manager:{current_user.id}"


def _period_or_400():
    try:
        return parse_period(request.args.get("period") or period_of(clock())), None
    except Invalid as error:
        return parse_period(period_of(clock())), error.message


@bp.get("/reversements")
def statements():
    period, error = _period_or_400()
    built = build_statements(period)
    return render_template("ledger/statements.html", statements=built,
                           errors=[error] if error else []), 400 if error else 200


@bp.get("/reversements.csv")
def statements_download():
    period, error = _period_or_400()
    if error:
        abort(400, error)
    body = statements_csv(build_statements(period, with_lines=False))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="reversements-{period.label}.csv"'})


@bp.get("/reversements/sepa.xml")
def sepa_download():
    period, error = _period_or_400()
    if error:
        abort(400, error)
    built = build_statements(period, with_lines=False)
    try:
        xml = credit_transfer_xml(built, debtor_from_config(current_app.config), now=clock())
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(url_for("ledger.statements", period=period.label))
    return Response(xml, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="virements-{period.label}.xml"'})


def _order_or_404(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        abort(404)
    return order


def _render_order(order, form=None, status=200):
    money = order_money(order)
    return render_template("ledger/order.html", order=order, money=money,
                           state_label=STATE_LABELS[order.status],
                           refund_form=form or refund_form(money, formdata=None),
                           refund_field=refund_field_name), status


@bp.get("/commandes/<int:order_id>")
def order(order_id: int):
    return _render_order(_order_or_404(order_id))


@bp.post("/commandes/<int:order_id>/rembourser")
def refund(order_id: int):
    order = _order_or_404(order_id)
    money = order_money(order)
    form = refund_form(money)
    if not form.validate():
        return _render_order(order, form, 422)
    try:
        done = refund_order(order.id, reason=form.reason.data, actor=manager_actor(),
                            lines=refund_lines(form, money), now=clock(),
                            provider=payments_provider())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("ledger.order", order_id=order_id))
    flash(_("Remboursement de %(amount)s enregistré ; le client est prévenu par SMS.",
            amount=euros(done.amount_cents)), "success")
    return redirect(url_for("ledger.order", order_id=order_id))


@bp.route("/boutiques/<slug>/banque", methods=["GET", "POST"])
def bank(slug: str):
    shop = db.session.scalar(db.select(Shop).where(Shop.slug == slug))
    if shop is None:
        abort(404)
    form = BankForm(obj=shop) if request.method == "GET" else BankForm()
    if request.method == "POST" and form.validate():
        try:
            services.set_bank_details(slug, iban=form.iban.data, bic=form.bic.data,
                                      account_holder=form.account_holder.data)
            services.set_commission(slug, form.commission_bps.data)
        except DomainError as error:
            getattr(form, error.field, form.iban).errors.append(error.message)
        else:
            flash(_("Coordonnées bancaires de %(shop)s enregistrées.", shop=shop.name), "success")
            return redirect(url_for("ledger.bank", slug=slug))
    status = 422 if request.method == "POST" else 200
    return render_template("ledger/bank.html", shop=shop, form=form,
                           problem=services.bank_problem(shop)), status
