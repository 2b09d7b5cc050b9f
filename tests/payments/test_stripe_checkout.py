"""Paying with Stripe, through the real SDK and a local fake Stripe: one PaymentIntent per
checkout, the authorisation by webhook, and the shopper charged exactly what was collected,
once, whatever the network does."""
import sqlalchemy as sa

from app.extensions import db
from app.notify.models import SmsMessage
from app.orders.models import Order
from app.payments.models import PaymentJob, PaymentTransaction
from tests.factories import make_product, make_shop, stock_of
from tests.payments.conftest import (RETRIES, authorise, create_checkout, deliver,
                                     merchant_headers)


def _statuses(checkout_id):
    return db.session.scalars(sa.select(Order.status).where(Order.checkout_id == checkout_id)
                              .order_by(Order.id)).all()


def _two_shop_checkout(client, clock):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    deli = make_shop("charcuterie", "Charcuterie Vidal")
    bread = make_product(bakery, "Baguette tradition", 130, stock=20)
    ham = make_product(deli, "Jambon sec", 690, stock=10)
    created = create_checkout(client, {bakery: [(bread, 3)], deli: [(ham, 2)]}, clock.now)
    assert created.status_code == 201, created.json
    return created.json, bakery, deli, bread, ham


def _hand_over(client, order, shop, quantities):
    """The shop confirms the lines (quantities in line order), then hands the basket over."""
    headers = merchant_headers(shop)
    lines = client.get(f"/api/v1/orders/{order['id']}",
                       headers={"X-Tracking-Token": order["tracking_token"]}).json["lines"]
    confirmed = client.post(f"/api/v1/merchant/orders/{order['id']}/confirm", headers=headers,
                            json={"lines": [{"id": line["id"], "quantity": q}
                                            for line, q in zip(lines, quantities)]})
    assert confirmed.status_code == 200, confirmed.json
    collected = client.post(f"/api/v1/merchant/orders/{order['id']}/collect", headers=headers)
    assert collected.status_code == 200, collected.json
    return collected


def test_a_checkout_opens_one_manual_capture_payment_intent(client, clock, fake_stripe):
    created, *_ = _two_shop_checkout(client, clock)

    payment = created["payment"]
    assert payment["provider"] == "stripe"
    assert payment["publishable_key"] == "pk_test_comptoir"
    intent = fake_stripe.intents[payment["payment_intent"]]
    assert payment["client_secret"] == intent["client_secret"]
    assert (intent["amount"], intent["currency"], intent["capture_method"]) == (
        3 * 130 + 2 * 690, "eur", "manual")
    assert intent["metadata"] == {"checkout_id": str(created["id"])}

    again = client.get(f"/api/v1/checkouts/{created['id']}",
                       headers={"X-Tracking-Token": created["orders"][0]["tracking_token"]})
    assert again.json["payment"] == payment
    assert len(fake_stripe.intents) == 1 and fake_stripe.count("POST", "/payment_intents") == 1


def test_authorised_by_webhook_then_each_shop_charges_exactly_what_was_collected(
        client, clock, fake_stripe, sms):
    created, bakery, deli, bread, ham = _two_shop_checkout(client, clock)
    intent_id = created["payment"]["payment_intent"]

    assert authorise(client, fake_stripe, intent_id).json["outcome"] == "placed"
    assert _statuses(created["id"]) == ["placed", "placed"]
    bakery_order, deli_order = created["orders"]
    _hand_over(client, bakery_order, bakery, [2])   # one baguette short
    assert fake_stripe.captures[intent_id] == 0     # the deli has not handed over yet
    _hand_over(client, deli_order, deli, [2])

    intent = fake_stripe.intents[intent_id]
    assert fake_stripe.captures[intent_id] == 1
    assert (intent["status"], intent["amount_received"]) == ("succeeded", 2 * 130 + 2 * 690)
    capture = db.session.scalar(sa.select(PaymentTransaction).where(
        PaymentTransaction.kind == "capture"))
    assert (capture.status, capture.amount_cents, capture.provider_ref) == (
        "succeeded", 2 * 130 + 2 * 690, intent_id)
    auth = db.session.scalar(sa.select(PaymentTransaction).where(
        PaymentTransaction.kind == "authorize"))
    assert auth.capture_before.timestamp() == fake_stripe.capture_before


