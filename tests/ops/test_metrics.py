"""GET /metrics as Prometheus scrapes it: behind a bearer token, request latency by route
template, and the domain's events counted at the edges (checkouts, holds expired, SMS,
settlements, the scheduler)."""
import pytest

from app.jobs import scheduler
from app.notify.services import flush_outbox
from app.orders import services as orders
from tests.conftest import app_on
from tests.factories import checkout_payload, later, make_product, make_shop, place_order
from tests.notify.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, fake_twilio  # noqa: F401
from tests.notify.fake_twilio import TIMEOUT_SECONDS, post_status
from tests.ops.helpers import METRICS_TOKEN, scheduler_ran, scrape, total, value


@pytest.fixture
def app(database_uri, clock):
    with app_on(database_uri, clock, METRICS_TOKEN=METRICS_TOKEN) as app:
        yield app


def test_metrics_do_not_exist_without_a_token_setting(database_uri, clock):
    with app_on(database_uri, clock, METRICS_TOKEN=None) as app:
        response = app.test_client().get("/metrics",
                                         headers={"Authorization": "Bearer anything"})

    assert response.status_code == 404


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", METRICS_TOKEN,
                                           f"Basic {METRICS_TOKEN}", "Bearer "])
def test_metrics_refuse_a_missing_or_wrong_token(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"comptoir_" not in response.data


def test_metrics_answer_prometheus_text_with_the_token(client):
    response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert b"comptoir_request_duration_seconds" in response.data


def test_request_latency_is_by_route_template_not_by_raw_path(client):
    first, second = make_shop(slug="boucherie-roux"), make_shop(slug="cave-du-puy")
    before = scrape(client)

    for shop in (first, second, first):
        assert client.get(f"/api/v1/shops/{shop.slug}").status_code == 200
    after = scrape(client)
    text = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).data

    route = {"method": "GET", "route": "/api/v1/shops/<slug>"}
    count = "comptoir_request_duration_seconds_count"
    assert value(after, count, **route) - value(before, count, **route) == 3
    assert value(after, "comptoir_requests_total", status="200", **route) \
        - value(before, "comptoir_requests_total", status="200", **route) == 3
    assert b"boucherie-roux" not in text and b"cave-du-puy" not in text


def test_checkouts_created_count_once_per_checkout_not_per_replay(client, clock):
    shop = make_shop()
    payload = checkout_payload({shop: [(make_product(shop), 1)]}, clock.now)
    before = scrape(client)

    first = client.post("/api/v1/checkouts", json=payload, headers={"Idempotency-Key": "k-1"})
    replay = client.post("/api/v1/checkouts", json=payload, headers={"Idempotency-Key": "k-1"})
    refused = client.post("/api/v1/checkouts", json={"customer": {}})

    assert (first.status_code, replay.status_code) == (201, 201)
    assert refused.status_code in (400, 422)
    after = scrape(client)
    assert value(after, "comptoir_checkouts_created_total", channel="api") \
        - value(before, "comptoir_checkouts_created_total", channel="api") == 1


def test_settlements_count_each_call_to_the_provider_by_kind_and_outcome(client, clock,
                                                                          payments):
    shop = make_shop()
    bread = make_product(shop)
    before = scrape(client)

    declined = place_order({shop: [(bread, 1)]}, clock.now, payments, pay=False,
                           phone="06 11 22 33 44")
    with pytest.raises(Exception):
        orders.pay_checkout(declined.id, "test_declined", now=clock.now, provider=payments)
    paid = place_order({shop: [(bread, 1)]}, clock.now, payments)
    orders.cancel_by_shop(paid.orders[0].id, shop.id, "Four en panne", now=clock.now,
                          provider=payments)  # nothing collected: the authorisation voided

    after = scrape(client)

    def delta(kind, outcome):
        return value(after, "comptoir_settlements_total", kind=kind, outcome=outcome) \
            - value(before, "comptoir_settlements_total", kind=kind, outcome=outcome)
    assert delta("authorize", "done") == 1
    assert delta("authorize", "failed") == 1
    assert delta("void", "done") == 1
    assert delta("capture", "done") == 0


