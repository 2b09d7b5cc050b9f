"""Web Push, the free channel beside the SMS, through the same outbox: a shopper who opted
in on the tracking page gets "votre commande est prête" as a push (signed with our VAPID
key, encrypted for their browser), an SMS otherwise; a subscription the push service says
is gone ends, and the SMS goes in its place; two flushes at once push once."""
import json
import re
import threading

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec

from app.database import unit_of_work
from app.errors import Invalid
from app.extensions import db
from app.notify.models import PushSubscription, SmsMessage
from app.notify.push import subscribe
from app.notify.services import flush_outbox, queue_sms
from app.notify.web_push import WebPushSender, b64url
from tests.factories import make_product, make_shop, place_order
from tests.notify.fake_push import FakePushService
from tests.notify.fake_twilio import fake_twilio, twilio_app  # noqa: F401

PRIVATE_KEY = b64url(ec.generate_private_key(ec.SECP256R1()).private_numbers()
                     .private_value.to_bytes(32, "big"))


@pytest.fixture
def app(twilio_app):
    return twilio_app


@pytest.fixture
def pusher(app):
    return WebPushSender(PRIVATE_KEY, "mailto:tech@comptoir.test", services=[],
                         public_url="https://comptoir.test")


@pytest.fixture
def push_service(pusher):
    fake = FakePushService(pusher.public_key).start()
    pusher.services = (fake.url,)
    yield fake
    fake.stop()


@pytest.fixture
def order(app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, stock=10)
    checkout = place_order({shop: [(bread, 1)]}, clock.now, payments)
    order = checkout.orders[0]
    db.session.commit()
    return order


def ready(order, now) -> int:
    """The shop pressed "prête": the message queued as the order's transition queues it."""
    with unit_of_work():
        queue_sms(to=order.customer.phone, body=f"Boulangerie Martin : commande {order.id} "
                  "préparée, à retirer mardi.", kind="ready", dedupe_key=f"ready:{order.id}",
                  order_id=order.id, shop_id=order.shop_id, now=now)
        return db.session.scalar(sa.select(SmsMessage.id)
                                 .where(SmsMessage.dedupe_key == f"ready:{order.id}"))


def row(message_id: int) -> SmsMessage:
    db.session.expire_all()
    return db.session.get(SmsMessage, message_id)


def flush_placed(sms, clock):
    flush_outbox(sms, clock.now)  # the "placed" SMS of the order, before anyone opted in


def test_an_opted_in_shopper_gets_ready_as_a_push_and_no_sms(
        order, clock, sms, pusher, push_service, fake_twilio):
    flush_placed(sms, clock)
    phone = push_service.subscriber("claire")
    subscribe(order.id, phone.subscription(), services=pusher.services, now=clock.now)
    message_id = ready(order, clock.now)

    assert flush_outbox(sms, clock.now, push=pusher) == 1

    assert push_service.refused == []
    [pushed] = push_service.received
    assert pushed["payload"] == {
        "title": "Boulangerie Martin",
        "body": f"Boulangerie Martin : commande {order.id} préparée, à retirer mardi.",
        "url": f"https://comptoir.test/suivi/{order.tracking_token}"}
    assert pushed["topic"] == f"comptoir-{message_id}" and int(pushed["ttl"]) > 0
    sent = row(message_id)
    assert (sent.status, sent.channel) == ("sent", "push")
    assert sent.provider_ref.startswith(push_service.url + "/message/")
    assert [m["body"] for m in fake_twilio.messages if "préparée" in m["body"]] == []


def test_without_a_subscription_the_message_goes_by_sms(order, clock, sms, pusher,
                                                          push_service, fake_twilio):
    flush_placed(sms, clock)
    message_id = ready(order, clock.now)

    flush_outbox(sms, clock.now, push=pusher)

    assert push_service.received == []
    assert row(message_id).channel is None and row(message_id).status == "sent"
    assert any("préparée" in m["body"] for m in fake_twilio.messages)


@pytest.mark.parametrize("gone", [404, 410])
def test_a_subscription_the_push_service_says_is_gone_ends_and_the_sms_goes(
        order, clock, sms, pusher, push_service, fake_twilio, gone):
    flush_placed(sms, clock)
    phone = push_service.subscriber("claire")
    subscribe(order.id, phone.subscription(), services=pusher.services, now=clock.now)
    push_service.answers["claire"] = gone
    message_id = ready(order, clock.now)

    assert flush_outbox(sms, clock.now, push=pusher) == 1

    assert push_service.received == []
    assert row(message_id).channel is None and row(message_id).status == "sent"
    assert any("préparée" in m["body"] for m in fake_twilio.messages)
    db.session.expire_all()
    assert db.session.scalar(sa.select(PushSubscription.ended_at)) == clock.now