def test_a_declined_card_places_nothing_and_another_card_can_follow(client, clock, fake_stripe):
    created, *_ = _two_shop_checkout(client, clock)
    intent_id = created["payment"]["payment_intent"]

    fake_stripe.confirm(intent_id, "declined")
    answer = deliver(client, fake_stripe.event("payment_intent.payment_failed", intent_id))

    assert answer.status_code == 200 and answer.json["outcome"] == "declined"
    assert _statuses(created["id"]) == ["pending_payment", "pending_payment"]
    declined = db.session.scalar(sa.select(PaymentTransaction).where(
        PaymentTransaction.status == "failed"))
    assert declined.error == "card_declined"

    assert authorise(client, fake_stripe, intent_id).json["outcome"] == "placed"
    assert _statuses(created["id"]) == ["placed", "placed"]


def test_3d_secure_places_nothing_until_the_authorisation_webhook(client, clock, fake_stripe):
    created, *_ = _two_shop_checkout(client, clock)
    intent_id = created["payment"]["payment_intent"]

    assert fake_stripe.confirm(intent_id, "3ds")["status"] == "requires_action"
    waiting = deliver(client, fake_stripe.event("payment_intent.requires_action", intent_id))
    assert waiting.status_code == 200
    assert _statuses(created["id"]) == ["pending_payment", "pending_payment"]

    fake_stripe.confirm(intent_id, "3ds_done")  # the shopper passed the bank's challenge
    deliver(client, fake_stripe.event("payment_intent.amount_capturable_updated", intent_id))
    assert _statuses(created["id"]) == ["placed", "placed"]


def _collected_single_shop(client, clock, fake_stripe):
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=20)
    created = create_checkout(client, {shop: [(bread, 4)]}, clock.now).json
    intent_id = created["payment"]["payment_intent"]
    authorise(client, fake_stripe, intent_id)
    return created, shop, intent_id


def test_a_capture_that_times_out_is_retried_and_charges_once(client, clock, fake_stripe):
    created, shop, intent_id = _collected_single_shop(client, clock, fake_stripe)
    # Stripe captures, but the answer comes after the SDK stopped waiting.
    fake_stripe.fail_next("slow", slow_seconds=2.5)

    _hand_over(client, created["orders"][0], shop, [4])

    assert fake_stripe.count("POST", "/capture") == 2
    assert fake_stripe.captures[intent_id] == 1
    assert fake_stripe.intents[intent_id]["amount_received"] == 520
    assert db.session.scalar(sa.select(PaymentTransaction.status).where(
        PaymentTransaction.kind == "capture")) == "succeeded"


def test_a_capture_answered_500_is_retried_and_charges_once(client, clock, fake_stripe):
    created, shop, intent_id = _collected_single_shop(client, clock, fake_stripe)
    fake_stripe.fail_next("500", times=RETRIES)

    _hand_over(client, created["orders"][0], shop, [3])

    assert fake_stripe.count("POST", "/capture") == RETRIES + 1
    assert fake_stripe.captures[intent_id] == 1
    assert fake_stripe.intents[intent_id]["amount_received"] == 390


def test_when_stripe_stays_down_the_capture_waits_for_the_sweep_and_charges_once(
        client, clock, fake_stripe, runner):
    created, shop, intent_id = _collected_single_shop(client, clock, fake_stripe)
    fake_stripe.fail_next("500", times=RETRIES + 1)  # every try of this call fails

    _hand_over(client, created["orders"][0], shop, [4])
    assert fake_stripe.captures[intent_id] == 0
    # The failed try is on record, and the job waits for the sweep.
    assert db.session.execute(sa.select(PaymentTransaction.status, PaymentTransaction.error)
                              .where(PaymentTransaction.kind == "capture")).one()[0] == "failed"
    assert db.session.scalar(sa.select(PaymentJob.status)) == "pending"

    result = runner.invoke(args=["jobs", "run-once", "--at", clock.now.isoformat()])
    assert "settle_payments: 1" in result.output
    assert fake_stripe.captures[intent_id] == 1
    assert fake_stripe.intents[intent_id]["amount_received"] == 520


