"""The drive through the service layer: hold, pay, confirm short, ready, collect, capture."""
import sqlalchemy as sa

from app.extensions import db
from app.notify.models import SmsMessage
from app.orders import services as orders
from app.payments.models import PaymentTransaction
from tests.factories import make_product, make_shop, place_order, stock_of


def test_order_collected_is_charged_the_confirmed_amount_once(app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=10)
    cake = make_product(shop, "Tarte aux myrtilles", 2200, stock=2)
    checkout = place_order({shop: [(bread, 3), (cake, 1)]}, clock.now, payments)
    order = checkout.orders[0]
    assert order.status == "placed"
    assert stock_of(bread) == 7 and stock_of(cake) == 1

    lines = {line.name: line.id for line in order.lines}
    orders.confirm_lines(order.id, shop.id, [(lines["Baguette"], 2)], now=clock.now,
                         provider=payments)
    assert stock_of(bread) == 0  # short line: the shelf was empty
    orders.mark_ready(order.id, shop.id, now=clock.now)
    for _ in range(3):
        orders.collect(order.id, shop.id, now=clock.now, provider=payments)

    captures = db.session.scalars(sa.select(PaymentTransaction)
                                  .where(PaymentTransaction.kind == "capture")).all()
    assert [(c.amount_cents, c.status) for c in captures] == [(2 * 130 + 2200, "succeeded")]
    assert [c for c in payments.calls if c[0] == "capture"] == [
        ("capture", f"settle:{checkout.id}", 2460)]
    kinds = db.session.scalars(sa.select(SmsMessage.kind).order_by(SmsMessage.id)).all()
    assert kinds == ["placed", "short", "ready"]
