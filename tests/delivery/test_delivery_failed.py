"""A delivery that fails is never charged: the orders stay ready, and the shopper is told
what comes next by the manager's rule — collect in the shop with the usual code, or choose
another window on the tracking page (a new drop, no second fee)."""
import html as markup

import pytest
import sqlalchemy as sa

from app.delivery.failures import set_failed_rule
from app.delivery.models import DeliveryEvent, DeliveryRequest, Stop
from app.delivery.services import drops_taken
from app.delivery.transitions import move_request
from app.errors import Conflict
from app.extensions import db
from app.notify.models import SmsMessage
from tests.delivery.courier_helpers import delivered_basket, plan, ready_all, stops_of
from tests.delivery.test_courier import captures, fresh, post
from tests.web.merchant_helpers import csrf_token, page, submit, text


def failed_at_the_door(client, clock, payments, rule):
    set_failed_rule(rule)
    basket = delivered_basket(clock, payments)
    round_ = plan(basket, clock)
    ready_all(basket, clock, payments)
    [pickup], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")
    post(client, round_, pickup, "recupere")
    response = post(client, round_, door, "echec", {"reason": "absent"},
                    follow_redirects=True)
    assert "Échec enregistré : le client est prévenu." in text(response)
    return basket, round_, door


def last_sms(kind):
    return db.session.scalar(sa.select(SmsMessage.body).where(SmsMessage.kind == kind)
                             .order_by(SmsMessage.id.desc()).limit(1))


def test_with_the_collect_rule_the_orders_wait_in_the_shop_and_nothing_is_charged(
        app, clock, payments, client):
    basket, round_, door = failed_at_the_door(client, clock, payments, "collect")

    db.session.expire_all()
    assert fresh(DeliveryRequest, basket.request.id).status == "failed"
    assert {o.status for o in basket.orders} == {"ready"}
    assert captures(payments) == []
    assert last_sms("delivery_failed").startswith(
        "Livraison impossible (absent). Vos achats vous attendent en boutique, sans frais.")
    tracking = page(client, f"/suivi/{basket.orders[0].tracking_token}")
    assert "Vos achats vous attendent en boutique : retirez-les avec votre code de retrait." \
        in text_of(tracking)
    assert 'data-testid="reschedule-form"' not in tracking


def text_of(html):
    return markup.unescape(html)


def test_with_the_reschedule_rule_the_shopper_chooses_another_window_without_a_new_fee(
        app, clock, payments, client):
    basket, _round, _door = failed_at_the_door(client, clock, payments, "reschedule")
    fee = basket.request.fee_cents
    tracking_url = f"/suivi/{basket.orders[0].tracking_token}"
    assert "Choisissez un autre créneau" in last_sms("delivery_failed")
    html = page(client, tracking_url)
    assert 'data-testid="reschedule-form"' in html
    wednesday = f"{basket.request.window_id}:2026-11-25"
    assert f'value="{wednesday}"' in html

    response = client.post(f"{tracking_url}/livraison",
                           data={"csrf_token": csrf_token(html), "window": wednesday},
                           follow_redirects=True)

    assert "Nouveau créneau de livraison enregistré." in text(response)
    request = fresh(DeliveryRequest, basket.request.id)
    assert (request.status, request.day.isoformat(), request.fee_cents) == \
        ("held", "2026-11-25", fee)
    assert drops_taken(request.window_id, request.day) == 1
    assert captures(payments) == []


def test_the_manager_sets_the_rule_on_the_delivery_page(app, client):
    from tests.factories import make_manager
    from tests.web.merchant_helpers import log_in
    make_manager()
    log_in(client, "manager@example.fr")

    response = submit(client, "/gestion/livraison", "/gestion/livraison/echec",
                      {"failed_rule": "reschedule"}, follow_redirects=True)

    assert "Règle enregistrée." in text(response)
    assert 'value="reschedule" checked' in response.get_data(as_text=True)


def test_a_move_the_table_does_not_allow_is_refused_and_leaves_no_event(app, clock, payments):
    from app.database import unit_of_work
    basket = delivered_basket(clock, payments)

    with pytest.raises(Conflict), unit_of_work():
        move_request(basket.request, "delivered", actor="system", now=clock.now)  # held

    assert fresh(DeliveryRequest, basket.request.id).status == "held"
    assert db.session.scalar(sa.select(sa.func.count(DeliveryEvent.id))) == 0


def test_every_change_of_the_round_is_an_event(app, clock, payments, client):
    basket, round_, door = failed_at_the_door(client, clock, payments, "collect")

    codes = db.session.scalars(sa.select(DeliveryEvent.code).order_by(DeliveryEvent.id)).all()

    assert codes == ["request:planned", "stop:done", "round:started", "request:failed",
                     "stop:done", "round:done"]
    assert fresh(Stop, door.id).done_at == clock.now