def test_stripe_down_at_checkout_answers_503_and_the_hold_expires_as_usual(
        client, clock, fake_stripe, runner):
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=20)
    fake_stripe.fail_next("500", times=RETRIES + 1)

    down = create_checkout(client, {shop: [(bread, 3)]}, clock.now, key="basket-1")

    assert down.status_code == 503
    assert down.json["error"]["code"] == "payment_unavailable"
    assert "réservés" in down.json["error"]["message"]
    assert stock_of(bread) == 17  # held, nothing lost

    retried = create_checkout(client, {shop: [(bread, 3)]}, clock.now, key="basket-1")
    assert retried.status_code == 201 and retried.json["payment"]["payment_intent"]
    assert len(fake_stripe.intents) == 1

    result = runner.invoke(args=["jobs", "run-once", "--at", "2026-11-24T09:30:00+01:00"])
    assert "release_expired_holds: 1" in result.output
    assert stock_of(bread) == 20
    assert _statuses(retried.json["id"]) == ["expired"]


def test_the_payment_page_mounts_stripe_elements_or_says_stripe_is_down(client, clock,
                                                                       fake_stripe):
    from tests.web.helpers import add_to_cart, checkout_form, csrf_token
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=20)
    add_to_cart(client, bread, 2)
    fake_stripe.fail_next("500", times=RETRIES + 1)

    posted = client.post("/commande", data=checkout_form(client, [shop]))
    down = client.get(posted.headers["Location"])

    assert down.status_code == 503
    html = down.get_data(as_text=True)
    assert "momentanément indisponible" in html and "js.stripe.com" not in html
    assert stock_of(bread) == 18

    # Looking again writes nothing at Stripe; "Réessayer" (a POST) opens the PaymentIntent.
    assert client.get(posted.headers["Location"]).status_code == 503
    assert not fake_stripe.intents
    page = client.post(posted.headers["Location"],
                       data={"csrf_token": csrf_token(html)}).get_data(as_text=True)
    [intent] = fake_stripe.intents.values()
    assert 'src="https://js.stripe.com/v3/"' in page
    assert intent["client_secret"] in page and "pk_test_comptoir" in page
    assert SmsMessage.query.count() == 0


def test_a_capture_retried_after_stripe_forgot_its_key_is_not_charged_again(
        client, clock, fake_stripe, payments):
    created, shop, intent_id = _collected_single_shop(client, clock, fake_stripe)
    _hand_over(client, created["orders"][0], shop, [4])
    fake_stripe.forget_idempotency_keys()  # 24 hours later

    again = payments.capture(provider_ref=intent_id, amount_cents=520,
                             idempotency_key=f"settle:{created['id']}")

    assert again.ok
    assert fake_stripe.captures[intent_id] == 1


def test_an_authorisation_for_a_basket_cancelled_meanwhile_is_released(client, clock,
                                                                       fake_stripe):
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=20)
    created = create_checkout(client, {shop: [(bread, 2)]}, clock.now).json
    [order] = created["orders"]
    cancelled = client.post(f"/api/v1/orders/{order['id']}/cancel",
                            headers={"X-Tracking-Token": order["tracking_token"]})
    assert cancelled.status_code == 200

    authorise(client, fake_stripe, created["payment"]["payment_intent"])

    assert fake_stripe.intents[created["payment"]["payment_intent"]]["status"] == "canceled"
    assert _statuses(created["id"]) == ["cancelled"]
    assert stock_of(bread) == 20


def test_back_from_stripe_the_page_waits_for_the_webhook_then_thanks(client, clock,
                                                                    fake_stripe):
    from tests.web.helpers import add_to_cart, checkout_form, csrf_token
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130, stock=20)
    add_to_cart(client, bread, 2)
    payment_url = client.post("/commande", data=checkout_form(client, [shop])).headers["Location"]
    client.get(payment_url)
    [intent_id] = fake_stripe.intents

    back = client.get(f"{payment_url}?payment_intent={intent_id}&redirect_status=succeeded")
    assert back.status_code == 200
    assert 'data-testid="payment-waiting"' in back.get_data(as_text=True)

    authorise(client, fake_stripe, intent_id)
    done = client.get(payment_url)
    assert done.status_code == 302 and done.headers["Location"].endswith("/merci")
    assert 'data-testid="thanks"' in client.get(done.headers["Location"]).get_data(as_text=True)
