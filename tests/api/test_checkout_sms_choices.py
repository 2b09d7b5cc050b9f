"""POST /checkouts records the language of the shopper's SMS and their consent to the
town's promotional SMS: optional fields, added to the contract without changing it."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify.models import SmsMessage
from app.orders.models import Checkout, Customer
from tests.api.conftest import count, error_of
from tests.factories import checkout_payload, later


def checkout(client, lines_by_shop, now, **customer_fields):
    """A checkout, paid: one phone may only keep a few waiting for payment at once."""
    payload = checkout_payload(lines_by_shop, now)
    payload["customer"].update(customer_fields)
    response = client.post("/api/v1/checkouts", json=payload)
    assert response.status_code == 201, response.get_json()
    paid = client.post(f"/api/v1/checkouts/{response.json['id']}/pay",
                       json={"payment_method": "test_ok"})
    assert paid.status_code == 200, paid.get_json()
    return response.json


def shopper() -> Customer:
    db.session.expire_all()
    return db.session.scalar(sa.select(Customer))


def test_the_shopper_who_chose_english_gets_english_sms(client, clock, shop, bread):
    created = checkout(client, {shop: [(bread, 1)]}, clock.now, language="en")
    client.post(f"/api/v1/checkouts/{created['id']}/pay", json={"payment_method": "test_ok"})

    assert shopper().language == "en"
    body = db.session.scalar(sa.select(SmsMessage.body).where(SmsMessage.kind == "placed"))
    assert body.startswith(f"Boulangerie Martin: order {created['orders'][0]['id']} placed "
                           f"for Tue 24/11 at 10:00 ")
    assert body.endswith(" Reply STOP to opt out")


def test_the_latest_checkout_that_says_a_language_decides(client, clock, shop, bread):
    checkout(client, {shop: [(bread, 1)]}, clock.now)
    assert shopper().language == "fr"  # by default

    checkout(client, {shop: [(bread, 1)]}, clock.now, language="en")
    assert shopper().language == "en"
    checkout(client, {shop: [(bread, 1)]}, clock.now)  # an older client, without the field
    assert shopper().language == "en"
    checkout(client, {shop: [(bread, 1)]}, clock.now, language="fr")
    assert shopper().language == "fr"


def test_consent_to_promotions_keeps_its_first_time_and_is_not_taken_back_by_a_checkout(
        client, clock, shop, bread):
    checkout(client, {shop: [(bread, 1)]}, clock.now, sms_promotions=False)
    assert shopper().promo_consent_at is None

    checkout(client, {shop: [(bread, 1)]}, clock.now, sms_promotions=True)
    assert shopper().promo_consent_at == clock.now

    checkout(client, {shop: [(bread, 1)]}, later(clock.now, minutes=5), sms_promotions=True)
    checkout(client, {shop: [(bread, 1)]}, later(clock.now, minutes=6), sms_promotions=False)
    checkout(client, {shop: [(bread, 1)]}, later(clock.now, minutes=7))
    assert shopper().promo_consent_at == clock.now


@pytest.mark.parametrize("field, value", [
    ("language", "de"), ("language", "EN"), ("language", ""), ("language", 1),
    ("language", ["en"]), ("sms_promotions", "yes"), ("sms_promotions", 1),
    ("sms_promotions", "true"), ("sms_promotions", {}),
])
def test_an_unknown_language_or_a_consent_that_is_not_a_boolean_is_refused(
        client, clock, shop, bread, field, value):
    payload = checkout_payload({shop: [(bread, 1)]}, clock.now)
    payload["customer"][field] = value

    response = client.post("/api/v1/checkouts", json=payload)

    assert error_of(response)[::2] == (422, f"customer.{field}")
    assert count(Checkout) == 0 and count(Customer) == 0
