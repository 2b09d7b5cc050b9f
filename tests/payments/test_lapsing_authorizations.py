"""Stripe drops an uncaptured authorisation after 7 days (capture_before): a day before,
the sweep charges what has been collected and releases the rest, and says so."""
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.notify.models import SmsMessage
from app.orders.models import Order, OrderEvent
from tests.factories import make_product, make_shop
from tests.payments.conftest import authorise, create_checkout, merchant_headers


def test_before_the_authorisation_lapses_the_collected_part_is_captured_and_the_rest_released(
        client, clock, fake_stripe, runner):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    # A shop that keeps uncollected baskets ten days: no no-show sweep ends this one first.
    deli = make_shop("charcuterie", "Charcuterie Vidal", no_show_minutes=10 * 24 * 60)
    bread = make_product(bakery, "Baguette tradition", 130, stock=20)
    ham = make_product(deli, "Jambon sec", 690, stock=10)
    created = create_checkout(client, {bakery: [(bread, 2)], deli: [(ham, 1)]}, clock.now).json
    intent_id = created["payment"]["payment_intent"]
    authorise(client, fake_stripe, intent_id)
    bakery_order, deli_order = created["orders"]
    headers = merchant_headers(bakery)
    client.post(f"/api/v1/merchant/orders/{bakery_order['id']}/confirm", headers=headers,
                json={"lines": []})
    client.post(f"/api/v1/merchant/orders/{bakery_order['id']}/collect", headers=headers)
    lapse = clock.now + timedelta(days=7)

    early = runner.invoke(args=["jobs", "run-once", "--at",
                                (lapse - timedelta(hours=30)).isoformat()])
    assert "settle_lapsing_authorizations: 0" in early.output
    assert fake_stripe.captures[intent_id] == 0

    due = runner.invoke(args=["jobs", "run-once", "--at",
                              (lapse - timedelta(hours=23)).isoformat()])

    assert "settle_lapsing_authorizations: 1" in due.output
    assert fake_stripe.captures[intent_id] == 1
    assert fake_stripe.intents[intent_id]["amount_received"] == 2 * 130
    deli_now = db.session.get(Order, deli_order["id"])
    assert deli_now.status == "cancelled"
    assert deli_now.events[-1].code == "authorization_lapsing"
    assert db.session.scalar(sa.select(OrderEvent.actor).where(
        OrderEvent.order_id == deli_order["id"], OrderEvent.type == "cancelled")) == "system"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsMessage).where(
        SmsMessage.kind == "cancelled", SmsMessage.order_id == deli_order["id"])) == 1

    again = runner.invoke(args=["jobs", "run-once", "--at", lapse.isoformat()])
    assert "settle_lapsing_authorizations: 0" in again.output
    assert fake_stripe.captures[intent_id] == 1
