"""The shop's catalogue page counts stock as the shop does: in the shop (bags set aside
included), set aside for orders, available. Saving a price never writes a count; a count
typed against a figure that moved meanwhile is refused, the new figure shown on the field,
nothing overwritten."""
import re

import app.merchant.catalogue  # noqa: F401  registers the page until routes.py imports it
from app.catalog.services import collect_stock, take_stock
from app.extensions import db
from tests.factories import (counts_of, make_merchant, make_product, make_shop, place_order,
                             stock_of)
from tests.web.merchant_helpers import log_in, page

URL = "/marchand/produits"


def _bakery(client):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    make_merchant(bakery)
    log_in(client, "boulangerie@example.fr")
    return bakery


def _form_as_shown(html: str, product) -> dict:
    """The product's form as the page shows it: what the browser would send untouched."""
    form = re.search(rf'<form method="post" action="/marchand/produits/{product.id}".*?</form>',
                     html, re.S)[0]
    return {re.search(r'name="([^"]+)"', tag)[1]: re.search(r'value="([^"]*)"', tag)[1]
            for tag in re.findall(r"<input\b[^>]*>", form)
            if 'type="checkbox"' not in tag or " checked" in tag}


def _send(client, product, shown: dict, **typed):
    """The form loaded earlier (`shown`), with `typed` over it, sent now."""
    data = {**shown, **{f"p{product.id}-{name}": value for name, value in typed.items()}}
    return client.post(f"/marchand/produits/{product.id}", data=data)


def _field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match[1]).split()) if match else None


def _input_value(html: str, field_id: str) -> str:
    return re.search(rf'<input\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)[0] \
        .split('value="')[1].split('"')[0]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.replace("&#39;", "'")).split())


def test_a_price_saved_while_a_checkout_holds_3_of_10_leaves_7_available(client, clock,
                                                                           payments):
    bakery = _bakery(client)
    bread = make_product(bakery, "Baguette tradition", 130, stock=10)
    shown = _form_as_shown(page(client, URL), bread)
    place_order({bakery: [(bread, 3)]}, clock(), payments, pay=False)  # meanwhile

    response = _send(client, bread, shown, price="1,40")

    assert response.status_code == 302
    db.session.refresh(bread)
    assert bread.price_cents == 140
    assert stock_of(bread) == 7


def test_the_page_shows_on_hand_set_aside_and_available(client):
    bread = make_product(_bakery(client), "Baguette tradition", 130, stock=10)
    take_stock(bread.id, 3)
    db.session.commit()

    html = page(client, URL)

    assert "Disponible : 7 · 3 mis de côté" in _text(html)
    assert _input_value(html, f"p{bread.id}-on_hand") == "10"
    assert ("Tout ce qui est en boutique, sacs mis de côté compris. Mis de côté pour des "
            "commandes : 3 ; disponible : 7.") in _text(html)


def test_a_count_typed_while_a_checkout_holds_is_the_shelf_as_counted(client, clock,
                                                                       payments):
    bakery = _bakery(client)
    bread = make_product(bakery, "Baguette tradition", 130, stock=10)
    shown = _form_as_shown(page(client, URL), bread)
    place_order({bakery: [(bread, 3)]}, clock(), payments, pay=False)  # holds: 10 on hand still

    response = _send(client, bread, shown, on_hand="12")

    assert response.status_code == 302
    assert counts_of(bread) == (12, 3) and stock_of(bread) == 9


def test_a_stale_count_is_refused_with_the_new_figure_and_nothing_is_overwritten(client):
    bread = make_product(_bakery(client), "Baguette tradition", 130, stock=10)
    shown = _form_as_shown(page(client, URL), bread)
    take_stock(bread.id, 3)
    collect_stock(bread.id, 3)  # a handover meanwhile: 7 in the shop now
    db.session.commit()

    response = _send(client, bread, shown, on_hand="12", price="1,40")

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert _field_error(html, f"p{bread.id}-on_hand") == (
        "Le stock a changé entre-temps : 7 en boutique maintenant (dont 0 mis de côté). "
        "Recomptez, puis enregistrez.")
    assert _input_value(html, f"p{bread.id}-on_hand") == "7"
    assert _input_value(html, f"p{bread.id}-expected_on_hand") == "7"
    assert _input_value(html, f"p{bread.id}-price") == "1,40"  # what was typed stays
    db.session.refresh(bread)
    assert (bread.on_hand, bread.price_cents) == (7, 130)

    again = _send(client, bread, _form_as_shown(html, bread))  # saved as shown now

    assert again.status_code == 302
    db.session.refresh(bread)
    assert (bread.on_hand, bread.price_cents) == (7, 140)


def test_a_count_below_what_is_set_aside_is_refused_on_its_field(client):
    bread = make_product(_bakery(client), "Baguette tradition", 130, stock=10)
    take_stock(bread.id, 3)
    db.session.commit()
    shown = _form_as_shown(page(client, URL), bread)

    response = _send(client, bread, shown, on_hand="2")

    assert response.status_code == 409
    assert _field_error(response.get_data(as_text=True), f"p{bread.id}-on_hand") == \
        "3 sont mis de côté pour des commandes : le comptage ne peut pas être inférieur."
    assert counts_of(bread) == (10, 3)


def test_an_empty_count_is_asked_for(client):
    bread = make_product(_bakery(client), "Baguette tradition", 130, stock=10)
    shown = _form_as_shown(page(client, URL), bread)

    response = _send(client, bread, shown, on_hand="")

    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), f"p{bread.id}-on_hand") == \
        "Indiquez le nombre d'articles en boutique."
    assert counts_of(bread) == (10, 0)
