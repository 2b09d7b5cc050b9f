"""Property: whatever the orders, rates, short confirmations and refunds, the statements
reconcile to the cent with what was captured minus what was refunded, and each order's
share + commission is exactly what was captured for it."""
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import DomainError
from app.extensions import db
from app.ledger.models import COMMISSION, SHARE, LedgerEntry, Refund
from app.ledger.refunds import order_money, refund_order
from app.ledger.services import commission_of
from app.ledger.statements import build_statements, parse_period
from app.orders.models import COLLECTED, Order
from app.payments.models import CAPTURE, SUCCEEDED, PaymentTransaction
from tests.conftest import _empty_tables
from tests.factories import make_product, make_shop, place_order
from tests.ledger.helpers import collect_all

PRICES = st.integers(min_value=1, max_value=9_999)
RATES = st.one_of(st.sampled_from([0, 1, 333, 500, 4999, 5000, 9999, 10000]),
                  st.integers(min_value=0, max_value=10000))


def total(query) -> int:
    return db.session.scalar(query) or 0


@pytest.mark.slow  # 40 random histories: started first (tests/conftest.py)
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_statements_reconcile_with_captures_minus_refunds(app, clock, payments, data):
    db.session.remove()  # SQLite: our read transaction would hold the write lock
    _empty_tables()  # each example starts from an empty town
    shop_count = data.draw(st.integers(1, 3), label="shops")
    shops = []
    for i in range(shop_count):
        shop = make_shop(f"boutique-{i}", f"Boutique {i}", seats_per_slot=100,
                         commission_bps=data.draw(RATES, label=f"rate {i}"))
        shops.append(shop)

    for _checkout in range(data.draw(st.integers(1, 3), label="checkouts")):
        chosen = data.draw(st.lists(st.sampled_from(range(shop_count)), min_size=1,
                                    max_size=shop_count, unique=True), label="basket shops")
        # Fresh products per basket: a short confirmation marks a product sold out.
        basket = {shops[i]: [(make_product(shops[i], f"Article {j}", data.draw(PRICES)),
                              data.draw(st.integers(1, 3))) for j in range(2)]
                  for i in chosen}
        checkout = place_order(basket, clock.now, payments)
        short = {line.id: data.draw(st.integers(0, line.quantity), label="confirmed")
                 for order in checkout.orders for line in order.lines}
        collect_all(checkout, clock, payments, short=short)

    collected = db.session.scalars(sa.select(Order).where(Order.status == COLLECTED)).all()
    for order in collected:
        for _refund in range(data.draw(st.integers(0, 2), label="refunds")):
            money = order_money(order)
            if money.refundable_cents <= 0:
                break
            how = data.draw(st.sampled_from(["amount", "lines", "all"]), label="how")
            kwargs = {}
            if how == "amount":
                kwargs["amount_cents"] = data.draw(st.integers(1, money.refundable_cents))
            elif how == "lines":
                lines = [(e.line.id, data.draw(st.integers(0, e.refundable)))
                         for e in money.lines if e.refundable > 0]
                kwargs["lines"] = lines
            try:
                refund_order(order.id, actor="manager:1", reason="aléa", now=clock.now,
                             provider=payments, **kwargs)
            except DomainError:
                pass  # nothing chosen, or lines worth more than an earlier amount left

    db.session.expire_all()
    captured = total(sa.select(sa.func.sum(PaymentTransaction.amount_cents)).where(
        PaymentTransaction.kind == CAPTURE, PaymentTransaction.status == SUCCEEDED))
    refunded = total(sa.select(sa.func.sum(Refund.amount_cents)).where(
        Refund.status == "succeeded"))
    statements = build_statements(parse_period("2026-11"))

    assert statements.total("gross_cents") == captured
    assert statements.total("refunds_cents") == refunded
    assert (statements.total("commission_cents") + statements.total("net_cents")
            == captured - refunded)
    for s in statements.shops:
        assert s.gross_cents - s.refunds_cents == s.commission_cents + s.net_cents
        assert s.net_cents >= 0 and s.commission_cents >= 0
        assert sum(line.amount_cents for line in s.lines if not line.is_refund) == s.gross_cents
    for order in db.session.scalars(sa.select(Order).where(Order.status == COLLECTED)):
        sale = total(sa.select(sa.func.sum(LedgerEntry.amount_cents)).where(
            LedgerEntry.order_id == order.id, LedgerEntry.kind.in_((SHARE, COMMISSION))))
        assert sale == order.confirmed_total_cents
        money = order_money(order)
        net = money.captured_cents - money.refunded_cents
        commission = total(sa.select(sa.func.sum(
            sa.case((LedgerEntry.kind == COMMISSION, LedgerEntry.amount_cents),
                    (LedgerEntry.kind == "refund_commission", -LedgerEntry.amount_cents),
                    else_=0))).where(LedgerEntry.order_id == order.id))
        assert commission == commission_of(net, order.shop.commission_bps)
