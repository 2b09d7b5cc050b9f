"""The tracking page as the shopper's pickup pass: a code and its QR code that the shop
checks at the counter, the way to the shop, and the pickup in the shopper's calendar."""
import re
from datetime import datetime, timezone

import icalendar
import segno

from app.orders import services as orders
from app.orders.pickup_pass import handover_url
from app.timeutil import local
from tests.factories import make_merchant, make_product, make_shop
from tests.web.merchant_helpers import log_in, order_at, page, submit, text

UTC = timezone.utc


def _given_an_order(clock, payments, **shop):
    shop = make_shop(address="3 rue des Tables, Le Puy-en-Velay", phone="04 71 09 12 34",
                     **shop)
    bread = make_product(shop, "Baguette tradition", 130, stock=10)
    return shop, order_at(shop, [(bread, 2)], clock.now, payments)


def _ready_for_handover(client, clock, payments):
    shop, order = _given_an_order(clock, payments)
    make_merchant(shop, "martin@example.fr")
    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)
    orders.mark_ready(order.id, shop.id, now=clock.now)
    log_in(client, "martin@example.fr")
    return shop, order


def _wrong(code: str) -> str:
    return "0000" if code != "0000" else "1111"


def test_the_page_shows_the_code_its_qr_code_the_map_the_phone_and_the_calendar(
        client, clock, payments, app):
    shop, order = _given_an_order(clock, payments)

    html = page(client, f"/suivi/{order.tracking_token}")

    assert order.pickup_code.isdigit() and len(order.pickup_code) == 4
    assert f'data-testid="pickup-code">{order.pickup_code}<' in html  # the digits as text
    assert f'aria-label="QR code du code de retrait {order.pickup_code}"' in html
    # No QR decoder at hand: segno's drawing of the handover URL is the page's drawing.
    url = f"http://comptoir.test/marchand/commandes/{order.id}?code={order.pickup_code}"
    assert handover_url(order, app.config["PUBLIC_URL"]) == url
    assert segno.make(url, error="m").svg_inline(
        scale=4, border=2, dark="#111", light="#fff", omitsize=True) in html
    assert ('href="https://www.openstreetmap.org/search?query=3+rue+des+Tables%2C+'
            'Le+Puy-en-Velay"' in html)
    assert 'href="tel:+33471091234"' in html and "04 71 09 12 34" in html
    assert f'href="/suivi/{order.tracking_token}/retrait.ics"' in html
    assert not re.search(r'<(img|script|link|iframe)[^>]+src="https?://', html)  # nothing fetched


def test_the_calendar_event_keeps_the_slot_in_utc_across_the_change_of_time(client, clock,
                                                                           payments):
    # Friday morning is still summer time (UTC+2); Monday after the last Sunday of October
    # is winter time (UTC+1): both 09:00 in the town, an hour apart in UTC.
    clock.now = datetime(2026, 10, 23, 5, 0, tzinfo=UTC)
    _, summer = _given_an_order(clock, payments)
    clock.now = datetime(2026, 10, 24, 19, 0, tzinfo=UTC)
    _, winter = _given_an_order(clock, payments, slug="fromagerie", name="Fromages; Vins")
    assert local(summer.slot_start).hour == local(winter.slot_start).hour == 9
    assert (summer.slot_start.hour, winter.slot_start.hour) == (7, 8)

    for order, summary in ((summer, "Retrait chez Boulangerie Martin"),
                           (winter, "Retrait chez Fromages; Vins")):
        response = client.get(f"/suivi/{order.tracking_token}/retrait.ics")

        assert response.status_code == 200 and response.mimetype == "text/calendar"
        raw = response.get_data(as_text=True)
        assert f"DTSTART:{order.slot_start:%Y%m%dT%H%M%SZ}\r\n" in raw
        assert f"DTEND:{order.slot_end:%Y%m%dT%H%M%SZ}\r\n" in raw
        assert "LOCATION:3 rue des Tables\\, Le Puy-en-Velay\r\n" in raw  # RFC 5545 escaping
        assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))  # folded
        [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
        assert event.decoded("dtstart") == order.slot_start
        assert event.decoded("dtend") == order.slot_end
        assert str(event["summary"]) == summary
        assert str(event["uid"]) == f"order-{order.id}@comptoir"
        assert f"Code de retrait : {order.pickup_code}." in str(event["description"])
        assert f"http://localhost/suivi/{order.tracking_token}" in str(event["description"])
    assert "SUMMARY:Retrait chez Fromages\\; Vins" in raw


def test_once_collected_the_pass_and_the_calendar_are_gone(client, clock, payments):
    shop, order = _ready_for_handover(client, clock, payments)
    orders.collect(order.id, shop.id, now=clock.now, provider=payments,
                   pickup_code=order.pickup_code)

    html = page(client, f"/suivi/{order.tracking_token}")

    assert 'data-testid="pickup-pass"' not in html and "retrait.ics" not in html
    assert client.get(f"/suivi/{order.tracking_token}/retrait.ics").status_code == 404


def test_the_scanned_qr_code_fills_the_handover_and_the_right_code_collects(client, clock,
                                                                           payments):
    shop, order = _ready_for_handover(client, clock, payments)
    scanned = f"/marchand/commandes/{order.id}?code={order.pickup_code}"

    assert f'value="{order.pickup_code}" data-testid="pickup-code-input"' in page(client,
                                                                                 scanned)
    handed = submit(client, scanned, f"/marchand/commandes/{order.id}/remise",
                    {"pickup_code": order.pickup_code}, follow_redirects=True)

    assert "Commande remise au client" in text(handed)
    assert orders.lock_order(order.id, shop.id).status == "collected"


def test_a_wrong_code_is_refused_on_its_field_and_nothing_changes(client, clock, payments):
    shop, order = _ready_for_handover(client, clock, payments)
    order_page = f"/marchand/commandes/{order.id}"

    refused = submit(client, order_page, f"{order_page}/remise",
                     {"pickup_code": _wrong(order.pickup_code)})

    assert refused.status_code == 422
    html = text(refused)
    assert '<p class="error" id="pickup_code-error" data-testid="pickup-code-error">' \
           'Code de retrait incorrect.</p>' in html
    assert 'aria-invalid="true"' in html
    assert orders.lock_order(order.id, shop.id).status == "ready"


def test_an_empty_code_is_asked_for_and_the_shops_word_hands_over_without_it(client, clock,
                                                                            payments):
    shop, order = _ready_for_handover(client, clock, payments)
    order_page = f"/marchand/commandes/{order.id}"
    assert "j'ai vérifié que c'est bien Claire Dupont" in page(client, order_page).replace(
        "&#39;", "'")

    empty = submit(client, order_page, f"{order_page}/remise", {"pickup_code": ""})
    assert empty.status_code == 422
    assert "Saisissez le code de retrait du client" in text(empty)
    assert orders.lock_order(order.id, shop.id).status == "ready"

    handed = submit(client, order_page, f"{order_page}/remise", {"without_code": "1"},
                    follow_redirects=True)

    assert "Commande remise au client" in text(handed)
    assert "sans code de retrait : identité vérifiée par la boutique" in text(handed)
    assert orders.lock_order(order.id, shop.id).status == "collected"
