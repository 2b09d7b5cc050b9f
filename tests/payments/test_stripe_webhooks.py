"""Stripe's webhook: signed, fresh, handled once, in whatever order events arrive; an
authorisation that comes after the hold ran out is released, never placed."""
import time

import sqlalchemy as sa

from app.extensions import db
from app.notify.models import SmsMessage
from app.orders.models import Checkout, Order, OrderEvent
from app.payments.models import PaymentEvent, PaymentTransaction
from tests.factories import make_product, make_shop, stock_of
from tests.payments.conftest import authorise, create_checkout, deliver


def _basket(client, clock):
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=20)
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json
    return created, created["payment"]["payment_intent"], bread


def _status(checkout_id):
    return db.session.scalar(sa.select(Checkout.status).where(Checkout.id == checkout_id))


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_an_event_delivered_twice_is_handled_once(client, clock, fake_stripe):
    created, intent_id, _ = _basket(client, clock)
    fake_stripe.confirm(intent_id, "ok")
    event = fake_stripe.event("payment_intent.amount_capturable_updated", intent_id)

    first, second = deliver(client, event), deliver(client, event)

    assert (first.status_code, first.json["outcome"]) == (200, "placed")
    assert (second.status_code, second.json["outcome"]) == (200, "duplicate")
    assert _status(created["id"]) == "placed"
    assert _count(PaymentEvent) == 1
    assert _count(OrderEvent, OrderEvent.type == "placed") == 1
    assert _count(SmsMessage, SmsMessage.kind == "placed") == 1
    assert _count(PaymentTransaction, PaymentTransaction.kind == "authorize") == 1


def test_the_same_authorisation_under_two_event_ids_still_places_once(client, clock,
                                                                      fake_stripe):
    created, intent_id, _ = _basket(client, clock)
    authorise(client, fake_stripe, intent_id)
    again = deliver(client, fake_stripe.event("payment_intent.amount_capturable_updated",
                                              intent_id))

    assert again.status_code == 200
    assert _count(OrderEvent, OrderEvent.type == "placed") == 1
    assert _count(PaymentTransaction, PaymentTransaction.kind == "authorize") == 1


def test_a_wrong_signature_is_refused_and_changes_nothing(client, clock, fake_stripe):
    created, intent_id, _ = _basket(client, clock)
    fake_stripe.confirm(intent_id, "ok")
    event = fake_stripe.event("payment_intent.amount_capturable_updated", intent_id)

    forged = deliver(client, event, secret="whsec_someone_else")
    unsigned = client.post("/api/v1/webhooks/stripe", data=event,
                           headers={"Content-Type": "application/json"})

    assert forged.status_code == unsigned.status_code == 400
    assert forged.json["error"]["code"] == "bad_signature"
    assert _status(created["id"]) == "pending_payment"
    assert _count(PaymentEvent) == 0


def test_a_stale_signature_is_refused(client, clock, fake_stripe):
    created, intent_id, _ = _basket(client, clock)
    fake_stripe.confirm(intent_id, "ok")
    event = fake_stripe.event("payment_intent.amount_capturable_updated", intent_id)

    stale = deliver(client, event, timestamp=int(time.time()) - 3600)  # replayed an hour later

    assert stale.status_code == 400 and stale.json["error"]["code"] == "bad_signature"
    assert _status(created["id"]) == "pending_payment"
    assert _count(PaymentEvent) == 0


def test_a_late_failure_after_the_authorisation_changes_nothing(client, clock, fake_stripe):
    created, intent_id, _ = _basket(client, clock)
    fake_stripe.confirm(intent_id, "declined")
    failed_first = fake_stripe.event("payment_intent.payment_failed", intent_id)
    fake_stripe.confirm(intent_id, "ok")

    authorise(client, fake_stripe, intent_id)
    late = deliver(client, failed_first)  # Stripe does not promise any order

    assert (late.status_code, late.json["outcome"]) == (200, "ignored")
    assert _status(created["id"]) == "placed"
    assert _count(PaymentTransaction, PaymentTransaction.status == "failed") == 0


def test_an_authorisation_event_read_before_the_card_was_accepted_places_nothing(
        client, clock, fake_stripe):
    created, intent_id, _ = _basket(client, clock)
    early = fake_stripe.event("payment_intent.amount_capturable_updated", intent_id)

    answer = deliver(client, early)  # Stripe's PaymentIntent says: not authorised

    assert answer.json["outcome"] == "not_authorized"
    assert _status(created["id"]) == "pending_payment"


def test_an_authorisation_after_the_hold_ran_out_is_released_not_placed(client, clock,
                                                                        fake_stripe, sms):
    created, intent_id, bread = _basket(client, clock)
    clock.set("2026-11-24T09:16:00+01:00")  # the hold ended at 09:15

    answer = authorise(client, fake_stripe, intent_id)

    assert answer.json["outcome"] == "released"
    assert fake_stripe.intents[intent_id]["status"] == "canceled"
    assert fake_stripe.captures[intent_id] == 0
    assert _status(created["id"]) == "expired"
    assert db.session.scalars(sa.select(Order.status)).all() == ["expired"]
    assert stock_of(bread) == 20
    assert _count(SmsMessage, SmsMessage.kind == "placed") == 0
    void = db.session.scalar(sa.select(PaymentTransaction).where(
        PaymentTransaction.kind == "void"))
    assert void.status == "succeeded"
    # Stripe then says the PaymentIntent is cancelled: fine, nothing more to do.
    canceled = deliver(client, fake_stripe.event("payment_intent.canceled", intent_id))
    assert canceled.status_code == 200 and _status(created["id"]) == "expired"


def test_an_authorisation_after_the_sweep_expired_the_hold_is_released(client, clock,
                                                                       fake_stripe, runner):
    created, intent_id, bread = _basket(client, clock)
    runner.invoke(args=["jobs", "run-once", "--at", "2026-11-24T09:20:00+01:00"])
    assert _status(created["id"]) == "expired" and stock_of(bread) == 20

    answer = authorise(client, fake_stripe, intent_id)

    assert answer.json["outcome"] == "released"
    assert fake_stripe.intents[intent_id]["status"] == "canceled"
    assert stock_of(bread) == 20


def test_the_webhook_is_not_there_without_stripe(database_uri, clock):
    from app import create_app
    from tests.conftest import _config
    offline = create_app({**_config(), "SQLALCHEMY_DATABASE_URI": database_uri})
    with offline.app_context():
        answer = offline.test_client().post("/api/v1/webhooks/stripe", data="{}")
    assert answer.status_code == 404
