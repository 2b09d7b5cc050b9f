"""The courier's round by its secret link: collect at the shops once the orders are ready,
hand over at the door with the shopper's code (or a photo), or say why it failed; every
action once, however often it is sent; the basket charged only when delivered."""
import io

import pytest
import sqlalchemy as sa

from app.delivery import courier
from app.delivery.models import DeliveryEvent, DeliveryRequest, Round, Stop
from app.extensions import db
from app.notify.models import SmsMessage
from app.orders.models import Order
from tests.delivery.courier_helpers import (delivered_basket, plan, ready_all, stops_of)
from tests.photos.images import jpeg
from tests.web.merchant_helpers import csrf_token, page, text


def round_page(client, round_):
    return page(client, f"/tournee/{round_.token}")


def post(client, round_, stop, action, data=None, *, token=None, **kwargs):
    """The stop's form sent from the page (`token`: a form already on screen, sent again)."""
    token = token or csrf_token(round_page(client, round_))
    return client.post(f"/tournee/{round_.token}/arrets/{stop.id}/{action}",
                       data={"csrf_token": token, **(data or {})}, **kwargs)


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def captures(payments):
    return [call for call in payments.calls if call[0] == "capture"]


def sms_kinds():
    return db.session.scalars(sa.select(SmsMessage.kind).order_by(SmsMessage.id)).all()


def test_the_round_page_lists_the_stops_in_order_with_maps_and_calls(app, clock, payments,
                                                                      client):
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)

    html = round_page(client, round_)

    assert html.index('data-kind="pickup"') < html.index('data-kind="delivery"')
    assert "Retrait chez Boulangerie Martin" in html
    assert "Livraison à Claire Dupont" in html
    assert 'href="geo:45.045020,3.882370"' in html
    assert "openstreetmap.org/?mlat=45.045020&amp;mlon=3.882370" in html
    assert 'href="tel:+33471020304"' in html  # the shop's at the pickup
    assert 'href="tel:+33612345678"' in html  # the shopper's at the door
    assert client.get("/tournee/pas-le-bon-jeton").status_code == 404


def test_a_pickup_is_refused_while_the_shop_has_not_made_the_order_ready(app, clock, payments,
                                                                         client):
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    [pickup] = stops_of(round_, "pickup")

    refused = post(client, round_, pickup, "recupere")

    assert refused.status_code == 409
    assert "La commande n'est pas encore prête chez Boulangerie Martin" in text(refused)
    assert fresh(Stop, pickup.id).status == "todo"
    ready_all(basket, clock, payments)
    done = post(client, round_, pickup, "recupere", follow_redirects=True)
    assert "Commande récupérée." in text(done)
    assert fresh(Stop, pickup.id).status == "done"
    assert fresh(Round, round_.id).status == "started"


def test_the_right_code_delivers_collects_every_order_and_captures_once(app, clock, payments,
                                                                        client):
    from tests.factories import make_shop
    shops = [make_shop("boulangerie", address="3 rue des Tables, 43000 Le Puy-en-Velay"),
             make_shop("fromagerie", "Fromagerie du Plot", address="12 place du Plot")]
    basket = delivered_basket(clock, payments, shops=shops)
    round_ = plan(basket, clock)
    ready_all(basket, clock, payments)
    for stop in stops_of(round_, "pickup"):
        assert post(client, round_, stop, "recupere").status_code == 302
    [door] = stops_of(round_, "delivery")
    code = basket.orders[1].pickup_code  # any order's code of the basket
    form = csrf_token(round_page(client, round_))

    first = post(client, round_, door, "livre", {"code": code}, token=form,
                 follow_redirects=True)
    again = post(client, round_, door, "livre", {"code": code}, token=form,  # a double tap
                 follow_redirects=True)

    assert "Livraison enregistrée." in text(first) and "Livraison enregistrée." in text(again)
    db.session.expire_all()
    assert {o.status for o in basket.orders} == {"collected"}
    assert fresh(DeliveryRequest, basket.request.id).status == "delivered"
    assert fresh(Round, round_.id).status == "done"
    # One capture: the goods as confirmed, plus the fee now that the basket is delivered.
    assert sorted(c[2] for c in captures(payments)) == [
        sum(o.total_cents for o in basket.orders) + basket.request.fee_cents]
    assert basket.request.fee_cents > 0
    assert sms_kinds().count("delivered") == 1
    assert "Livré" in text(again)