def test_a_push_service_down_is_tried_again_later_like_an_sms(order, clock, sms, pusher,
                                                               push_service, fake_twilio):
    flush_placed(sms, clock)
    phone = push_service.subscriber("claire")
    subscribe(order.id, phone.subscription(), services=pusher.services, now=clock.now)
    push_service.answers["claire"] = 503
    message_id = ready(order, clock.now)

    assert flush_outbox(sms, clock.now, push=pusher) == 0

    assert row(message_id).status == "queued" and "503" in row(message_id).error
    assert not any("préparée" in m["body"] for m in fake_twilio.messages)


def test_a_shop_message_stays_an_sms(order, clock, sms, pusher, push_service, fake_twilio):
    flush_placed(sms, clock)
    phone = push_service.subscriber("claire")
    subscribe(order.id, phone.subscription(), services=pusher.services, now=clock.now)
    with unit_of_work():
        queue_sms(to=order.customer.phone, body="Il reste des myrtilles ?", kind="shop_message",
                  dedupe_key="shop:1", order_id=order.id, now=clock.now)

    flush_outbox(sms, clock.now, push=pusher)

    assert push_service.received == []


@pytest.mark.real_commits
def test_two_flushes_at_once_push_once(app, order, clock, sms, pusher, push_service):
    flush_placed(sms, clock)
    phone = push_service.subscriber("claire")
    subscribe(order.id, phone.subscription(), services=pusher.services, now=clock.now)
    message_id = ready(order, clock.now)
    push_service.delay = 0.05  # the first push still in flight when the other flush claims
    db.session.commit()
    barrier, counts, crashes = threading.Barrier(2), [0, 0], []

    def flush(i):
        with app.app_context():  # its own session and connection, as a process would have
            try:
                barrier.wait(timeout=30)
                counts[i] = flush_outbox(sms, clock.now, push=pusher)
            except Exception as crash:  # noqa: BLE001  shown by the assertion below
                crashes.append(repr(crash))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=flush, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert crashes == [] and sum(counts) == 1
    assert len(push_service.received) == 1
    assert row(message_id).channel == "push"


def test_a_subscription_is_refused_unless_its_keys_and_push_service_are_right(
        order, clock, pusher, push_service):
    good = push_service.subscriber("claire").subscription()
    elsewhere = {**good, "endpoint": "https://evil.example/push/1"}
    bad_key = {**good, "keys": {**good["keys"], "p256dh": "AAAA"}}
    for wrong in (elsewhere, bad_key, {"endpoint": good["endpoint"]}, "nonsense", None):
        with pytest.raises(Invalid):
            subscribe(order.id, wrong, services=pusher.services, now=clock.now)
    subscribe(order.id, good, services=pusher.services, now=clock.now)
    subscribe(order.id, good, services=pusher.services, now=clock.now)  # again: one row
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 1


def test_the_tracking_page_offers_the_opt_in_and_records_it(app, client, order, clock,
                                                            push_service):
    app.config.update(VAPID_PRIVATE_KEY=PRIVATE_KEY, VAPID_SUBJECT="mailto:tech@comptoir.test",
                      PUSH_SERVICES=push_service.url)
    html = client.get(f"/suivi/{order.tracking_token}").get_data(as_text=True)
    assert 'data-testid="push-optin"' in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    subscription = push_service.subscriber("claire").subscription()

    answer = client.post(f"/suivi/{order.tracking_token}/notifications",
                         data={"csrf_token": token, "subscription": json.dumps(subscription)},
                         headers={"Accept": "application/json"})
    garbled = client.post(f"/suivi/{order.tracking_token}/notifications",
                          data={"csrf_token": token, "subscription": "{not json"},
                          headers={"Accept": "application/json"})
    unknown = client.post("/suivi/nope/notifications", data={"csrf_token": token})

    assert answer.status_code == 200 and answer.json["ok"] is True
    assert garbled.status_code == 422 and unknown.status_code == 404
    saved = db.session.scalar(sa.select(PushSubscription))
    assert saved.customer_id == order.customer_id and saved.endpoint == subscription["endpoint"]


def test_without_a_vapid_key_there_is_no_opt_in(client, order):
    html = client.get(f"/suivi/{order.tracking_token}").get_data(as_text=True)
    assert 'data-testid="push-optin"' not in html
