"""Nothing leaves the process with a database transaction open (issue 11).

A capture, a refund, an authorisation, Stripe's PaymentIntent or an SMS is asked for with
no transaction open, so no lock (on SQLite, the whole database's write lock) is held while
the provider answers; the suite's fakes refuse any call made inside one
(tests/provider_guard.py). A look at a checkout writes nothing at Stripe. On SQLite a page
is read beside a writer, never behind it."""
import sqlite3
import threading
import time

import pytest

from app.database import unit_of_work
from app.extensions import db
from app.ledger.refunds import refund_order
from app.notify.services import flush_outbox
from app.orders import services as orders
from app.payments.webhooks import handle_stripe_event
from tests import provider_guard as guard
from tests.factories import make_product, make_shop, place_order
from tests.ledger.helpers import bakery_sale
from tests.notify.fake_twilio import fake_twilio, twilio_app  # noqa: F401
from tests.payments.conftest import (RETRIES, WEBHOOK_SECRET, authorise, create_checkout,
                                     fake_stripe, merchant_headers, stripe_app_on)  # noqa: F401
from tests.payments.fake_stripe import sign


def bread_checkout(clock, payments, *, pay: bool):
    shop = make_shop()
    return place_order({shop: [(make_product(shop), 2)]}, clock.now, payments, pay=pay)


# --- the guard catches a call made inside a transaction --------------------------------


def test_an_authorisation_asked_inside_a_transaction_fails_the_offline_provider(
        app, clock, payments):
    checkout = bread_checkout(clock, payments, pay=False)

    # pay_checkout run inside a caller's unit of work: the bank is asked with it open.
    with guard.expected_violation(), pytest.raises(guard.ProviderCalledInTransaction):
        with unit_of_work():
            orders.pay_checkout(checkout.id, "test_ok", now=clock.now, provider=payments)

    assert payments.calls == []


class TestStripe:
    @pytest.fixture
    def app(self, database_uri, clock, fake_stripe):
        with stripe_app_on(database_uri, clock, fake_stripe) as app:
            yield app

    def test_a_stripe_call_inside_a_transaction_fails_the_fake(self, client, clock,
                                                               fake_stripe, payments):
        shop = make_shop()
        created = create_checkout(client, {shop: [(make_product(shop), 2)]}, clock.now).json
        intent_id = created["payment"]["payment_intent"]
        fake_stripe.confirm(intent_id, "ok")
        payload = fake_stripe.event("payment_intent.amount_capturable_updated", intent_id)

        # The webhook's handling run inside a caller's transaction: its fetch_intent is
        # refused by the fake (the handling falls back on the event's copy).
        with guard.expected_violation():
            with unit_of_work():
                handle_stripe_event(payload.encode(), sign(payload, WEBHOOK_SECRET),
                                    now=clock.now, provider=payments)

        assert fake_stripe.count("GET", f"/payment_intents/{intent_id}") == 1

    def test_the_webhook_fetches_the_payment_intent_with_no_transaction_open(
            self, client, clock, fake_stripe):
        shop = make_shop()
        created = create_checkout(client, {shop: [(make_product(shop), 2)]}, clock.now).json
        intent_id = created["payment"]["payment_intent"]

        assert authorise(client, fake_stripe, intent_id).json["outcome"] == "placed"

        assert fake_stripe.count("GET", f"/payment_intents/{intent_id}") == 1
        assert guard.violations == []

    def test_a_settlement_captures_at_stripe_with_no_transaction_open(self, client, clock,
                                                                      fake_stripe):
        shop = make_shop()
        created = create_checkout(client, {shop: [(make_product(shop), 2)]}, clock.now).json
        intent_id = created["payment"]["payment_intent"]
        authorise(client, fake_stripe, intent_id)
        [order] = created["orders"]
        headers = merchant_headers(shop)
        lines = client.get(f"/api/v1/orders/{order['id']}",
                           headers={"X-Tracking-Token": order["tracking_token"]}).json["lines"]
        client.post(f"/api/v1/merchant/orders/{order['id']}/confirm", headers=headers,
                    json={"lines": [{"id": lines[0]["id"], "quantity": 2}]})

        collected = client.post(f"/api/v1/merchant/orders/{order['id']}/collect",
                                headers=headers)

        assert collected.status_code == 200
        assert fake_stripe.captures[intent_id] == 1
        assert guard.violations == []

    def test_a_look_at_a_checkout_through_the_api_asks_nothing_of_stripe(
            self, client, clock, fake_stripe, payments):
        # Made through the service: its PaymentIntent is not opened yet (Stripe was down).
        checkout = bread_checkout(clock, payments, pay=False)
        token = checkout.orders[0].tracking_token
        before = len(fake_stripe.requests)

        looked = [client.get(f"/api/v1/checkouts/{checkout.id}",
                             headers={"X-Tracking-Token": token}) for _ in range(2)]

        assert [answer.status_code for answer in looked] == [200, 200]
        assert looked[0].json["payment"]["client_secret"] is None
        assert fake_stripe.requests[before:] == []
        assert not fake_stripe.intents

    def test_a_look_at_the_payment_page_asks_nothing_of_stripe(self, client, clock,
                                                               fake_stripe):
        from tests.web.helpers import add_to_cart, checkout_form
        shop = make_shop()
        add_to_cart(client, make_product(shop), 2)
        fake_stripe.fail_next("500", times=RETRIES + 1)  # no PaymentIntent at the checkout
        payment_url = client.post("/commande",
                                  data=checkout_form(client, [shop])).headers["Location"]
        before = len(fake_stripe.requests)

        looked = [client.get(payment_url) for _ in range(2)]

        assert [page.status_code for page in looked] == [503, 503]  # "try again" offered
        assert fake_stripe.requests[before:] == []
        assert not fake_stripe.intents


