"""Reminders: one per order and slot, at the shop's delay before the slot but within
08:00-20:00 town time (moved back to the evening before for an early slot), none for a
shopper who has just been told, and never one for a slot the order left, an order that
ended, or a number that answered STOP."""
from datetime import datetime, time

import pytest
import sqlalchemy as sa

from app.database import unit_of_work
from app.extensions import db
from app.jobs.sweeps import send_due_reminders
from app.notify.models import SmsMessage
from app.notify.optout import handle_inbound_sms
from app.notify.providers import SendResult
from app.notify.services import flush_outbox, queue_sms
from app.orders import services as orders
from app.orders.requests import parse_checkout
from app.timeutil import parse_instant
from tests.factories import make_product, make_shop

CLAIRE = "+33612345678"
WED_1000, WED_1100 = "2026-11-25T10:00:00+01:00", "2026-11-25T11:00:00+01:00"
WED_0830 = "2026-11-25T08:30:00+01:00"


def at(text: str) -> datetime:
    return parse_instant(text)


class Phones:
    """An SMS provider that keeps what reached the shoppers' phones."""

    name = "phones"

    def __init__(self):
        self.received: list[tuple[str, str]] = []

    def send(self, *, to, body, message_id):
        self.received.append((to, body))
        return SendResult(ok=True, provider_ref=f"ref-{message_id}")

    def find_sent(self, **_):
        return []


@pytest.fixture
def phones(app):
    return Phones()


@pytest.fixture
def bakery(app):
    """Opens at 08:30 Monday to Saturday, so that an early slot can be booked."""
    return make_shop(hours=[(day, time(8, 30), time(19)) for day in range(6)])


@pytest.fixture
def bread(bakery):
    return make_product(bakery, "Baguette tradition", 130, stock=50)


def order_for(bread, slot: str, now: datetime, payments):
    body = {"customer": {"name": "Claire Dupont", "phone": CLAIRE},
            "orders": [{"shop": bread.shop.slug, "slot": slot,
                        "lines": [{"product_id": bread.id, "quantity": 1}]}]}
    checkout = orders.create_checkout(parse_checkout(body), now=now, provider=payments).checkout
    orders.pay_checkout(checkout.id, "test_ok", now=now, provider=payments)
    return checkout.orders[0]


def reminders(order_id: int) -> list[tuple[str, datetime, str]]:
    """(status, slot, dedupe key) of the order's reminders, oldest first."""
    db.session.expire_all()
    return [(m.status, m.slot_start, m.dedupe_key) for m in db.session.scalars(
        sa.select(SmsMessage).where(SmsMessage.order_id == order_id,
                                    SmsMessage.kind == "reminder").order_by(SmsMessage.id))]


def key(order, slot: str) -> str:
    return f"reminder:{order.id}:{int(at(slot).timestamp())}"


def sweeps(*moments: str) -> list[int]:
    return [send_due_reminders(at(moment)) for moment in moments]


def test_a_reminder_at_nine_for_a_ten_oclock_slot(clock, payments, phones, bread):
    order = order_for(bread, WED_1000, clock.now, payments)

    assert sweeps("2026-11-25T08:59:59+01:00", "2026-11-25T09:00:00+01:00",
                  "2026-11-25T09:01:00+01:00") == [0, 1, 0]  # two sweeps, one reminder
    flush_outbox(phones, at("2026-11-25T09:00:00+01:00"))

    assert reminders(order.id) == [("sent", at(WED_1000), key(order, WED_1000))]
    assert phones.received[-1] == (CLAIRE, f"Rappel : commande {order.id} à retirer chez "
                                           f"Boulangerie Martin mer. 25/11 à 10:00. 3 rue "
                                           f"des Tables, Le Puy-en-Velay")


def test_an_early_slot_is_reminded_at_eight_the_evening_before(clock, payments, phones,
                                                               bread):
    order = order_for(bread, WED_0830, clock.now, payments)

    assert sweeps("2026-11-24T19:59:00+01:00") == [0]
    assert sweeps("2026-11-24T20:00:00+01:00") == [1]
    assert sweeps("2026-11-25T07:30:00+01:00", "2026-11-25T08:00:00+01:00") == [0, 0]
    assert reminders(order.id) == [("queued", at(WED_0830), key(order, WED_0830))]


def test_an_evening_order_for_an_early_slot_gets_its_placed_sms_at_once_and_no_reminder(
        clock, payments, phones, bread):
    clock.set("2026-11-24T22:30:00+01:00")
    order = order_for(bread, WED_0830, clock.now, payments)

    assert flush_outbox(phones, clock.now) == 1
    assert phones.received[0][1].startswith(
        f"Boulangerie Martin: commande {order.id} enregistrée pour mer. 25/11 à 08:30 ")
    assert sweeps("2026-11-24T22:31:00+01:00", "2026-11-25T07:30:00+01:00",
                  "2026-11-25T08:00:00+01:00", "2026-11-25T08:29:00+01:00") == [0, 0, 0, 0]
    assert reminders(order.id) == []


