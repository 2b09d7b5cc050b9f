"""The association's ledger: each capture split into the shop's share and the commission,
each refund reversing its part; and the shops' payout details.

The rounding rule, the only one: the association's commission on an order is always
    commission(net) = round half up of net × rate_bps / 10 000  (integer arithmetic)
of the order's NET collected amount (captured minus refunded so far), and the shop's
share is net − commission(net), so share + commission = net exactly.
A capture records commission(captured). A refund of r cents, after earlier refunds
bringing the net to n, reverses commission(n) − commission(n − r) of the commission and
the rest of r from the share: partial refunds therefore never drift by a cent, and an
order refunded in full (in one go or in pieces) ends at zero for both.
The rate is the one the sale was recorded with, even if the shop's rate changed since.
"""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from app.database import insert_ignore, unit_of_work
from app.errors import Invalid, NotFound
from app.extensions import db
from app.ledger.models import (COMMISSION, DELIVERY_FEE, REFUND_COMMISSION, REFUND_SHARE, SHARE,
                               AssociationEntry, LedgerEntry, Refund)
from app.orders.models import COLLECTED, Order
from app.payments.models import PaymentTransaction
from app.shops.models import Shop


def commission_of(amount_cents: int, rate_bps: int) -> int:
    """Round half up, in integers: no float ever touches money."""
    return (amount_cents * rate_bps + 5000) // 10000


def split(amount_cents: int, rate_bps: int) -> tuple[int, int]:
    """(share, commission) of a sale; they add up to amount_cents exactly."""
    commission = commission_of(amount_cents, rate_bps)
    return amount_cents - commission, commission


def refund_split(net_before: int, refund_cents: int, rate_bps: int) -> tuple[int, int]:
    """(share, commission) taken back by a refund of refund_cents from a net of net_before."""
    commission = (commission_of(net_before, rate_bps)
                  - commission_of(net_before - refund_cents, rate_bps))
    return refund_cents - commission, commission


def _add(shop_id: int, order_id: int, source: str, kind: str, amount: int, rate: int,
         at: datetime) -> None:
    # Unique (source, kind, shop): a second recording of the same movement adds nothing.
    db.session.execute(insert_ignore(LedgerEntry).values(
        shop_id=shop_id, order_id=order_id, source=source, kind=kind, amount_cents=amount,
        rate_bps=rate, at=at))


def record_sale(order: Order, amount_cents: int, *, source: str, at: datetime) -> None:
    """The order's collected amount, split at its shop's current rate."""
    rate = order.shop.commission_bps
    share, commission = split(amount_cents, rate)
    _add(order.shop_id, order.id, source, SHARE, share, rate, at)
    _add(order.shop_id, order.id, source, COMMISSION, commission, rate, at)


def voucher_source(checkout_id: int) -> str:
    return f"voucher:{checkout_id}"


def record_voucher_payment(checkout_id: int, collected: list[Order], voucher_cents: int, *,
                           at: datetime, fee_cents: int = 0) -> None:
    """What the town's vouchers paid of a checkout, as sales of its collected orders, in
    order id order (the association holds that money already: it sold the vouchers); what
    is left of it paid the delivery fee (`fee_cents`, owed only once delivered)."""
    left = voucher_cents
    for order in sorted(collected, key=lambda order: order.id):
        part = min(left, order.confirmed_total_cents)
        if part:
            record_sale(order, part, source=voucher_source(checkout_id), at=at)
        left -= part
    if min(left, fee_cents):
        record_fee(checkout_id, min(left, fee_cents), source=voucher_source(checkout_id), at=at)


def record_fee(checkout_id: int, amount_cents: int, *, source: str, at: datetime) -> None:
    """A delivery fee paid: the association's revenue, no shop's share, no commission."""
    db.session.execute(insert_ignore(AssociationEntry).values(
        checkout_id=checkout_id, source=source, kind=DELIVERY_FEE, amount_cents=amount_cents,
        at=at))


def fee_paid_cents(checkout_id: int, *, source: str | None = None) -> int:
    query = sa.select(sa.func.coalesce(sa.func.sum(AssociationEntry.amount_cents), 0)).where(
        AssociationEntry.checkout_id == checkout_id, AssociationEntry.kind == DELIVERY_FEE)
    if source is not None:
        query = query.where(AssociationEntry.source == source)
    return db.session.scalar(query)


