"""The order page for one hand: the ready button and the handover form apart, one handover
form, the QR code's ?code= kept across the confirm and ready redirects, and the money said
one way (authorised, to take at handover, taken), the handover's message agreeing with it."""
import re

import sqlalchemy as sa

from app.extensions import db
from app.orders import services as orders
from app.orders.models import Order
from app.money import euros
from tests.factories import (checkout_payload, make_merchant, make_product, make_shop,
                             place_order)
from tests.web.merchant_helpers import csrf_token, log_in, page, submit, text


def given_an_order(clock, payments, client):
    """Three baguettes at the bakery, paid; its merchant signed in."""
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=10)
    order = place_order({shop: [(bread, 3)]}, clock.now, payments).orders[0]
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    return shop, order


def flash(html: str) -> list[str]:
    return re.findall(r'<p class="flash[^"]*"(?: role="alert")?>([^<]+)</p>', html)


def money(html: str) -> dict[str, str]:
    """The payment panel as read: authorised, to take, taken."""
    panel = re.search(r'data-testid="order-payment">(.*?)</section>', html, re.S).group(1)
    return {key: re.sub(r"[ \n]+", " ", value).strip(" \n") for key, value in
            re.findall(r'data-testid="(authorised|to-take|taken)">([^<]+)<', panel)}


def forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+)"', html)


def test_ready_and_the_handover_form_are_apart_and_the_handover_is_one_form(
        app, client, clock, payments):
    shop, order = given_an_order(clock, payments, client)
    orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)

    html = text(client.get(f"/marchand/commandes/{order.id}"))

    handover = re.search(r'<form method="post" action="/marchand/commandes/\d+/remise" '
                         r'class="card handover" data-testid="handover-form">(.*?)</form>',
                         html, re.S).group(1)
    assert handover.count('type="submit"') == 1 and 'data-testid="collect"' in handover
    assert 'id="pickup_code"' in handover
    assert re.search(r'<label class="choice" for="without_code"><input type="checkbox" '
                     r'id="without_code" name="without_code" value="1"', handover)
    assert "j'ai vérifié que c'est bien Claire Dupont" in handover
    assert 'data-testid="ready"' not in handover  # the ready button has its own form
    assert f"/marchand/commandes/{order.id}/prete" in forms(html)


def test_the_qr_codes_code_is_kept_across_the_confirm_and_ready_redirects(
        app, client, clock, payments):
    shop, order = given_an_order(clock, payments, client)
    scanned = f"/marchand/commandes/{order.id}?code={order.pickup_code}"
    html = page(client, scanned)
    line = order.lines[0]
    assert f"/marchand/commandes/{order.id}/confirmer?code={order.pickup_code}" in forms(html)
    assert f"/marchand/commandes/{order.id}/message?code={order.pickup_code}" in forms(html)
    assert f"/marchand/commandes/{order.id}/creneau?code={order.pickup_code}" in forms(html)

    confirmed = client.post(f"/marchand/commandes/{order.id}/confirmer?code={order.pickup_code}",
                            data={"csrf_token": csrf_token(html), f"line_{line.id}": "3"})
    assert confirmed.status_code == 302 and confirmed.location.endswith(scanned)

    html = page(client, confirmed.location)
    assert f"/marchand/commandes/{order.id}/prete?code={order.pickup_code}" in forms(html)
    ready = client.post(f"/marchand/commandes/{order.id}/prete?code={order.pickup_code}",
                        data={"csrf_token": csrf_token(html)})
    assert ready.status_code == 302 and ready.location.endswith(scanned)

    html = page(client, ready.location)
    assert f'value="{order.pickup_code}" data-testid="pickup-code-input"' in html
    handed = submit(client, ready.location, f"/marchand/commandes/{order.id}/remise",
                    {"pickup_code": order.pickup_code})
    assert handed.status_code == 302
    assert handed.location.endswith(f"/marchand/commandes/{order.id}")  # done with the code


def test_a_code_that_is_not_a_code_is_not_carried(app, client, clock, payments):
    shop, order = given_an_order(clock, payments, client)
    html = page(client, f"/marchand/commandes/{order.id}?code=%3Cb%3E")
    assert "?code=" not in "".join(forms(html))