def test_a_cancelled_orders_queued_reminder_is_never_sent(clock, payments, phones, bread):
    order = order_for(bread, WED_1000, clock.now, payments)
    flush_outbox(phones, clock.now)  # the placed SMS
    assert sweeps("2026-11-25T09:00:00+01:00") == [1]

    orders.cancel_by_shop(order.id, bread.shop_id, "four en panne",
                          now=at("2026-11-25T09:00:10+01:00"), provider=payments)
    flush_outbox(phones, at("2026-11-25T09:00:20+01:00"))

    assert reminders(order.id) == [("withdrawn", at(WED_1000), key(order, WED_1000))]
    assert [body.split(" ")[0] for _, body in phones.received] == ["Boulangerie", "Boulangerie"]
    assert "Rappel" not in " ".join(body for _, body in phones.received)
    assert sweeps("2026-11-25T09:30:00+01:00") == [0]


@pytest.mark.parametrize("change", ["cancelled", "moved"])
def test_a_reminder_queued_from_a_read_made_before_the_change_is_not_sent(
        clock, payments, phones, bread, change):
    """The sweep read the order open at 10:00, then the shop's change committed, then the
    sweep's insert: the flush must still not remind the shopper of that slot."""
    order = order_for(bread, WED_1000, clock.now, payments)
    flush_outbox(phones, clock.now)  # the placed SMS
    nine = at("2026-11-25T09:00:00+01:00")
    if change == "cancelled":
        orders.cancel_by_shop(order.id, bread.shop_id, "four en panne", now=nine,
                              provider=payments)
    else:
        orders.move_slot(order.id, at(WED_1100), shop_id=bread.shop_id, actor="shop",
                         now=nine)
    flush_outbox(phones, nine)
    received = len(phones.received)
    # What the late insert of the sweep writes, as send_due_reminders would have.
    with unit_of_work():
        queue_sms(to=CLAIRE, body=f"Rappel : commande {order.id}", kind="reminder",
                  order_id=order.id, shop_id=bread.shop_id, slot_start=at(WED_1000),
                  now=nine, dedupe_key=key(order, WED_1000))

    flush_outbox(phones, at("2026-11-25T09:00:30+01:00"))

    assert phones.received[received:] == []
    assert reminders(order.id)[0] == ("withdrawn", at(WED_1000), key(order, WED_1000))


def test_a_moved_order_is_reminded_of_its_new_slot_only(clock, payments, phones, bread):
    order = order_for(bread, WED_1000, clock.now, payments)
    assert sweeps("2026-11-25T09:00:00+01:00") == [1]  # queued, not yet flushed

    orders.move_slot(order.id, at(WED_1100), shop_id=bread.shop_id, actor="shop",
                     now=at("2026-11-25T09:00:05+01:00"))
    assert sweeps("2026-11-25T09:30:00+01:00", "2026-11-25T09:59:00+01:00") == [0, 0]
    assert sweeps("2026-11-25T10:00:00+01:00") == [1]
    flush_outbox(phones, at("2026-11-25T10:00:00+01:00"))

    assert reminders(order.id) == [("withdrawn", at(WED_1000), key(order, WED_1000)),
                                   ("sent", at(WED_1100), key(order, WED_1100))]
    bodies = [body for _, body in phones.received]
    assert [b for b in bodies if b.startswith("Rappel")] == [
        f"Rappel : commande {order.id} à retirer chez Boulangerie Martin mer. 25/11 à 11:00. "
        f"3 rue des Tables, Le Puy-en-Velay"]
    assert any("déplacé au mer. 25/11 à 11:00" in body for body in bodies)


def test_an_order_moved_at_its_new_reminder_time_is_not_reminded_again(
        clock, payments, bread):
    order = order_for(bread, WED_1100, clock.now, payments)

    orders.move_slot(order.id, at("2026-11-25T10:30:00+01:00"), shop_id=bread.shop_id,
                     actor="shop", now=at("2026-11-25T09:30:00+01:00"))

    assert sweeps("2026-11-25T09:30:00+01:00", "2026-11-25T10:00:00+01:00") == [0, 0]
    assert reminders(order.id) == []  # the SMS about the move, at 09:30, said when


def test_a_stop_after_the_reminder_was_queued_withdraws_it(clock, payments, phones, bread):
    order = order_for(bread, WED_1000, clock.now, payments)
    flush_outbox(phones, clock.now)
    assert sweeps("2026-11-25T09:00:00+01:00") == [1]

    assert handle_inbound_sms(sender=CLAIRE, body="Stop",
                              now=at("2026-11-25T09:00:05+01:00")) == "opted_out"
    flush_outbox(phones, at("2026-11-25T09:00:10+01:00"))

    assert reminders(order.id) == [("withdrawn", at(WED_1000), key(order, WED_1000))]
    assert len(phones.received) == 1  # the placed SMS, before the STOP
    assert sweeps("2026-11-25T09:05:00+01:00") == [0]


def test_start_after_stop_brings_the_reminder_back(clock, payments, phones, bread):
    order = order_for(bread, WED_1000, clock.now, payments)
    send_due_reminders(at("2026-11-25T09:00:00+01:00"))
    handle_inbound_sms(sender=CLAIRE, body="STOP", now=at("2026-11-25T09:00:05+01:00"))

    assert handle_inbound_sms(sender=CLAIRE, body="START",
                              now=at("2026-11-25T09:10:00+01:00")) == "opted_in"

    assert sweeps("2026-11-25T09:10:30+01:00", "2026-11-25T09:11:00+01:00") == [1, 0]
    assert reminders(order.id) == [
        ("withdrawn", at(WED_1000), key(order, WED_1000)),
        ("queued", at(WED_1000), key(order, WED_1000) + ":1")]
