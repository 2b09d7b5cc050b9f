"""Refunds after collection: whole, per line, an amount; never more than captured."""
import threading

import pytest
import sqlalchemy as sa

from app.errors import Conflict, DomainError, Invalid, NotFound
from app.extensions import db
from app.ledger.models import Refund
from app.ledger.refunds import refund_order
from app.payments.services import run_payment_jobs
from app.notify.models import SmsMessage
from app.orders.models import OrderEvent
from tests.factories import make_product, make_shop, place_order
from tests.ledger.helpers import bakery_sale, entries


def refund(order, payments, clock, **kwargs):
    kwargs.setdefault("reason", "tarte abîmée")
    return refund_order(order.id, actor=f"shop:{order.shop_id}", now=clock.now,
                        provider=payments, shop_id=order.shop_id, **kwargs)


def test_a_whole_refund_gives_everything_back_and_zeroes_the_ledger(app, clock, payments):
    shop, order = bakery_sale(clock, payments)

    done = refund(order, payments, clock)

    assert (done.amount_cents, done.status) == (2590, "succeeded")
    assert payments.calls[-1] == ("refund", f"refund:{done.id}", 2590)
    assert entries(order.id)[2:] == [("refund_share", 2460), ("refund_commission", 130)]


def test_a_refund_per_line_takes_back_those_units_at_their_price(app, clock, payments):
    shop, order = bakery_sale(clock, payments, rate_bps=500)
    tart = next(line for line in order.lines if line.name.startswith("Tarte"))

    done = refund(order, payments, clock, lines=[(tart.id, 1)])

    assert done.amount_cents == 2200
    assert [(line.order_line_id, line.quantity, line.amount_cents) for line in done.lines] == [
        (tart.id, 1, 2200)]
    # Net 3,90 € after the refund: commission(25,90) - commission(3,90) = 130 - 20.
    assert entries(order.id)[2:] == [("refund_share", 2090), ("refund_commission", 110)]


def test_a_line_cannot_be_refunded_beyond_its_confirmed_quantity(app, clock, payments):
    shop, order = bakery_sale(clock, payments)
    bread = next(line for line in order.lines if line.name == "Baguette")
    refund(order, payments, clock, lines=[(bread.id, 2)])

    with pytest.raises(Invalid) as refused:
        refund(order, payments, clock, lines=[(bread.id, 2)])

    assert (refused.value.field, refused.value.code) == ("lines[0].quantity", "over_refund")
    assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 1


def test_over_refund_is_refused_and_writes_nothing(app, clock, payments, sms):
    shop, order = bakery_sale(clock, payments)
    refund(order, payments, clock, amount_cents=2000)

    with pytest.raises(Conflict) as refused:
        refund(order, payments, clock, amount_cents=591)

    assert (refused.value.code, refused.value.field) == ("over_refund", "amount_cents")
    assert "5,90" in refused.value.message
    assert db.session.scalar(sa.select(sa.func.sum(Refund.amount_cents))) == 2000
    assert refund(order, payments, clock, amount_cents=590).amount_cents == 590
    with pytest.raises(Conflict):
        refund(order, payments, clock)  # nothing left


def test_bad_refund_requests_name_their_field(app, clock, payments):
    shop, order = bakery_sale(clock, payments)
    for kwargs, field in [({"reason": " "}, "reason"), ({"amount_cents": 0}, "amount_cents"),
                          ({"amount_cents": 10, "lines": []}, "amount_cents"),
                          ({"lines": [(999999, 1)]}, "lines[0].id"),
                          ({"lines": []}, "lines")]:
        with pytest.raises(DomainError) as refused:
            refund(order, payments, clock, **{"reason": "x", **kwargs})
        assert refused.value.field == field, kwargs
    assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 0


def test_an_order_not_collected_or_another_shops_cannot_be_refunded(app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130)
    order = place_order({shop: [(bread, 1)]}, clock.now, payments).orders[0]
    with pytest.raises(Conflict) as refused:
        refund(order, payments, clock)
    assert refused.value.field == "status"

    with pytest.raises(NotFound):
        refund_order(order.id, actor="shop:0", reason="x", now=clock.now, provider=payments,
                     shop_id=order.shop_id + 1000)


def test_the_shopper_gets_a_short_french_sms_and_the_order_an_event(app, clock, payments):
    shop, order = bakery_sale(clock, payments)

    done = refund(order, payments, clock, amount_cents=500, reason="baguettes trop cuites")

    message = db.session.scalar(sa.select(SmsMessage).where(SmsMessage.kind == "refund"))
    assert message.order_id == order.id and message.to == "+33612345678"
    assert "remboursement de 5,00" in message.body and "baguettes trop cuites" in message.body
    assert len(message.body) <= 160
    event = db.session.scalar(sa.select(OrderEvent).where(OrderEvent.type == "refunded"))
    assert event.order_id == order.id and event.actor == f"shop:{shop.id}"
    assert done.status == "succeeded"


class FailingRefunds:
    """The provider down: refunds stay pending until a sweep gets them through."""
    name = "offline"

    def refund(self, **kwargs):
        from app.payments.providers import ProviderResult
        return ProviderResult(ok=False, error="timeout")


def test_a_refund_the_provider_refused_is_retried_by_the_sweep(app, clock, payments, sms):
    from app.jobs.sweeps import run_once
    shop, order = bakery_sale(clock, payments)

    done = refund_order(order.id, actor="shop:1", reason="erreur de caisse", now=clock.now,
                        provider=FailingRefunds(), amount_cents=100)

    assert done.status == "pending" and len(entries()) == 2  # nothing in the ledger yet
    reports = {r.name: r.handled for r in run_once(clock.now, sms=sms, payments=payments)}
    assert reports["settle_payments"] == 1
    db.session.expire_all()
    assert db.session.get(Refund, done.id).status == "succeeded"
    assert entries(order.id)[2:] == [("refund_share", 95), ("refund_commission", 5)]
    assert run_payment_jobs(payments, clock.now) == 0  # once only


@pytest.mark.real_commits
def test_two_refunds_at_once_cannot_over_refund(app, clock, payments):
    """Two clerks press "Rembourser" for the whole order at the same instant, each on its
    own connection: the checkout's row lock lets one through, the other is refused."""
    shop, order = bakery_sale(clock, payments)
    order_id, shop_id = order.id, shop.id
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def attempt(i):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                refund_order(order_id, actor=f"shop:{shop_id}", reason="double clic",
                             now=clock.now, provider=payments, shop_id=shop_id,
                             amount_cents=2000)
                outcomes[i] = "ok"
            except DomainError as refused:
                outcomes[i] = refused.code
            except Exception as crash:  # a 500 in production: show it
                outcomes[i] = repr(crash)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ok", "over_refund"], outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.sum(Refund.amount_cents))) == 2000
    assert [k for k, _ in entries(order_id)].count("refund_share") == 1
