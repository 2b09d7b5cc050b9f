"""The scheduled sweeps, run with a controlled clock: what the shopper, the shop and the
bank see once a hold runs out, a basket is never collected, or a slot comes near."""
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.errors import Conflict
from app.extensions import db
from app.jobs.sweeps import release_expired_holds, run_once, send_due_reminders
from app.notify.models import SmsMessage
from app.orders import services as orders
from app.orders.models import Order
from app.orders.requests import parse_checkout
from app.payments.models import PaymentTransaction
from app.pickup.models import SlotSeats
from app.timeutil import parse_instant
from tests.factories import make_product, make_shop, stock_of

WED_10 = "2026-11-25T10:00:00+01:00"  # the day after the default clock (Tue 09:00 Paris)


def at(text: str) -> datetime:
    return parse_instant(text)


def order_at(lines_by_shop, slot: str, now, payments, *, pay=True, phone="06 12 34 56 78"):
    """A checkout for the slot starting at `slot` in every shop; paid unless pay=False."""
    body = {"customer": {"name": "Claire Dupont", "phone": phone},
            "orders": [{"shop": shop.slug, "slot": slot,
                        "lines": [{"product_id": p.id, "quantity": q} for p, q in lines]}
                       for shop, lines in lines_by_shop.items()]}
    checkout = orders.create_checkout(parse_checkout(body), now=now, provider=payments).checkout
    if pay:
        orders.pay_checkout(checkout.id, "test_ok", now=now, provider=payments)
    return checkout


def sweep(now, sms, payments) -> dict[str, int]:
    reports = {r.name: r.handled for r in run_once(now, sms=sms, payments=payments)}
    db.session.expire_all()
    return reports


def status(order_id: int) -> str:
    return db.session.scalar(sa.select(Order.status).where(Order.id == order_id))


def seats(shop) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(SlotSeats.taken), 0))
                             .where(SlotSeats.shop_id == shop.id))


def sms_kinds(order_id: int | None = None) -> list[str]:
    query = sa.select(SmsMessage.kind).order_by(SmsMessage.id)
    if order_id is not None:
        query = query.where(SmsMessage.order_id == order_id)
    return list(db.session.scalars(query))


def money(checkout_id: int) -> list[tuple[str, int, str]]:
    """The checkout's settlements as the bank sees them: (kind, amount, status)."""
    return [(t.kind, t.amount_cents, t.status) for t in db.session.scalars(
        sa.select(PaymentTransaction).where(PaymentTransaction.checkout_id == checkout_id,
                                            PaymentTransaction.kind != "authorize")
        .order_by(PaymentTransaction.id))]


def bank_calls(payments, kind: str) -> list:
    return [call for call in payments.calls if call[0] == kind]


@pytest.fixture
def bakery(app):
    return make_shop()


@pytest.fixture
def bread(bakery):
    return make_product(bakery, "Baguette", 130, stock=10)


# --- holds that run out ----------------------------------------------------------------

def test_an_unpaid_hold_expires_silently_and_gives_stock_and_seat_back(
        app, clock, payments, sms, bakery, bread):
    checkout = order_at({bakery: [(bread, 2)]}, WED_10, clock.now, payments, pay=False)
    order_id, expires = checkout.orders[0].id, checkout.hold_expires_at
    assert (stock_of(bread), seats(bakery)) == (8, 1)

    assert sweep(expires - timedelta(seconds=1), sms, payments)["release_expired_holds"] == 0
    assert status(order_id) == "pending_payment"

    reports = sweep(expires, sms, payments)

    assert reports["release_expired_holds"] == 1
    assert status(order_id) == "expired"
    assert (stock_of(bread), seats(bakery)) == (10, 0)
    order = db.session.get(Order, order_id)
    assert [(e.type, e.actor) for e in order.events] == [("pending_payment", "shopper"),
                                                         ("expired", "system")]
    assert sms_kinds() == []  # the shopper never paid: no message about it
    assert reports["flush_sms_outbox"] == 0
    assert release_expired_holds(expires + timedelta(minutes=5)) == 0
    assert (stock_of(bread), seats(bakery)) == (10, 0)


