"""The shopper pays with a town gift voucher on the checkout page."""
import re

from tests.web.helpers import (add_to_cart, checkout_count, checkout_form, csrf_token,
                               field_error, page, shopper_town, text)
from tests.vouchers.helpers import sold_voucher


def test_a_voucher_lowers_what_the_card_pays(client, clock, payments):
    town = shopper_town()
    voucher = sold_voucher(clock.now, 1000)
    add_to_cart(client, town.tart, 1)

    response = client.post("/commande", data=checkout_form(client, [town.bakery],
                                                           voucher=voucher.code))

    assert response.status_code == 302
    seen = text(page(client, response.headers["Location"]))
    assert "Bon cadeau − 10,00 €" in seen
    assert "À payer par carte 12,00 €" in seen
    assert "Payer 12,00 €" in seen


def test_a_voucher_covering_everything_needs_no_card(client, clock, payments):
    town = shopper_town()
    voucher = sold_voucher(clock.now, 5000)
    add_to_cart(client, town.tart, 1)
    payment_url = client.post("/commande", data=checkout_form(
        client, [town.bakery], voucher=voucher.code)).headers["Location"]
    html = page(client, payment_url)
    assert "rien à payer par carte" in text(html)

    confirmed = client.post(payment_url, data={"csrf_token": csrf_token(html),
                                               "payment_method": "voucher"})

    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/merci")
    assert [call for call in payments.calls if call[0] == "authorize"] == []
    tracking = page(client, re.findall(r'href="(/suivi/[^"]+)"',
                                       page(client, confirmed.headers["Location"]))[0])
    assert re.search(r'data-testid="order-status">reçue<', tracking)


def test_a_wrong_voucher_code_is_shown_next_to_its_field(client):
    town = shopper_town()
    add_to_cart(client, town.tart, 1)

    response = client.post("/commande", data=checkout_form(client, [town.bakery],
                                                           voucher="NOPE-NOPE-NOPE-NOPE"))

    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "voucher")
    assert checkout_count() == 0
