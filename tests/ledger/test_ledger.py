"""Each capture split into the shop's share and the association's commission, exactly."""
import sqlalchemy as sa

from app.extensions import db
from app.ledger.models import LedgerEntry
from app.ledger.services import commission_of, record_capture, refund_split, split
from app.payments.models import PaymentTransaction
from tests.factories import make_product, make_shop, place_order
from tests.ledger.helpers import bakery_sale, collect_all, entries


def test_a_capture_records_the_share_and_the_commission_of_the_order(app, clock, payments):
    shop, order = bakery_sale(clock, payments, rate_bps=500)

    # 25,90 € at 5 %: 1,295 € rounds half up to 1,30 €.
    assert entries(order.id) == [("share", 2460), ("commission", 130)]
    capture = db.session.scalar(sa.select(PaymentTransaction).where(
        PaymentTransaction.kind == "capture"))
    assert capture.amount_cents == 2590 and capture.status == "succeeded"
    assert {e.source for e in db.session.scalars(sa.select(LedgerEntry))} == {
        f"capture:{capture.id}"}


def test_recording_the_same_capture_twice_adds_nothing(app, clock, payments):
    shop, order = bakery_sale(clock, payments)
    capture = db.session.scalar(sa.select(PaymentTransaction).where(
        PaymentTransaction.kind == "capture"))

    record_capture(capture, clock.now)
    db.session.commit()

    assert len(entries()) == 2


def test_a_short_confirmation_splits_only_what_was_captured(app, clock, payments):
    shop = make_shop(commission_bps=1250)
    bread = make_product(shop, "Baguette", 130)
    checkout = place_order({shop: [(bread, 5)]}, clock.now, payments)
    line_id = checkout.orders[0].lines[0].id

    order = collect_all(checkout, clock, payments, short={line_id: 3})[0]

    # 3,90 € at 12,5 %: 48,75 c -> 49 c.
    assert entries(order.id) == [("share", 341), ("commission", 49)]


def test_two_shops_of_one_basket_are_recorded_once_both_have_ended(app, clock, payments):
    bakery = make_shop("boulangerie", commission_bps=300)
    deli = make_shop("charcuterie", "Charcuterie Vidal", commission_bps=1000)
    bread = make_product(bakery, "Baguette", 130)
    ham = make_product(deli, "Jambon", 695)
    checkout = place_order({bakery: [(bread, 1)], deli: [(ham, 1)]}, clock.now, payments)

    collect_all(checkout, clock, payments)

    by_order = {o.shop_id: entries(o.id) for o in checkout.orders}
    assert by_order[bakery.id] == [("share", 126), ("commission", 4)]   # 3,9 c -> 4 c
    assert by_order[deli.id] == [("share", 625), ("commission", 70)]    # 69,5 c -> 70 c


def test_an_order_that_is_not_collected_records_nothing(app, clock, payments):
    from app.orders import services as orders
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130)
    order = place_order({shop: [(bread, 1)]}, clock.now, payments).orders[0]

    orders.cancel_by_shop(order.id, shop.id, "four en panne", now=clock.now, provider=payments)

    assert entries() == []


def test_rounding_edge_cases():
    assert split(1, 500) == (1, 0)          # 0,05 c -> 0
    assert split(1, 5000) == (0, 1)         # 0,5 c -> 1 (half up)
    assert split(1, 4999) == (1, 0)
    assert split(3, 5000) == (1, 2)         # 1,5 c -> 2
    assert split(199, 333) == (192, 7)      # 6,6267 c -> 7
    assert split(10_000_00, 10000) == (0, 10_000_00)
    assert split(12345, 0) == (12345, 0)
    for amount in range(0, 500):
        for rate in (0, 1, 333, 500, 4999, 5000, 9999, 10000):
            share, commission = split(amount, rate)
            assert share + commission == amount and share >= 0 and commission >= 0


def test_refunds_in_pieces_reverse_exactly_the_commission_of_the_sale():
    # 3 cents at 50 %: sold with 2 c of commission; three refunds of 1 c must give back 2 c,
    # not 3 (which rounding each refund on its own would do).
    given_back = []
    net = 3
    for _ in range(3):
        given_back.append(refund_split(net, 1, 5000))
        net -= 1
    assert sum(c for _s, c in given_back) == commission_of(3, 5000) == 2
    assert sum(s for s, _c in given_back) == 1
    assert all(s >= 0 and c >= 0 for s, c in given_back)