def test_money_is_said_one_way_from_payment_to_handover(app, client, clock, payments):
    shop, order = given_an_order(clock, payments, client)
    url = f"/marchand/commandes/{order.id}"

    assert money(text(client.get(url))) == {"authorised": euros(390),
                                            "to-take": "après vérification des articles",
                                            "taken": euros(0)}

    orders.confirm_lines(order.id, shop.id, [(order.lines[0].id, 2)], now=clock.now,
                         provider=payments)
    assert money(text(client.get(url))) == {"authorised": euros(390), "to-take": euros(260),
                                            "taken": euros(0)}

    handed = submit(client, url, f"{url}/remise", {"pickup_code": order.pickup_code},
                    follow_redirects=True)
    html = text(handed)
    assert flash(html) == [f"Commande remise au client. Montant débité : {euros(260)}."]
    assert money(html) == {"authorised": euros(390), "to-take": euros(260), "taken": euros(260)}
    assert 'data-testid="payment-state"' not in html
    assert re.search(r'data-testid="captured">([^<]+)<', html).group(1) == euros(260)


def test_a_basket_from_two_shops_is_taken_once_both_are_done_and_the_page_says_so(
        app, client, clock, payments):
    # The flash used to say "Montant débité" while the panel said 0,00 €: the card is taken
    # once for the whole basket, when its last order ends, not at each shop's handover.
    bakery, butcher = make_shop(), make_shop("boucherie", "Boucherie Roux")
    bread, ham = make_product(bakery, "Baguette", 130), make_product(butcher, "Jambon", 450)
    checkout = place_order({bakery: [(bread, 2)], butcher: [(ham, 1)]}, clock.now, payments)
    ours, theirs = sorted(checkout.orders, key=lambda o: o.shop_id != bakery.id)
    make_merchant(bakery)
    log_in(client, "boulangerie@example.fr")
    orders.confirm_lines(ours.id, bakery.id, [], now=clock.now, provider=payments)
    url = f"/marchand/commandes/{ours.id}"

    html = text(submit(client, url, f"{url}/remise", {"pickup_code": ours.pickup_code},
                       follow_redirects=True))

    assert flash(html) == [f"Commande remise au client. {euros(260)} seront débités quand les "
                           "autres commandes du même panier seront terminées."]
    assert money(html) == {"authorised": euros(260), "to-take": euros(260), "taken": euros(0)}
    assert "Débité quand les autres commandes du même panier seront terminées." in html

    orders.cancel_by_shop(theirs.id, butcher.id, "Rupture", now=clock.now, provider=payments)
    html = text(client.get(url))
    assert money(html)["taken"] == euros(260)
    assert 'data-testid="payment-state"' not in html


def test_a_voucher_paid_order_says_the_same_money_in_the_payment_and_refund_panels(
        app, client, clock, payments):
    # A 30 € tart paid 12 € by voucher and 18 € by card: the refunds panel used to say
    # "Encaissé 18 €" under "Paiement" while the panel above said "Débité 30 €".
    from tests.vouchers.helpers import sold_voucher
    shop = make_shop()
    tart = make_product(shop, "Tarte aux myrtilles", 3000)
    voucher = sold_voucher(clock.now, 1200)
    body = checkout_payload({shop: [(tart, 1)]}, clock.now)
    body["vouchers"] = [voucher.code]
    created = client.post("/api/v1/checkouts", json=body)
    assert created.status_code == 201
    assert client.post(f"/api/v1/checkouts/{created.json['id']}/pay",
                       json={"payment_method": "test_ok"}).status_code == 200
    order = db.session.scalar(sa.select(Order))
    orders.confirm_lines(order.id, shop.id, [(order.lines[0].id, 1)], now=clock.now,
                         provider=payments)
    orders.mark_ready(order.id, shop.id, now=clock.now)
    orders.collect(order.id, shop.id, now=clock.now, provider=payments)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")

    html = text(client.get(f"/marchand/commandes/{order.id}"))

    assert money(html)["taken"] == euros(3000)
    assert re.search(r'data-testid="captured">([^<]+)<', html).group(1) == euros(1800)
    assert euros(1200) in re.search(r'data-testid="voucher-part">([^<]+)<', html).group(1)
    assert re.search(r'data-testid="refundable">([^<]+)<', html).group(1) == euros(1800)
