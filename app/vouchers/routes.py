"""Voucher pages: the manager's (/gestion/bons: list, issue, sell, print) and the
shopper's balance check (/bons/verifier), rate-limited per IP because it answers whether
a code exists."""
import segno
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app import clock
from app.accounts.access import staff_pages
from app.errors import DomainError, NotFound
from app.extensions import db, limiter
from app.json_body import peek_json_object
from app.money import euros
from app.numbers import small_int
from app.vouchers import codes, services
from app.vouchers.forms import BalanceForm, IssueForm, SaleForm
from app.vouchers.models import Voucher

bp = Blueprint("vouchers", __name__, url_prefix="/gestion/bons")
MAX_PAGE = 100_000  # pages of 50 vouchers: far beyond any town's, inside an OFFSET's range
staff_pages(bp, allow=lambda user: user.is_manager, otherwise="forbid")

balance_bp = Blueprint("voucher_balance", __name__)


def lookup_limit(*methods: str, codes_tried=None):
    """One budget per IP for every way of asking whether a code exists: the balance page
    and API (one code each), and a checkout spending vouchers (`codes_tried()` codes, the
    limit skipped when it tries none)."""
    return limiter.shared_limit(
        lambda: current_app.config["VOUCHER_LOOKUP_LIMIT"], scope="voucher-lookup",
        methods=list(methods), cost=codes_tried or 1,
        exempt_when=(lambda: codes_tried() == 0) if codes_tried else None,
        error_message=lambda: _("Trop de vérifications de bons depuis cette connexion ; "
                                "réessayez dans quelques minutes."))


def codes_in_checkout() -> int:
    """The voucher codes a checkout request tries: the API's "vouchers" list, or the
    checkout page's voucher field when the form is sent to reserve (not when a button only
    redraws the page: a line removed, the common window chosen)."""
    if request.is_json:
        tried = (peek_json_object() or {}).get("vouchers")
        if not isinstance(tried, list):
            return 0
        return sum(1 for code in tried if isinstance(code, str) and code.strip())
    if any(button in request.form for button in ("use_window", "remove_line", "reduce_line")):
        return 0
    return 1 if (request.form.get("voucher") or "").strip() else 0


def qr_svg(code: str) -> Markup:
    """The printed code as an inline SVG QR code: no image file, no outside request."""
    svg = segno.make(codes.display(code), error="m").svg_inline(scale=4, title=codes.display(code))
    return Markup(svg)


def _put_errors_on_fields(form, error: DomainError, fields: dict[str, str]) -> list[str]:
    """The service's error next to the field it names; otherwise at the top of the form."""
    name = fields.get(error.field or "")
    if name:
        getattr(form, name).errors = [*getattr(form, name).errors, error.message]
        return []
    return [error.message]


# --- the manager's pages ------------------------------------------------------------------


@bp.get("")
def index():
    page = small_int(request.args.get("page", "1"))
    if page is None or not 1 <= page <= MAX_PAGE:  # '²', 10**20: no such page
        abort(404)
    batch = request.args.get("lot") or None
    vouchers, has_next = services.list_vouchers(batch=batch, page=page)
    now = clock()
    rows = [(v, services.STATE_LABELS[services.voucher_state(v, now)]) for v in vouchers]
    return render_template("vouchers/index.html", rows=rows, page=page, has_next=has_next,
                           batch=batch, display=codes.display)


@bp.route("/emettre", methods=["GET", "POST"])
def issue():
    form, errors, status = IssueForm(), [], 200
    if form.validate_on_submit():
        try:
            issued = services.issue_vouchers(
                form.count.data, form.amount.data, form.expires_on.data,
                actor=current_user.email, now=clock())
        except DomainError as error:
            errors = _put_errors_on_fields(form, error, {
                "count": "count", "amount_cents": "amount", "expires_on": "expires_on"})
        else:
            flash(_("%(n)s bons de %(amount)s émis (lot %(batch)s).", n=len(issued),
                    amount=euros(issued[0].amount_cents), batch=issued[0].batch), "success")
            return redirect(url_for("vouchers.index", lot=issued[0].batch))
    if request.method == "POST":
        status = 400
    return render_template("vouchers/issue.html", form=form, errors=errors), status


@bp.route("/vente", methods=["GET", "POST"])
def sale():
    form, errors, status = SaleForm(), [], 200
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        try:
            done = services.record_sale(
                form.code.data, buyer_name=form.buyer_name.data, paid_cents=form.paid.data,
                method=form.method.data, actor=current_user.email, now=clock())
        except DomainError as error:
            errors = _put_errors_on_fields(form, error, {
                "code": "code", "buyer_name": "buyer_name", "paid_cents": "paid",
                "method": "method"})
        else:
            flash(_("Vente du bon %(code)s enregistrée : %(paid)s.",
                    code=codes.display(done.voucher.code), paid=euros(done.paid_cents)),
                  "success")
            return redirect(url_for("vouchers.index", lot=done.voucher.batch))
    if request.method == "POST":
        status = 400
    return render_template("vouchers/sale.html", form=form, errors=errors), status


@bp.get("/<int:voucher_id>/imprimer")
def print_voucher(voucher_id: int):
    voucher = db.session.get(Voucher, voucher_id) or abort(404)
    return _print([voucher])


@bp.get("/lots/<batch>/imprimer")
def print_batch(batch: str):
    try:
        return _print(services.batch_vouchers(batch))
    except NotFound:
        abort(404)


def _print(vouchers):
    return render_template("vouchers/print.html", cards=[
        (v, codes.display(v.code), qr_svg(v.code)) for v in vouchers])


# --- the shopper's balance check ----------------------------------------------------------


@balance_bp.route("/bons/verifier", methods=["GET", "POST"])
@lookup_limit("POST")
def check_balance():
    form, balance, status = BalanceForm(), None, 200
    if form.validate_on_submit():
        try:
            balance = services.lookup_balance(form.code.data, ip=request.remote_addr or "?",
                                              now=clock())
        except DomainError as error:
            form.code.errors = [*form.code.errors, error.message]
            status = error.status
    elif request.method == "POST":
        status = 400
    return render_template("vouchers/balance.html", form=form, balance=balance,
                           labels=services.STATE_LABELS), status


@balance_bp.errorhandler(429)
def too_many_lookups(error):
    return render_template("vouchers/too_many.html", message=error.description), 429