@pytest.mark.parametrize("swept", [False, True], ids=["before-the-sweep", "after-the-sweep"])
def test_paying_after_the_hold_ran_out_is_refused(app, clock, payments, sms, bakery, bread,
                                                  swept):
    checkout = order_at({bakery: [(bread, 1)]}, WED_10, clock.now, payments, pay=False)
    late = checkout.hold_expires_at + timedelta(seconds=1)
    if swept:
        sweep(late, sms, payments)

    with pytest.raises(Conflict) as refused:
        orders.pay_checkout(checkout.id, "test_ok", now=late, provider=payments)

    assert refused.value.code == "hold_expired"
    assert bank_calls(payments, "authorize") == []
    assert status(checkout.orders[0].id) == ("expired" if swept else "pending_payment")


# --- baskets never collected -----------------------------------------------------------

def test_a_confirmed_order_not_collected_24h_after_its_slot_is_a_no_show(
        app, clock, payments, sms, bakery, bread):
    checkout = order_at({bakery: [(bread, 3)]}, WED_10, clock.now, payments)
    order = checkout.orders[0]
    orders.confirm_lines(order.id, bakery.id, [], now=clock.now, provider=payments)
    orders.mark_ready(order.id, bakery.id, now=clock.now)
    slot_end = at(WED_10) + timedelta(minutes=15)
    assert stock_of(bread) == 7

    early = sweep(slot_end + timedelta(hours=24, seconds=-1), sms, payments)
    assert early["mark_no_shows"] == 0 and status(order.id) == "ready"

    reports = sweep(slot_end + timedelta(hours=24), sms, payments)

    assert reports["mark_no_shows"] == 1 and reports["settle_payments"] == 1
    assert status(order.id) == "no_show"
    assert stock_of(bread) == 10 and seats(bakery) == 0
    assert money(checkout.id) == [("void", 0, "succeeded")]
    assert bank_calls(payments, "capture") == []
    assert [c[1] for c in bank_calls(payments, "void")] == [f"settle:{checkout.id}"]
    assert sms_kinds(order.id)[-1] == "no_show"
    assert sweep(slot_end + timedelta(hours=25), sms, payments)["mark_no_shows"] == 0
    assert len(bank_calls(payments, "void")) == 1


def test_an_order_the_shop_never_confirmed_is_cancelled_after_24h(
        app, clock, payments, sms, bakery, bread):
    checkout = order_at({bakery: [(bread, 2)]}, WED_10, clock.now, payments)
    order_id = checkout.orders[0].id

    reports = sweep(at(WED_10) + timedelta(minutes=15, hours=24), sms, payments)

    assert reports["mark_no_shows"] == 1
    assert status(order_id) == "cancelled"
    assert stock_of(bread) == 10
    assert money(checkout.id) == [("void", 0, "succeeded")]
    assert bank_calls(payments, "capture") == []
    assert sms_kinds(order_id) == ["placed", "cancelled"]


# --- reminders ---------------------------------------------------------------------------

def test_one_reminder_an_hour_before_the_slot(app, clock, payments, sms, bakery, bread):
    reminded = order_at({bakery: [(bread, 1)]}, WED_10, clock.now, payments).orders[0]
    cancelled = order_at({bakery: [(bread, 1)]}, WED_10, clock.now, payments,
                         phone="06 98 76 54 32").orders[0]
    orders.cancel_by_shopper(cancelled.id, cancelled.tracking_token, now=clock.now,
                             provider=payments)
    unpaid = order_at({bakery: [(bread, 1)]}, WED_10, clock.now, payments, pay=False,
                      phone="06 11 22 33 44").orders[0]

    assert sweep(at("2026-11-25T08:59:00+01:00"), sms, payments)["send_due_reminders"] == 0

    reports = sweep(at("2026-11-25T09:00:00+01:00"), sms, payments)

    assert reports["send_due_reminders"] == 1
    assert sms_kinds(reminded.id) == ["placed", "reminder"]
    assert "reminder" not in sms_kinds(cancelled.id) + sms_kinds(unpaid.id)
    message = db.session.scalar(sa.select(SmsMessage).where(SmsMessage.kind == "reminder"))
    assert (message.to, message.status) == ("+33612345678", "sent")
    assert "10:00" in message.body and bakery.name in message.body
    assert sweep(at("2026-11-25T09:05:00+01:00"), sms, payments)["send_due_reminders"] == 0
    assert sms_kinds().count("reminder") == 1