def test_a_rolled_back_payment_row_is_not_counted(client, app):
    from app.extensions import db
    from app.ops.metrics import SETTLEMENTS
    from app.payments.models import PaymentTransaction
    before = SETTLEMENTS.labels("refund", "done")._value.get()

    db.session.add(PaymentTransaction(checkout_id=1, kind="refund", amount_cents=1,
                                      provider="offline", status="succeeded",
                                      idempotency_key="metrics-rolled-back"))
    try:
        db.session.flush()
    except Exception:
        pass  # no checkout 1 on PostgreSQL: the row never existed either
    db.session.rollback()

    assert SETTLEMENTS.labels("refund", "done")._value.get() == before


def test_the_scheduler_age_is_read_from_the_database(client):
    scheduler_ran(seconds_ago=42)

    age = value(scrape(client), "comptoir_scheduler_last_run_age_seconds")

    assert 41 <= age <= 100


def test_the_scheduler_age_is_minus_one_when_no_scheduler_ever_ran(client):
    assert value(scrape(client), "comptoir_scheduler_last_run_age_seconds") == -1


@pytest.mark.real_commits
def test_a_scheduler_run_counts_holds_expired_sms_sent_and_its_own_timing(
        app, client, clock, payments, monkeypatch):
    shop = make_shop()
    bread = make_product(shop)
    place_order({shop: [(bread, 1)]}, clock.now, payments)  # its "placed" SMS is queued
    place_order({shop: [(bread, 1)]}, clock.now, payments, pay=False, phone="06 99 88 77 66")
    before = scrape(client)
    # The scheduler reads the wall clock: an hour after the test's now, the hold is over.
    monkeypatch.setattr(scheduler, "utcnow", lambda: later(clock.now, hours=1))

    scheduler.run_sweeps(app)

    after = scrape(client)

    def delta(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)
    assert delta("comptoir_holds_expired_total") == 1
    assert delta("comptoir_sms_sent_total") == 1
    assert delta("comptoir_sweep_items_total", sweep="release_expired_holds") == 1
    assert delta("comptoir_scheduler_run_duration_seconds_count") == 1
    assert value(after, "comptoir_scheduler_last_run_age_seconds") != -1


@pytest.fixture
def twilio_client(database_uri, clock, fake_twilio):  # noqa: F811
    with app_on(database_uri, clock, SMS="twilio", TWILIO_ACCOUNT_SID=ACCOUNT_SID,
                TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_FROM=FROM,
                TWILIO_API_BASE=fake_twilio.url, TWILIO_TIMEOUT_SECONDS=TIMEOUT_SECONDS,
                METRICS_TOKEN=METRICS_TOKEN) as app:
        yield app, app.test_client()


def test_sms_failures_are_counted_by_reason(twilio_client, clock, fake_twilio):  # noqa: F811
    app, client = twilio_client
    sms, payments = app.extensions["comptoir.sms"], app.extensions["comptoir.payments"]
    shop = make_shop()
    bread = make_product(shop)
    before = scrape(client)

    place_order({shop: [(bread, 1)]}, clock.now, payments, phone="06 12 34 56 78")
    fake_twilio.fail_next("21211")
    flush_outbox(sms, clock.now)  # refused: invalid number
    place_order({shop: [(bread, 1)]}, clock.now, payments, phone="06 22 33 44 55")
    flush_outbox(sms, clock.now)  # accepted, then reported undelivered
    delivered = post_status(client, fake_twilio.messages[-1], "undelivered",
                            error_code="30003")

    assert delivered.status_code == 200
    after = scrape(client)

    def delta(reason):
        return value(after, "comptoir_sms_failed_total", reason=reason) \
            - value(before, "comptoir_sms_failed_total", reason=reason)
    assert delta("21211") == 1
    assert delta("delivery:30003") == 1
