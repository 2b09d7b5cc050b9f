"""Stripe with a town gift voucher: the PaymentIntent is for the card's part only, and the
capture for what the voucher did not pay of what was collected."""
import sqlalchemy as sa

from app.extensions import db
from app.payments.models import PaymentTransaction
from app.vouchers.models import Voucher
from tests.factories import checkout_payload, make_product, make_shop
from tests.payments.conftest import authorise, merchant_headers
from tests.vouchers.helpers import sold_voucher


def test_the_payment_intent_is_for_the_card_part_and_the_capture_for_the_rest(
        client, clock, fake_stripe):
    deli = make_shop("charcuterie", "Charcuterie Vidal")
    ham = make_product(deli, "Jambon sec", 690, stock=10)
    voucher = sold_voucher(clock.now, 1000)
    body = checkout_payload({deli: [(ham, 3)]}, clock.now)  # 20,70 €
    body["vouchers"] = [voucher.code]

    created = client.post("/api/v1/checkouts", json=body).json
    intent_id = created["payment"]["payment_intent"]
    assert fake_stripe.intents[intent_id]["amount"] == 1070
    assert authorise(client, fake_stripe, intent_id).status_code == 200

    order = created["orders"][0]
    headers = merchant_headers(deli)
    line = client.get(f"/api/v1/orders/{order['id']}",
                      headers={"X-Tracking-Token": order["tracking_token"]}).json["lines"][0]
    client.post(f"/api/v1/merchant/orders/{order['id']}/confirm", headers=headers,
                json={"lines": [{"id": line["id"], "quantity": 2}]})  # 13,80 € collected
    client.post(f"/api/v1/merchant/orders/{order['id']}/collect", headers=headers)

    assert fake_stripe.intents[intent_id]["amount_received"] == 380
    assert db.session.execute(sa.select(PaymentTransaction.amount_cents)
                              .where(PaymentTransaction.kind == "capture")).scalars().all() == [380]
    assert db.session.scalar(sa.select(Voucher.available_cents)
                             .where(Voucher.id == voucher.id)) == 0
