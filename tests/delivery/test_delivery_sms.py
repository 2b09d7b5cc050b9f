"""The shopper's SMS about their delivery: the narrowed time once planned (in the sending
hours), "en route" when the courier leaves the stop before theirs, delivered, failed with
what to do next; each once, each one GSM-7 segment at its longest, in French and English.
And no "à retirer" reminder for a basket brought home."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.delivery import messages
from app.delivery.courier import FAIL_REASONS, deliver, fail, pickup
from app.delivery.failures import set_failed_rule
from app.delivery.models import DeliveryWindow
from app.delivery.planning import create_courier
from app.delivery.rounds_admin import send_round_link
from app.extensions import db
from app.jobs.sweeps import send_due_reminders
from app.notify.models import SmsMessage
from app.notify.segments import is_gsm7, segments
from app.templating import hhmm
from tests.delivery.courier_helpers import delivered_basket, plan, ready_all, stops_of
from tests.factories import make_product, make_shop

LONG_PUBLIC_URL = "https://comptoir.le-puy-en-velay.fr"  # a town's own address, long


def bodies(kind):
    return db.session.scalars(sa.select(SmsMessage.body).where(SmsMessage.kind == kind)
                              .order_by(SmsMessage.id)).all()


def test_the_time_told_is_the_expected_time_to_five_minutes_give_or_take_ten():
    expected = datetime(2026, 11, 24, 17, 17, 40, tzinfo=timezone.utc)  # 18:17:40 in town

    start, end = messages.narrowed(expected)

    assert (start.strftime("%H:%M"), end.strftime("%H:%M")) == ("17:10", "17:30")


def test_planning_tells_the_shopper_the_narrowed_time_once(app, clock, payments):
    basket = delivered_basket(clock, payments)

    round_ = plan(basket, clock)
    plan(basket, clock)  # replanned the same: nothing more to say

    [door] = stops_of(round_, "delivery")
    start, end = messages.narrowed(door.expected_at)
    [body] = bodies("delivery_planned")
    assert body.startswith(f"Votre livraison arrive mar. 24/11 entre {hhmm(start)} et "
                           f"{hhmm(end)}. Suivi : http://comptoir.test/suivi/")


def test_a_planning_done_at_night_tells_the_time_at_eight(app, clock, payments):
    basket = delivered_basket(clock, payments)
    clock.set("2026-11-24T06:30:00+01:00")  # the planner runs early

    plan(basket, clock)

    sent_after = db.session.scalar(sa.select(SmsMessage.send_after)
                                   .where(SmsMessage.kind == "delivery_planned"))
    assert sent_after == datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)  # 08:00 in town


def test_the_next_door_is_told_en_route_when_the_courier_leaves_the_stop_before(
        app, clock, payments):
    first = delivered_basket(clock, payments)
    bakery = first.shops[0]
    second = delivered_basket(clock, payments, shops=[bakery], phone="06 22 33 44 55",
                              window=db.session.get(DeliveryWindow, first.request.window_id))
    round_ = plan(first, clock, couriers=[create_courier(name="Léa", phone="", capacity=8)])
    ready_all(first, clock, payments)
    ready_all(second, clock, payments)

    for stop in round_.stops:
        if stop.kind == "pickup":
            pickup(round_.token, stop.id, clock.now)
    doors = stops_of(round_, "delivery")
    assert len(bodies("delivery_en_route")) == 1  # the first door, as the last shop is left
    basket = {first.request.id: first, second.request.id: second}[doors[0].request_id]
    deliver(round_.token, doors[0].id, clock.now, code=basket.orders[0].pickup_code,
            payments=payments)

    tos = db.session.scalars(sa.select(SmsMessage.to).where(
        SmsMessage.kind == "delivery_en_route").order_by(SmsMessage.id)).all()
    assert sorted(tos) == ["+33612345678", "+33622334455"]  # each door once


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_delivery_text_fits_one_gsm7_segment_at_its_longest(app, clock, payments,
                                                                  language):
    app.config["PUBLIC_URL"] = LONG_PUBLIC_URL
    first = delivered_basket(clock, payments, language=language)
    window = db.session.get(DeliveryWindow, first.request.window_id)
    baskets = [first] + [delivered_basket(clock, payments, shops=first.shops, window=window,
                                          phone=f"06 22 33 44 {10 + i}", language=language)
                         for i in range(len(FAIL_REASONS))]
    courier = create_courier(name="Léa", phone="06 99 88 77 66", capacity=20)
    round_ = plan(first, clock, couriers=[courier])
    for basket in baskets:
        ready_all(basket, clock, payments)
    for stop in stops_of(round_, "pickup"):
        pickup(round_.token, stop.id, clock.now)
    doors = {s.request_id: s for s in stops_of(round_, "delivery")}
    set_failed_rule("collect")
    for basket, reason in zip(baskets[1:], FAIL_REASONS):
        if reason == "damaged":
            set_failed_rule("reschedule")
        fail(round_.token, doors[basket.request.id].id, clock.now, reason=reason,
             note="Portail fermé" if reason == "other" else None)
    deliver(round_.token, doors[first.request.id].id, clock.now,
            code=first.orders[0].pickup_code, payments=payments)
    send_round_link(round_.id, clock.now)

    kinds = ("delivery_planned", "delivery_en_route", "delivered", "delivery_failed",
             "courier_link")
    messages_sent = db.session.execute(sa.select(SmsMessage.kind, SmsMessage.body).where(
        SmsMessage.kind.in_(kinds))).all()
    assert {kind for kind, _body in messages_sent} == set(kinds)
    assert len(bodies("delivery_failed")) == len(FAIL_REASONS)
    for kind, body in messages_sent:
        # Ids and times at their widest: the tracking token is always 22 characters.
        assert is_gsm7(body) and segments(body) == 1, (kind, len(body), body)
        assert LONG_PUBLIC_URL in body
    if language == "en":
        assert any(b.startswith("Delivery failed (address not found). Your items await you")
                   for b in bodies("delivery_failed"))


def test_no_pickup_reminder_goes_for_a_basket_brought_home(app, clock, payments):
    from app.database import unit_of_work
    from app.delivery.services import hold_delivery
    from tests.delivery.courier_helpers import TUESDAY
    from tests.delivery.helpers import TABLES, evening_window, town_zone
    from tests.web.merchant_helpers import order_at
    town_zone(min_basket_cents=0)
    window = evening_window()
    bakery = make_shop("boulangerie", address="3 rue des Tables, 43000 Le Puy-en-Velay")
    bread = make_product(bakery, stock=20)
    # Both at the same slot, two hours ahead: one collected in the shop, one brought home.
    in_shop = order_at(bakery, [(bread, 1)], clock.now, payments, slot=8)
    brought = order_at(bakery, [(bread, 1)], clock.now, payments, slot=8,
                       phone="06 55 44 33 22")
    with unit_of_work():
        hold_delivery(TABLES, [bakery], 900, window.id, TUESDAY, clock.now,
                      checkout_id=brought.checkout_id)

    send_due_reminders(in_shop.slot_start - timedelta(minutes=50))

    reminded = db.session.scalars(sa.select(SmsMessage.order_id)
                                  .where(SmsMessage.kind == "reminder")).all()
    assert reminded == [in_shop.id]


def test_a_basket_brought_home_is_not_told_to_be_collected_when_ready(app, clock, payments):
    basket = delivered_basket(clock, payments)

    ready_all(basket, clock, payments)

    kinds = db.session.scalars(sa.select(SmsMessage.kind).where(
        SmsMessage.order_id == basket.orders[0].id)).all()
    assert "ready" not in kinds and "confirmed" in kinds


def test_a_basket_brought_home_is_confirmed_with_its_window_not_a_pickup(app, clock,
                                                                         payments):
    basket = delivered_basket(clock, payments)

    ready_all(basket, clock, payments)

    [confirmed] = bodies("confirmed")
    assert "livraison mar. 24/11 17:00-19:00" in confirmed
    assert "retrait" not in confirmed
