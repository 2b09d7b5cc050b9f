"""The shop moves an order to another slot from the order's page: a choice of the slots it
offers now, the shopper told by SMS, a slot taken meanwhile refused next to the choice."""
import re

from app.extensions import db
from app.orders.models import Order
from app.timeutil import parse_instant
from tests.factories import make_merchant, make_product, make_shop, place_order
from tests.web.merchant_helpers import csrf_token, log_in, order_at, page, submit, text

TUE_10, TUE_11 = "2026-11-24T10:00:00+01:00", "2026-11-24T11:00:00+01:00"


def given_an_order(clock, payments, client, **shop_settings):
    shop = make_shop(**shop_settings)
    bread = make_product(shop, "Baguette", 130, stock=10)
    order = place_order({shop: [(bread, 2)]}, clock.now, payments).orders[0]
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    return shop, bread, order


def offered(html: str) -> dict[str, list[str]]:
    """The choice of new slots as shown: day -> values (ISO starts)."""
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    return {day: re.findall(r'<option value="([^"]+)"', options) for day, options in groups}


def move(client, order_id: int, slot: str, **kwargs):
    url = f"/marchand/commandes/{order_id}"
    return submit(client, url, f"{url}/creneau", {"slot": slot}, **kwargs)


def slot_of(order_id: int):
    db.session.expire_all()
    return db.session.get(Order, order_id).slot_start


def test_the_shop_moves_an_order_and_the_page_tells_what_changed(client, clock, payments):
    _, _, order = given_an_order(clock, payments, client)

    choices = offered(page(client, f"/marchand/commandes/{order.id}"))

    assert list(choices) == ["mardi 24 novembre", "mercredi 25 novembre", "jeudi 26 novembre"]
    assert TUE_10 not in choices["mardi 24 novembre"]  # its own slot
    assert choices["mardi 24 novembre"][:2] == ["2026-11-24T10:15:00+01:00",
                                                "2026-11-24T10:30:00+01:00"]

    response = move(client, order.id, TUE_11, follow_redirects=True)

    shown = text(response)
    assert "Créneau changé : retrait mardi 24 novembre à 11:00. Le client est prévenu par SMS." \
        in shown
    assert "Retrait mardi 24 novembre à 11:00 – 11:15" in shown
    assert ("créneau changé · mardi 24 novembre à 10:00 -> mardi 24 novembre à 11:00"
            in shown)
    assert 'data-kind="moved"' in shown
    assert slot_of(order.id) == parse_instant(TUE_11)


def test_a_slot_taken_meanwhile_is_refused_next_to_the_choice(client, clock, payments):
    shop, bread, order = given_an_order(clock, payments, client, seats_per_slot=1)
    order_at(shop, [(bread, 1)], clock.now, payments, slot=0, phone="06 98 76 54 32")

    response = move(client, order.id, "2026-11-24T10:15:00+01:00")

    assert response.status_code == 409
    assert re.search(r'id="slot-error">Ce créneau est complet, choisissez-en un autre.<',
                     text(response))
    assert slot_of(order.id) == parse_instant(TUE_10)


def test_no_slot_choice_once_the_order_has_ended_and_a_late_post_is_refused(
        client, clock, payments):
    shop, _, order = given_an_order(clock, payments, client)
    url = f"/marchand/commandes/{order.id}"
    html = page(client, url)
    submit(client, url, f"{url}/annuler", {"reason": "four en panne"})

    assert 'data-testid="new-slot"' in html
    assert 'data-testid="new-slot"' not in page(client, url)
    # The page left open before the cancel: its form still posts.
    response = client.post(f"{url}/creneau", data={"slot": TUE_11, "csrf_token": csrf_token(html)},
                           follow_redirects=True)
    assert "son créneau ne peut plus changer" in text(response)
    assert slot_of(order.id) == parse_instant(TUE_10)


def test_moving_without_the_forms_token_is_refused(client, clock, payments):
    _, _, order = given_an_order(clock, payments, client)

    response = client.post(f"/marchand/commandes/{order.id}/creneau", data={"slot": TUE_11})

    assert response.status_code == 400
    assert slot_of(order.id) == parse_instant(TUE_10)
