"""The tracking page follows the delivery as the SMS do: the window, the narrowed time once
planned, en route when the courier leaves the stop before, delivered."""
import html

from app.delivery.courier import deliver, pickup
from app.delivery.messages import narrowed
from app.templating import hhmm
from tests.delivery.courier_helpers import delivered_basket, plan, ready_all, stops_of
from tests.web.merchant_helpers import page


def said(client, basket) -> str:
    return html.unescape(page(client, f"/suivi/{basket.orders[0].tracking_token}"))


def test_tracking_tells_the_window_then_the_time_then_en_route_then_delivered(
        app, clock, payments, client):
    basket = delivered_basket(clock, payments)
    held = said(client, basket)
    round_ = plan(basket, clock)
    [stop], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")
    start, end = narrowed(door.expected_at)
    planned = said(client, basket)
    ready_all(basket, clock, payments)
    pickup(round_.token, stop.id, clock.now)
    en_route = said(client, basket)
    deliver(round_.token, door.id, clock.now, code=basket.orders[0].pickup_code,
            payments=payments)

    assert "Livraison mardi 24 novembre entre 17:00 et 19:00 ; l'heure précise vous sera " \
           "envoyée par SMS." in held
    assert f"Livraison mardi 24 novembre entre {hhmm(start)} et {hhmm(end)}." in planned
    assert "Le livreur est en route vers chez vous." in en_route
    assert 'data-state="delivered"' in said(client, basket)


def test_the_open_tracking_page_is_told_to_redraw_as_the_delivery_moves(app, clock, payments,
                                                                       client):
    """The page polls /etat and redraws when its version changes: planning the round, the
    courier's stop before the door, the delivery each change it."""
    basket = delivered_basket(clock, payments)
    token = basket.orders[0].tracking_token

    def version():
        return client.get(f"/suivi/{token}/etat").json["version"]

    seen = [version(), version()]
    round_ = plan(basket, clock)
    seen.append(version())
    ready_all(basket, clock, payments)
    seen.append(version())
    [stop], [door] = stops_of(round_, "pickup"), stops_of(round_, "delivery")
    pickup(round_.token, stop.id, clock.now)
    seen.append(version())
    deliver(round_.token, door.id, clock.now, code=basket.orders[0].pickup_code,
            payments=payments)
    seen.append(version())

    assert seen[0] == seen[1]  # nothing moved: no redraw
    assert len(set(seen[1:])) == 5  # planned, ready, en route, delivered: each a redraw
