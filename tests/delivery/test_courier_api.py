"""The courier app's API: a round and its stop actions by the round's token; a wrong token
is a 404; each action answers the stop as it is, the same when sent again."""
import io

from app.delivery.models import DeliveryRequest
from app.extensions import db
from tests.delivery.courier_helpers import delivered_basket, plan, ready_all, stops_of
from tests.delivery.test_courier import captures, fresh
from tests.openapi_check import validating_client
from tests.photos.images import png


def test_a_wrong_token_is_a_404_in_the_shared_error_shape(app):
    client = validating_client(app)

    for response in (client.get("/api/v1/courier/rounds/pas-le-bon"),
                     client.post("/api/v1/courier/rounds/pas-le-bon/stops/1/pickup"),
                     client.post("/api/v1/courier/rounds/pas-le-bon/stops/1/fail",
                                 json={"reason": "absent"})):
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"


def test_the_courier_app_collects_and_delivers_with_the_code(app, clock, payments):
    client = validating_client(app)
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    base = f"/api/v1/courier/rounds/{round_.token}"
    [pickup], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")

    shown = client.get(base).json
    not_ready = client.post(f"{base}/stops/{pickup.id}/pickup")
    ready_all(basket, clock, payments)
    collected = client.post(f"{base}/stops/{pickup.id}/pickup")
    code = basket.orders[0].pickup_code
    delivered = client.post(f"{base}/stops/{door.id}/deliver", json={"code": code})
    again = client.post(f"{base}/stops/{door.id}/deliver", json={"code": code})

    assert [s["kind"] for s in shown["stops"]] == ["pickup", "delivery"]
    assert shown["stops"][1]["phone"] == "+33612345678"
    assert (not_ready.status_code, not_ready.json["error"]["code"]) == (409, "not_ready")
    assert collected.status_code == 200 and collected.json["done"] is True
    assert delivered.json == again.json == {**delivered.json, "outcome": "delivered",
                                            "done": True}
    assert len(captures(payments)) == 1
    assert client.get(base).json["status"] == "done"


def test_the_courier_app_sends_a_photo_or_fails_with_a_reason(app, clock, payments, tmp_path):
    app.config["DELIVERY_PROOFS_DIR"] = str(tmp_path)
    client = validating_client(app)
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    ready_all(basket, clock, payments)
    base = f"/api/v1/courier/rounds/{round_.token}"
    [pickup], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")
    client.post(f"{base}/stops/{pickup.id}/pickup")

    blank_other = client.post(f"{base}/stops/{door.id}/fail", json={"reason": "other"})
    not_a_photo = client.post(f"{base}/stops/{door.id}/deliver",
                              data={"photo": (io.BytesIO(b"pas une image"), "x.jpg")})
    photo = client.post(f"{base}/stops/{door.id}/deliver",
                        data={"photo": (io.BytesIO(png(64, 48)), "porte.png")})

    assert (blank_other.status_code, blank_other.json["error"]["field"]) == (422, "note")
    assert (not_a_photo.status_code, not_a_photo.json["error"]["code"]) == \
        (422, "not_an_image")
    assert photo.status_code == 200 and photo.json["outcome"] == "delivered"
    assert fresh(DeliveryRequest, basket.request.id).status == "delivered"
    db.session.expire_all()
    assert {o.status for o in basket.orders} == {"collected"}
