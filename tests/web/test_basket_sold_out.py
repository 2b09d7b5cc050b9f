"""An item sold out while the shopper was filling in the checkout: said on its line, the
rest of the basket and what was typed kept, one tap takes it out, the rest goes through."""
import re

from flask import g

from tests.factories import make_product, stock_of
from tests.web.helpers import add_to_cart, checkout_form, input_value, shopper_town, text


def _lines(html: str) -> list[str]:
    return re.findall(r'data-testid="checkout-line" data-product-id="(\d+)"', html)


def _line(html: str, product_id: int) -> str:
    """The checkout page's markup of one line."""
    start = html.index(f'data-testid="checkout-line" data-product-id="{product_id}"')
    return html[start:html.index("</li>", start)]


def _switch_to(shopper):
    """The tests share one app context: Flask-WTF's token cached in `g` belongs to the
    other browser's session."""
    g.pop("csrf_token", None)
    return shopper


def test_the_last_unit_taken_by_another_shopper_is_flagged_on_its_line(app, client):
    town = shopper_town()
    last_tart = make_product(town.bakery, "Tarte au sucre", 1800, stock=1)
    other = app.test_client()
    add_to_cart(client, last_tart, 1)
    add_to_cart(client, town.pate, 2)
    mine = checkout_form(client, [town.bakery, town.deli], name="Claire Dupont")
    add_to_cart(_switch_to(other), last_tart, 1)
    theirs = checkout_form(other, [town.bakery])
    assert other.post("/commande", data=theirs).status_code == 302  # quicker: holds it

    response = _switch_to(client).post("/commande", data=mine)

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    flagged = _line(html, last_tart.id)
    assert 'data-testid="line-problem"' in flagged and "Épuisé pour le moment" in text(flagged)
    assert "Épuisé" not in text(_line(html, town.pate.id))
    assert sorted(_lines(html)) == sorted([str(last_tart.id), str(town.pate.id)])
    assert 'value="Claire Dupont"' in html and 'value="06 12 34 56 78"' in html
    assert "Retirer cet article" in text(html)

    removed = client.post("/commande", data={**mine, "remove_line": str(last_tart.id)})

    page_after = removed.get_data(as_text=True)
    assert removed.status_code == 200
    assert _lines(page_after) == [str(town.pate.id)]
    assert "Article retiré du panier." in text(page_after)
    assert 'value="Claire Dupont"' in page_after
    again = {**mine, "csrf_token": input_value(page_after, "csrf_token"),
             "idempotency_key": input_value(page_after, "idempotency_key")}
    again.pop(f"slot_{town.bakery.id}")
    validated = client.post("/commande", data=again)
    assert validated.status_code == 302
    assert stock_of(town.pate) == 8 and stock_of(last_tart) == 0


def test_a_line_cut_short_by_another_shopper_can_take_what_is_left(app, client):
    town = shopper_town()
    jam = make_product(town.deli, "Confiture de myrtilles", 650, stock=3)
    other = app.test_client()
    add_to_cart(client, jam, 3)
    add_to_cart(client, town.bread, 1)
    mine = checkout_form(client, [town.bakery, town.deli], name="Claire Dupont")
    add_to_cart(_switch_to(other), jam, 2)
    assert other.post("/commande", data=checkout_form(other, [town.deli])).status_code == 302

    response = _switch_to(client).post("/commande", data=mine)

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Plus que 1 en stock" in text(_line(html, jam.id))
    assert "N'en prendre que 1" in text(_line(html, jam.id))

    reduced = client.post("/commande", data={**mine, "reduce_line": str(jam.id)})

    page_after = reduced.get_data(as_text=True)
    assert reduced.status_code == 200
    assert "1 × Confiture de myrtilles" in text(_line(page_after, jam.id))
    assert "Quantité ramenée à 1." in text(page_after)
    again = {**mine, "csrf_token": input_value(page_after, "csrf_token"),
             "idempotency_key": input_value(page_after, "idempotency_key")}
    assert client.post("/commande", data=again).status_code == 302
    assert stock_of(jam) == 0 and stock_of(town.bread) == 49
