"""The manager reads how each door ended on the delivery page: handed over with the code,
left without the customer (and the courier's photo, shown to the town's staff only), or
failed and why. What a town answers a shopper who says the basket never came."""
from app.delivery.courier import deliver, fail, pickup
from app.delivery.planning import create_courier, plan_rounds
from tests.delivery.courier_helpers import (SHOP_POINTS, TUESDAY, delivered_basket, plan,
                                            ready_all, stops_of)
from tests.factories import make_manager
from tests.photos.images import jpeg
from tests.web.helpers import text
from tests.web.merchant_helpers import log_in


def test_the_manager_sees_each_door_s_outcome_and_the_proof_photo(app, clock, payments,
                                                                  client, tmp_path):
    app.config["DELIVERY_PROOFS_DIR"] = str(tmp_path / "proofs")
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    ready_all(basket, clock, payments)
    [stop], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")
    pickup(round_.token, stop.id, clock.now)
    deliver(round_.token, door.id, clock.now, photo=jpeg(gps=True), payments=payments)
    make_manager()
    log_in(client, "manager@example.fr")

    response = client.get("/gestion/livraison?date=2026-11-24")
    html = response.get_data(as_text=True)

    assert "— remise sans le client · voir la photo" in text(html)
    link = html.split('data-testid="stop-proof"')[0].rsplit('href="', 1)[1].split('"')[0]
    photo = client.get(link)
    assert photo.status_code == 200 and photo.mimetype == "image/webp"
    assert photo.headers["Cache-Control"] == "private, no-store"
    assert photo.data[:4] == b"RIFF" and b"GPS" not in photo.data
    assert client.get("/gestion/livraison/preuves/..%2F..%2Fsecret").status_code == 404
    stranger = app.test_client()
    assert stranger.get(link).status_code in (302, 401, 403)  # not for the public


def test_a_failed_door_says_why_and_a_code_handover_says_so(app, clock, payments, client):
    first = delivered_basket(clock, payments)
    second = delivered_basket(clock, payments, phone="06 22 33 44 55", shops=first.shops,
                              window=first_window(first))
    couriers = [create_courier(name="Léa", phone="06 99 88 77 66", capacity=8)]
    result = plan_rounds(TUESDAY, first.request.window_id, couriers, clock.now,
                         shop_points={s.id: SHOP_POINTS["boulangerie"] for s in first.shops
                                      + second.shops})
    [round_] = result.rounds
    ready_all(first, clock, payments)
    ready_all(second, clock, payments)
    for stop in stops_of(round_, "pickup"):
        pickup(round_.token, stop.id, clock.now)
    doors = {s.request_id: s for s in stops_of(round_, "delivery")}
    deliver(round_.token, doors[first.request.id].id, clock.now,
            code=first.orders[0].pickup_code, payments=payments)
    fail(round_.token, doors[second.request.id].id, clock.now, reason="absent")
    make_manager()
    log_in(client, "manager@example.fr")

    said = text(client.get("/gestion/livraison?date=2026-11-24").get_data(as_text=True))

    assert "remise avec le code" in said
    assert "échec : Client absent" in said


def first_window(basket):
    from app.delivery.models import DeliveryWindow
    from app.extensions import db
    return db.session.get(DeliveryWindow, basket.request.window_id)