# --- each provider call of the app runs with no transaction open ------------------------


def test_pay_checkout_authorises_with_no_transaction_open(app, clock, payments):
    bread_checkout(clock, payments, pay=True)

    assert [call[0] for call in payments.calls] == ["authorize"]
    assert guard.checked == ["payments.authorize"]


def test_a_settlement_captures_with_no_transaction_open(app, clock, payments):
    bakery_sale(clock, payments)

    assert [call[0] for call in payments.calls] == ["authorize", "capture"]
    assert guard.checked == ["payments.authorize", "payments.capture"]


def test_a_refund_is_made_with_no_transaction_open(app, clock, payments):
    shop, order = bakery_sale(clock, payments)

    refund_order(order.id, reason="tarte abîmée", actor=f"shop:{shop.id}", now=clock.now,
                 provider=payments, shop_id=shop.id, amount_cents=500)

    assert payments.calls[-1][0] == "refund"
    assert guard.checked[-1] == "payments.refund"


class TestTwilio:
    @pytest.fixture
    def app(self, twilio_app):
        return twilio_app

    def test_the_sms_flush_sends_with_no_transaction_open(self, clock, payments, sms,
                                                          fake_twilio):
        bread_checkout(clock, payments, pay=True)

        assert flush_outbox(sms, clock.now) == 1

        assert fake_twilio.count("POST") == 1
        assert guard.violations == []

    def test_an_sms_sent_inside_a_transaction_fails_the_fake(self, clock, payments, sms,
                                                             fake_twilio):
        bread_checkout(clock, payments, pay=True)

        with guard.expected_violation():
            with unit_of_work():
                assert flush_outbox(sms, clock.now) == 0  # refused

        assert fake_twilio.count("POST") == 1 and fake_twilio.messages == []


# --- SQLite: a page is read beside a writer -------------------------------------------


@pytest.mark.parametrize("database_uri", ["sqlite"], indirect=True)  # its database-wide lock
@pytest.mark.real_commits
def test_on_sqlite_a_shop_page_answers_while_a_writer_holds_the_lock(app, client):
    shop = make_shop()
    product = make_product(shop)
    page_url, product_id = f"/boutiques/{shop.slug}", product.id
    db.session.commit()
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None, timeout=30,
                             check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")  # a checkout, a capture's record: the write lock
    writer.execute("UPDATE products SET name = name WHERE id = ?", (product_id,))
    # Let go after 3 s whatever happens, so that a page waiting for it shows as slow.
    release = threading.Timer(3, writer.commit)
    release.start()
    try:
        started = time.monotonic()
        page = client.get(page_url)
        took = time.monotonic() - started
    finally:
        release.cancel()
        writer.rollback()
        writer.close()

    assert page.status_code == 200 and "Baguette tradition" in page.get_data(as_text=True)
    assert took < 1.5, f"the page waited {took:.1f} s for the writer"