def test_a_wrong_code_is_refused_and_counted_and_five_stop_the_codes(app, clock, payments,
                                                                     client):
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    ready_all(basket, clock, payments)
    [pickup], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")
    post(client, round_, pickup, "recupere")
    right = basket.orders[0].pickup_code
    wrong = "0000" if right != "0000" else "1111"

    refused = post(client, round_, door, "livre", {"code": wrong})

    assert refused.status_code == 422
    assert "Code incorrect : vérifiez-le avec le client." in text(refused)
    for _ in range(4):
        post(client, round_, door, "livre", {"code": wrong})
    blocked = post(client, round_, door, "livre", {"code": right})
    assert blocked.status_code == 409
    assert "Trop de codes erronés" in text(blocked)
    assert fresh(DeliveryRequest, basket.request.id).status == "planned"
    assert db.session.scalar(sa.select(sa.func.count(DeliveryEvent.id))
                             .where(DeliveryEvent.code == "wrong_code")) == 5
    assert captures(payments) == []


def test_a_photo_hands_over_when_the_shopper_is_out_and_stays_private(app, clock, payments,
                                                                      client, tmp_path):
    app.config["DELIVERY_PROOFS_DIR"] = str(tmp_path / "proofs")
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    ready_all(basket, clock, payments)
    [pickup], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")
    post(client, round_, pickup, "recupere")

    done = post(client, round_, door, "livre",
                {"photo": (io.BytesIO(jpeg(gps=True)), "porte.jpg")},
                content_type="multipart/form-data")

    assert done.status_code == 302
    event = db.session.scalar(sa.select(DeliveryEvent).where(
        DeliveryEvent.code == "request:delivered"))
    assert event.params["proof"] == "photo"
    name = event.params["photo"]
    assert (tmp_path / "proofs" / name[:2] / name).is_file()
    assert client.get(f"/photos/{name}").status_code == 404  # not under the public address
    db.session.expire_all()
    assert {o.status for o in basket.orders} == {"collected"}


def test_a_delivery_is_refused_while_an_order_is_not_ready(app, clock, payments, client):
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    [door] = stops_of(round_, "delivery")
    db.session.execute(sa.update(Stop).where(Stop.kind == "pickup").values(status="done"))
    db.session.commit()

    refused = post(client, round_, door, "livre", {"code": basket.orders[0].pickup_code})

    assert refused.status_code == 409
    assert "n'est pas prête : elle ne peut pas être livrée" in text(refused)
    assert fresh(Order, basket.orders[0].id).status == "placed"


@pytest.mark.real_commits
def test_four_taps_at_once_deliver_once_and_capture_once(app, clock, payments):
    from tests.delivery.helpers import race
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    ready_all(basket, clock, payments)
    [pickup_stop], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")
    courier.pickup(round_.token, pickup_stop.id, clock.now)
    token, door_id, code = round_.token, door.id, basket.orders[0].pickup_code
    db.session.commit()

    outcomes = race(app, [lambda: courier.deliver(token, door_id, clock.now, code=code,
                                                  payments=payments)] * 4)

    assert outcomes == ["ok"] * 4
    assert len(captures(payments)) == 1
    assert db.session.scalar(sa.select(sa.func.count(DeliveryEvent.id)).where(
        DeliveryEvent.code == "request:delivered")) == 1
    assert sms_kinds().count("delivered") == 1
