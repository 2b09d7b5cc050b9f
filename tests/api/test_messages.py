"""The shop writes to its shopper through the API (its till app), reads the replies, and
sees in its queue which shoppers an SMS did not reach."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify.models import SmsMessage
from app.notify.optout import handle_inbound_sms
from tests.api.conftest import count, error_of
from tests.factories import later, make_product, make_shop, place_order


@pytest.fixture
def order(clock, payments, shop, bread):
    return place_order({shop: [(bread, 2)]}, clock.now, payments).orders[0]


def messages_url(order_id: int) -> str:
    return f"/api/v1/merchant/orders/{order_id}/messages"


def test_the_shop_writes_and_the_message_shows_as_an_order_event(client, clock, auth, order):
    response = client.post(messages_url(order.id), headers=auth,
                           json={"text": "Plus de baguette tradition, une ordinaire ?"})

    assert response.status_code == 201
    message = response.get_json()
    assert message["body"] == (f"Boulangerie Martin (commande {order.id}) : Plus de baguette "
                               f"tradition, une ordinaire ? Repondez a ce SMS.")
    assert (message["status"], message["segments"], message["order_id"]) == (
        "queued", 1, order.id)
    tracked = client.get(f"/api/v1/orders/{order.id}",
                         headers={"X-Tracking-Token": order.tracking_token}).get_json()
    assert {"type": "sms_to_shopper", "at": "2026-11-24T09:00:00+01:00",
            "note": "Plus de baguette tradition, une ordinaire ?",
            "text": "Plus de baguette tradition, une ordinaire ?"} in [
        {key: event[key] for key in ("type", "at", "note", "text")}  # and code, params
        for event in tracked["events"]]


def test_a_double_submit_answers_the_same_message(client, auth, order):
    first = client.post(messages_url(order.id), headers=auth, json={"text": "Une ordinaire ?"})
    again = client.post(messages_url(order.id), headers=auth, json={"text": "Une ordinaire ?"})

    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert count(SmsMessage) == 2  # the order's confirmation, and this one


def test_the_conversation_lists_both_ways_in_time_order(client, clock, auth, order):
    client.post(messages_url(order.id), headers=auth, json={"text": "Une ordinaire ?"})
    handle_inbound_sms(sender="+33612345678", body="Oui merci",
                       now=later(clock.now, minutes=2), provider_ref="SM1")

    response = client.get(messages_url(order.id), headers=auth)

    assert response.status_code == 200
    assert [(i["direction"], i["kind"], i["status"]) for i in response.get_json()] == [
        ("out", "placed", "queued"), ("out", "shop_message", "queued"),
        ("in", "reply", None)]
    assert response.get_json()[2]["text"] == "Oui merci"


def test_another_shops_order_does_not_exist(client, clock, payments, auth, bread):
    butcher = make_shop("boucherie", "Boucherie Roux")
    theirs = place_order({butcher: [(make_product(butcher, "Jambon", 450), 1)]}, clock.now,
                         payments).orders[0]

    assert error_of(client.post(messages_url(theirs.id), headers=auth,
                                json={"text": "Bonjour"}))[:2] == (404, "not_found")
    assert error_of(client.get(messages_url(theirs.id), headers=auth))[:2] == (404, "not_found")
    assert error_of(client.post(messages_url(2_147_483_647), headers=auth,
                                json={"text": "Bonjour"}))[:2] == (404, "not_found")


@pytest.mark.parametrize("body, status, code, field", [
    ({}, 422, "required", "text"),
    ({"text": "   "}, 422, "required", "text"),
    ({"text": 42}, 422, "required", "text"),
    ({"text": "a" * 101}, 422, "invalid", "text"),
    ({"text": "Bravo 🎉"}, 422, "not_gsm7", "text"),
    ({"text": "nul\u0000"}, 422, "invalid_text", "text"),
])
def test_a_text_the_sms_cannot_carry_is_refused(client, auth, order, body, status, code,
                                                field):
    response = client.post(messages_url(order.id), headers=auth, json=body)

    assert error_of(response) == (status, code, field)
    assert count(SmsMessage) == 1  # only the order's confirmation


def test_writing_needs_the_shops_token(client, order):
    response = client.post(messages_url(order.id), json={"text": "Bonjour"})

    assert error_of(response)[:2] == (401, "missing_token")


def test_the_queue_says_which_orders_sms_did_not_reach_the_shopper(client, clock, payments,
                                                                   auth, shop, bread, order):
    other = place_order({shop: [(bread, 1)]}, clock.now, payments, phone="0698765432",
                        name="Paul Roux").orders[0]
    db.session.execute(sa.update(SmsMessage).where(SmsMessage.order_id == order.id)
                       .values(status="failed", error="Numéro invalide."))
    db.session.commit()

    queue = client.get("/api/v1/merchant/orders", headers=auth).get_json()

    assert {o["id"]: o["sms_not_delivered"] for o in queue} == {order.id: True,
                                                               other.id: False}
    assert "customer" in queue[0] and "events" in queue[0]  # the fields of before remain
