"""Refunds after collection: whole, per line or a plain amount, by the shop or the manager.

A refund is checked and written under the checkout's row lock (the lock every writer of an
order takes first), so two refunds at once cannot both take the same captured euros; it is
carried out at the provider after commit, like a settlement, under the key "refund:<id>"."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import unit_of_work
from app.errors import Conflict, Invalid
from app.extensions import db
from app.ledger.models import FAILED, PENDING, PROCESSING, SUCCEEDED, Refund, RefundLine
from app.ledger.services import order_sale, order_voucher_paid, record_refund
from app.money import euros
from app.notify import texts
from app.orders.services import lock_order
from app.notify.services import queue_sms
from app.orders.models import COLLECTED, Order, OrderLine
from app.orders.transitions import record_event
from app.payments.models import (CAPTURE, REFUND, SUCCEEDED as CAPTURE_SUCCEEDED, PaymentJob,
                                 PaymentTransaction)
from app.payments.providers import PaymentProvider
from app.payments.services import add_job, on_job_outcome

# Refunds that hold (or held) captured money: only a refund the provider refused for good
# gives its amount back to what can still be refunded.
HOLDING = (PENDING, PROCESSING, SUCCEEDED)


@dataclass
class RefundableLine:
    line: OrderLine
    refundable: int  # units still refundable: confirmed minus those refunded


@dataclass
class OrderMoney:
    """What a page shows next to the refund form, straight from the database."""
    captured_cents: int      # paid by card and captured
    refunded_cents: int      # pending, processing or succeeded refunds
    voucher_cents: int       # paid with the town's vouchers: not refunded to a card
    lines: list[RefundableLine]
    refunds: list[Refund]

    @property
    def refundable_cents(self) -> int:
        return self.captured_cents - self.refunded_cents


def _holding_refunds(order_id: int):
    return sa.select(Refund).where(Refund.order_id == order_id, Refund.status.in_(HOLDING))


def order_money(order: Order) -> OrderMoney:
    # Only card money goes back to a card: the part the town's vouchers paid is not
    # refundable here (the association would issue a new voucher for it).
    by_voucher = order_voucher_paid(order)
    captured = order_sale(order.id)[0] - by_voucher
    refunds = list(db.session.scalars(sa.select(Refund).where(Refund.order_id == order.id)
                                      .order_by(Refund.id)))
    holding = [refund.id for refund in refunds if refund.status in HOLDING]
    refunded_units = dict(db.session.execute(
        sa.select(RefundLine.order_line_id, sa.func.sum(RefundLine.quantity))
        .where(RefundLine.refund_id.in_(holding)).group_by(RefundLine.order_line_id)).all())
    lines = [RefundableLine(line, (line.confirmed_quantity or 0) - refunded_units.get(line.id, 0))
             for line in order.lines] if captured else []
    return OrderMoney(captured_cents=captured, voucher_cents=by_voucher,
                      refunded_cents=sum(r.amount_cents for r in refunds if r.status in HOLDING),
                      lines=lines, refunds=refunds)


def _check_reason(reason) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise Invalid(_("Indiquez la raison du remboursement."), field="reason", code="required")
    if len(reason) > 300:
        raise Invalid(_("300 caractères au plus."), field="reason")
    return reason


def _line_amounts(money: OrderMoney, lines) -> tuple[int, list[tuple[OrderLine, int]]]:
    by_id = {entry.line.id: entry for entry in money.lines}
    chosen, seen = [], set()
    for i, (line_id, quantity) in enumerate(lines):
        entry = by_id.get(line_id)
        if entry is None or line_id in seen:
            raise Invalid(_("Ligne inconnue dans cette commande."), field=f"lines[{i}].id",
                          code="unknown_line")
        seen.add(line_id)
        if type(quantity) is not int or quantity < 0:
            raise Invalid(_("Quantité à rembourser entre 0 et %(n)s.", n=entry.refundable),
                          field=f"lines[{i}].quantity")
        if quantity > entry.refundable:
            raise Invalid(_("Quantité à rembourser entre 0 et %(n)s.", n=entry.refundable),
                          field=f"lines[{i}].quantity", code="over_refund")
        if quantity:
            chosen.append((entry.line, quantity))
    if not chosen:
        raise Invalid(_("Choisissez au moins un article à rembourser."), field="lines",
                      code="required")
    return sum(line.unit_price_cents * q for line, q in chosen), chosen


def refund_order(order_id: int, *, reason: str, actor: str, now: datetime,
                 provider: PaymentProvider, shop_id: int | None = None,
                 lines: list[tuple[int, int]] | None = None,
                 amount_cents: int | None = None) -> Refund:
    """Refund part or all of a collected order. `lines` [(order line id, quantity)] or
    `amount_cents`; neither refunds everything still refundable. `shop_id` None is the
    manager (any shop). Never more than captured minus earlier refunds."""
    reason = _check_reason(reason)
    if lines is not None and amount_cents is not None:
        raise Invalid(_("Remboursez soit des articles, soit un montant, pas les deux."),
                      field="amount_cents")
    if amount_cents is not None and (type(amount_cents) is not int or amount_cents <= 0):
        raise Invalid(_("Montant en centimes, supérieur à zéro."), field="amount_cents")
    with unit_of_work(payments=provider):
        order = lock_order(order_id, shop_id)
        if order.status != COLLECTED:
            raise Conflict(_("Seule une commande retirée peut être remboursée."),
                           code="invalid_state", field="status")
        money = order_money(order)
        if not money.captured_cents:
            raise Conflict(_("Le paiement de ce panier n'est pas encore encaissé : "
                             "remboursez une fois toutes ses commandes terminées."),
                           code="not_captured", field="status")
        chosen = []
        if lines is not None:
            amount, chosen = _line_amounts(money, lines)
            field = "lines"
        elif amount_cents is not None:
            amount, field = amount_cents, "amount_cents"
        else:
            amount, field = money.refundable_cents, "amount_cents"
        if amount <= 0 or amount > money.refundable_cents:
            raise Conflict(_("Remboursement refusé : il reste %(left)s remboursables sur "
                             "%(captured)s encaissés.", left=euros(money.refundable_cents),
                             captured=euros(money.captured_cents)),
                           code="over_refund", field=field)
        capture = db.session.scalar(sa.select(PaymentTransaction).where(
            PaymentTransaction.checkout_id == order.checkout_id,
            PaymentTransaction.kind == CAPTURE, PaymentTransaction.status == CAPTURE_SUCCEEDED))
        refund = Refund(order_id=order.id, checkout_id=order.checkout_id, capture_id=capture.id,
                        amount_cents=amount, reason=reason, actor=actor, status=PENDING,
                        created_at=now)
        db.session.add(refund)
        db.session.flush()
        for line, quantity in chosen:
            db.session.add(RefundLine(refund_id=refund.id, order_line_id=line.id,
                                      quantity=quantity, amount_cents=line.unit_price_cents * quantity))
        record_event(order, "refunded", actor=actor, now=now, note=reason, code="refunded",
                     params={"amount_cents": amount})
        add_job(checkout_id=order.checkout_id, kind=REFUND, amount_cents=amount,
                provider=capture.provider, provider_ref=capture.provider_ref,
                refund_id=refund.id, idempotency_key=f"refund:{refund.id}", now=now)
        queue_sms(to=order.customer.phone, kind="refund", order_id=order.id,
                  shop_id=order.shop_id, now=now,
                  dedupe_key=f"refund:{refund.id}",
                  body=texts.refunded(order, amount, reason))
    db.session.refresh(refund)  # as the provider's answer, after commit, left it
    return refund


@on_job_outcome
def _refund_outcome(job: PaymentJob, attempt: PaymentTransaction, final: bool,
                    now: datetime) -> None:
    """A refund's try, in its unit of work: success writes the ledger's reversal; a
    refusal for good gives its amount back to what can still be refunded."""
    if job.kind != REFUND:
        return
    if attempt.status == CAPTURE_SUCCEEDED:
        values = dict(status=SUCCEEDED, done_at=now, error=None,
                      provider_ref=(attempt.provider_ref or "")[:200] or None)
        record_refund(db.session.get(Refund, job.refund_id), now)
    elif final:
        values = dict(status=FAILED, done_at=now, error=attempt.error)
    else:
        values = dict(error=attempt.error)
    db.session.execute(sa.update(Refund).where(Refund.id == job.refund_id).values(**values)
                       .execution_options(synchronize_session=False))