def fees_between(start: datetime, end: datetime) -> int:
    """Delivery fees the association received in [start, end)."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(AssociationEntry.amount_cents), 0))
        .where(AssociationEntry.kind == DELIVERY_FEE, AssociationEntry.at >= start,
               AssociationEntry.at < end))


def _sold(order_id: int, source: str) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0))
                             .where(LedgerEntry.order_id == order_id, LedgerEntry.source == source,
                                    LedgerEntry.kind.in_((SHARE, COMMISSION))))


def order_voucher_paid(order: Order) -> int:
    return _sold(order.id, voucher_source(order.checkout_id))


def record_capture(capture: PaymentTransaction, at: datetime) -> None:
    """A capture succeeded: one sale per collected order of its checkout for what the card
    paid of it (its confirmed total less its voucher part), in the caller's transaction
    (the one that marks the capture succeeded)."""
    orders = db.session.scalars(sa.select(Order).where(
        Order.checkout_id == capture.checkout_id, Order.status == COLLECTED)
        .order_by(Order.id)).all()
    for order in orders:
        by_card = order.confirmed_total_cents - order_voucher_paid(order)
        if by_card:
            record_sale(order, by_card, source=f"capture:{capture.id}", at=at)
    # The delivery fee, once delivered, is in the capture too: the association's own line.
    from app.delivery.services import fee_due_cents
    fee = fee_due_cents(capture.checkout_id, delivered_only=True)
    fee_by_card = fee - fee_paid_cents(capture.checkout_id,
                                       source=voucher_source(capture.checkout_id))
    if fee_by_card > 0:
        record_fee(capture.checkout_id, fee_by_card, source=f"capture:{capture.id}", at=at)


def order_sale(order_id: int) -> tuple[int, int | None]:
    """(captured cents, rate) recorded for the order; (0, None) while nothing is captured."""
    row = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0),
                  sa.func.max(LedgerEntry.rate_bps))
        .where(LedgerEntry.order_id == order_id, LedgerEntry.kind.in_((SHARE, COMMISSION)))
    ).one()
    return row[0], row[1]


def order_refunded_in_ledger(order_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0))
                             .where(LedgerEntry.order_id == order_id,
                                    LedgerEntry.kind.in_((REFUND_SHARE, REFUND_COMMISSION))))


def record_refund(refund: Refund, at: datetime) -> None:
    """A refund succeeded at the provider. The caller holds the checkout's row lock, so two
    refunds of one order recorded at once still see each other's net."""
    order = db.session.get(Order, refund.order_id)
    captured, rate = order_sale(order.id)
    net_before = captured - order_refunded_in_ledger(order.id)
    share, commission = refund_split(net_before, refund.amount_cents, rate or 0)
    source = f"refund:{refund.id}"
    _add(order.shop_id, order.id, source, REFUND_SHARE, share, rate or 0, at)
    _add(order.shop_id, order.id, source, REFUND_COMMISSION, commission, rate or 0, at)


# --- the shops' payout details ----------------------------------------------------------

def check_iban(value: str | None, field: str = "iban") -> str:
    """The IBAN in its compact form, or Invalid naming the field (never a 500)."""
    try:
        return IBAN((value or "").strip()).compact
    except (SchwiftyException, ValueError):
        raise Invalid(_("IBAN invalide : vérifiez le pays, la clé et la longueur."),
                      field=field, code="invalid_iban") from None


def check_bic(value: str | None, field: str = "bic") -> str:
    try:
        return str(BIC((value or "").strip()).compact)
    except (SchwiftyException, ValueError):
        raise Invalid(_("BIC invalide : 8 ou 11 caractères, comme AGRIFRPP ou AGRIFRPP883."),
                      field=field, code="invalid_bic") from None


def bank_problem(shop: Shop) -> str | None:
    """Why the shop cannot be paid by transfer, or None when its details are sound."""
    if not shop.iban:
        return _("pas d'IBAN")
    try:
        check_iban(shop.iban)
        if shop.bic:
            check_bic(shop.bic)
    except Invalid as error:
        return error.message
    if not (shop.account_holder or "").strip():
        return _("titulaire du compte manquant")
    return None


def _any_shop(slug: str) -> Shop:
    """Published or not: the town sets a new shop's bank details before publishing it."""
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == (slug or "")))
    if shop is None:
        raise NotFound(_("Boutique introuvable."), field="slug")
    return shop


def set_bank_details(shop_slug: str, *, iban: str, bic: str | None,
                     account_holder: str) -> Shop:
    """Checked before anything is written: a typo never reaches a transfer file."""
    shop = _any_shop(shop_slug)
    iban_value = check_iban(iban)
    bic_value = check_bic(bic) if (bic or "").strip() else None
    holder = (account_holder or "").strip()
    if not holder:
        raise Invalid(_("Indiquez le titulaire du compte."), field="account_holder",
                      code="required")
    if len(holder) > 70:
        raise Invalid(_("70 caractères au plus."), field="account_holder")
    with unit_of_work():
        shop = db.session.get(Shop, shop.id)
        shop.iban, shop.bic, shop.account_holder = iban_value, bic_value, holder
    return shop


def set_commission(shop_slug: str, rate_bps) -> Shop:
    """Applies to sales captured from now on; recorded sales keep their rate."""
    if type(rate_bps) is not int or not 0 <= rate_bps <= 10000:
        raise Invalid(_("Commission en points de base, entre 0 et 10000 (500 = 5 %)."),
                      field="commission_bps")
    shop = _any_shop(shop_slug)
    with unit_of_work():
        shop = db.session.get(Shop, shop.id)
        shop.commission_bps = rate_bps
    return shop