def test_the_reminder_follows_the_shops_own_delay(app, clock, payments, sms):
    cheese = make_shop("fromagerie", "Fromagerie du Plot", reminder_minutes=120)
    brie = make_product(cheese, "Brie", 610, stock=10)
    order = order_at({cheese: [(brie, 1)]}, WED_10, clock.now, payments).orders[0]

    assert send_due_reminders(at("2026-11-25T07:59:00+01:00")) == 0
    assert send_due_reminders(at("2026-11-25T08:00:00+01:00")) == 1
    assert sms_kinds(order.id) == ["placed", "reminder"]


def test_no_reminder_for_an_order_placed_inside_the_reminder_window(
        app, clock, payments, sms, bakery, bread):
    clock.set("2026-11-25T09:30:00+01:00")
    late = order_at({bakery: [(bread, 1)]}, "2026-11-25T10:30:00+01:00", clock.now,
                    payments).orders[0]

    for minute in ("09:31", "09:45", "10:15"):
        assert send_due_reminders(at(f"2026-11-25T{minute}:00+01:00")) == 0
    assert sms_kinds(late.id) == ["placed"]  # which already said when to come


# --- settling a basket spread over two shops -----------------------------------------------

@pytest.fixture
def two_shop_checkout(app, clock, payments, bakery, bread):
    cheese = make_shop("fromagerie", "Fromagerie du Plot")
    brie = make_product(cheese, "Brie", 610, stock=10)
    checkout = order_at({bakery: [(bread, 4)], cheese: [(brie, 1)]}, WED_10, clock.now,
                        payments)
    bakery_order, cheese_order = checkout.orders
    return checkout, bakery_order, cheese_order


def test_one_shop_collects_the_other_cancels_one_capture_of_the_collected_amount(
        app, clock, payments, sms, bakery, two_shop_checkout):
    checkout, bakery_order, cheese_order = two_shop_checkout
    line = bakery_order.lines[0]
    orders.confirm_lines(bakery_order.id, bakery.id, [(line.id, 3)], now=clock.now,
                         provider=payments)  # one baguette short
    orders.collect(bakery_order.id, bakery.id, now=clock.now, provider=payments)

    assert money(checkout.id) == []  # the cheese order is still open: nothing settled yet
    assert bank_calls(payments, "capture") == []

    orders.cancel_by_shop(cheese_order.id, cheese_order.shop_id, "Rupture de brie",
                          now=clock.now, provider=payments)

    assert money(checkout.id) == [("capture", 3 * 130, "succeeded")]
    assert [c[2] for c in bank_calls(payments, "capture")] == [3 * 130]
    assert sweep(at("2026-11-27T10:00:00+01:00"), sms, payments)["settle_payments"] == 0
    assert len(bank_calls(payments, "capture")) == 1 and bank_calls(payments, "void") == []


def test_one_shop_collects_the_other_is_a_no_show_the_sweep_captures_once(
        app, clock, payments, sms, bakery, two_shop_checkout):
    checkout, bakery_order, cheese_order = two_shop_checkout
    orders.confirm_lines(cheese_order.id, cheese_order.shop_id, [], now=clock.now,
                         provider=payments)
    orders.confirm_lines(bakery_order.id, bakery.id, [], now=clock.now, provider=payments)
    orders.collect(bakery_order.id, bakery.id, now=clock.now, provider=payments)
    assert money(checkout.id) == []

    reports = sweep(at("2026-11-26T10:15:00+01:00"), sms, payments)

    assert reports["mark_no_shows"] == 1 and reports["settle_payments"] == 1
    assert status(cheese_order.id) == "no_show"
    assert money(checkout.id) == [("capture", 4 * 130, "succeeded")]
    assert len(bank_calls(payments, "capture")) == 1


