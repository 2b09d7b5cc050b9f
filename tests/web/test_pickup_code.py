"""The tracking page as the shopper's pickup pass: a code and its QR code that the shop
checks at the counter, the way to the shop, the pickup in a calendar, and a state that the
open page can follow by itself."""
from datetime import datetime, timezone

import icalendar
import segno

from app.orders import services as orders
from app.orders.pickup_pass import handover_url
from tests.factories import make_merchant, make_product, make_shop
from tests.web.merchant_helpers import log_in, order_at, page, submit, text

UTC = timezone.utc


def _given_an_order(clock, payments):
    shop = make_shop(address="3 rue des Tables, Le Puy-en-Velay")
    bread = make_product(shop, "Baguette tradition", 130, stock=10)
    return shop, order_at(shop, [(bread, 2)], clock.now, payments)


def test_the_page_shows_the_code_its_qr_code_the_map_and_the_calendar(client, clock, payments,
                                                                      app):
    shop, order = _given_an_order(clock, payments)

    html = page(client, f"/suivi/{order.tracking_token}")

    assert f'data-testid="pickup-code">{order.pickup_code}<' in html
    assert order.pickup_code.isdigit() and len(order.pickup_code) == 4
    expected = segno.make(handover_url(order, app.config["PUBLIC_URL"]), error="m").svg_inline(
        scale=4, border=2, dark="#111", light="#fff", omitsize=True)
    assert expected in html  # the QR code opens the shop's handover with the code
    assert handover_url(order, "http://x").endswith(
        f"/marchand/commandes/{order.id}?code={order.pickup_code}")
    assert ("https://www.openstreetmap.org/search?query=3+rue+des+Tables%2C+Le+Puy-en-Velay"
            in html)
    assert f"/suivi/{order.tracking_token}/retrait.ics" in html


def test_the_calendar_event_is_the_slot_in_utc_with_the_code(client, clock, payments):
    clock.now = datetime(2026, 10, 24, 19, 0, tzinfo=UTC)  # Saturday evening; DST ends Sunday
    shop, order = _given_an_order(clock, payments)
    assert order.slot_start == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # Monday 09:00 CET

    response = client.get(f"/suivi/{order.tracking_token}/retrait.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert event.decoded("dtstart") == order.slot_start
    assert event.decoded("dtend") == order.slot_end
    assert str(event["summary"]) == "Retrait chez Boulangerie Martin"
    assert str(event["location"]) == "3 rue des Tables, Le Puy-en-Velay"
    assert order.pickup_code in str(event["description"])
    assert str(event["uid"]) == f"order-{order.id}@comptoir"


def test_the_state_follows_the_shop_and_the_cancel_button_goes(client, clock, payments):
    shop, order = _given_an_order(clock, payments)
    url = f"/suivi/{order.tracking_token}/etat"

    placed = client.get(url)
    assert placed.headers["Cache-Control"] == "no-store"
    assert (placed.json["status"], placed.json["cancellable"]) == ("placed", True)

    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)
    confirmed = client.get(url).json
    assert (confirmed["status"], confirmed["label"], confirmed["cancellable"]) == \
        ("confirmed", "confirmée", False)
    orders.mark_ready(order.id, shop.id, now=clock.now)
    ready = client.get(url).json
    assert ready["label"] == "prête" and ready["version"] != confirmed["version"]
    assert client.get("/suivi/not-a-token/etat").status_code == 404


def test_the_shop_hands_over_only_with_the_right_code(client, clock, payments):
    shop, order = _given_an_order(clock, payments)
    make_merchant(shop, "martin@example.fr")
    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)
    orders.mark_ready(order.id, shop.id, now=clock.now)
    log_in(client, "martin@example.fr")
    order_page = f"/marchand/commandes/{order.id}?code={order.pickup_code}"
    assert f'value="{order.pickup_code}" data-testid="pickup-code-input"' in page(client,
                                                                                 order_page)
    wrong = "0000" if order.pickup_code != "0000" else "1111"

    refused = submit(client, order_page, f"/marchand/commandes/{order.id}/remise",
                     {"pickup_code": wrong}, follow_redirects=True)

    assert "Code de retrait incorrect" in text(refused)
    assert orders.lock_order(order.id, shop.id).status == "ready"

    handed = submit(client, order_page, f"/marchand/commandes/{order.id}/remise",
                    {"pickup_code": order.pickup_code}, follow_redirects=True)

    assert "Commande remise au client" in text(handed)
    assert orders.lock_order(order.id, shop.id).status == "collected"