def test_both_shops_cancel_one_void_and_nothing_captured(app, clock, payments, sms,
                                                        two_shop_checkout):
    checkout, bakery_order, cheese_order = two_shop_checkout
    orders.cancel_by_shop(bakery_order.id, bakery_order.shop_id, "Four en panne",
                          now=clock.now, provider=payments)
    assert money(checkout.id) == []
    orders.cancel_by_shopper(cheese_order.id, cheese_order.tracking_token, now=clock.now,
                             provider=payments)

    assert money(checkout.id) == [("void", 0, "succeeded")]
    assert len(bank_calls(payments, "void")) == 1 and bank_calls(payments, "capture") == []
    sweep(at("2026-11-27T10:00:00+01:00"), sms, payments)
    assert len(bank_calls(payments, "void")) == 1


def test_a_sweep_that_fails_does_not_stop_the_others_and_the_operator_is_told(
        app, clock, payments, sms, bakery, bread, runner, monkeypatch):
    """The no-show sweep breaks (a database hiccup): the holds are still released, the
    placed SMS still goes, and `jobs run-once` says which sweep failed and exits 1."""
    order_at({bakery: [(bread, 1)]}, WED_10, clock.now, payments)  # its "placed" SMS waits
    unpaid = order_at({bakery: [(bread, 2)]}, WED_10, clock.now, payments, pay=False)
    expires = unpaid.hold_expires_at

    def broken(now):
        raise RuntimeError("connection reset")
    monkeypatch.setattr("app.jobs.sweeps.mark_no_shows", broken)

    result = runner.invoke(args=["jobs", "run-once", "--at", expires.isoformat()])

    assert result.exit_code == 1
    assert "mark_no_shows: 0 (failed: see the log)" in result.output
    assert "release_expired_holds: 1" in result.output
    assert "flush_sms_outbox: 1" in result.output
    db.session.expire_all()
    assert status(unpaid.orders[0].id) == "expired" and stock_of(bread) == 9


def test_one_item_that_fails_is_left_for_the_next_run_and_the_others_are_handled(
        app, clock, payments, sms, bakery, bread, monkeypatch):
    first = order_at({bakery: [(bread, 1)]}, WED_10, clock.now, payments, pay=False)
    second = order_at({bakery: [(bread, 2)]}, WED_10, clock.now, payments, pay=False,
                      phone="06 98 76 54 32")
    expires = second.hold_expires_at
    real = orders.expire_checkout

    def flaky(checkout_id, *, now):
        if checkout_id == first.id:
            raise RuntimeError("lost the connection mid-way")
        return real(checkout_id, now=now)
    monkeypatch.setattr("app.jobs.sweeps.expire_checkout", flaky)

    assert release_expired_holds(expires) == 1
    db.session.expire_all()
    assert (status(first.orders[0].id), status(second.orders[0].id)) == (
        "pending_payment", "expired")
    monkeypatch.setattr("app.jobs.sweeps.expire_checkout", real)
    assert release_expired_holds(expires) == 1  # the next run takes it
    assert stock_of(bread) == 10


def test_one_run_releases_every_due_hold_a_batch_at_a_time(
        app, clock, payments, bakery, bread, monkeypatch):
    monkeypatch.setattr("app.jobs.sweeps.BATCH", 1)
    unpaid = [order_at({bakery: [(bread, 1)]}, WED_10, clock.now, payments, pay=False,
                       phone=f"06 12 34 56 {i:02d}") for i in range(3)]

    assert release_expired_holds(unpaid[-1].hold_expires_at) == 3
    db.session.expire_all()
    assert {status(c.orders[0].id) for c in unpaid} == {"expired"}
    assert stock_of(bread) == 10
