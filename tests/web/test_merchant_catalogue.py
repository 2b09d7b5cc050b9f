"""The shop's catalogue page, /marchand/produits: its own products only, a name filter and
pages, price, count on hand, sale and a promotion typed in the town's time, errors on their field."""
import re
from datetime import datetime, timezone

import app.merchant.catalogue  # noqa: F401  registers the page until routes.py imports it
from app.extensions import db
from tests.factories import make_merchant, make_product, make_shop
from tests.web.merchant_helpers import csrf_token, log_in, page, text

URL = "/marchand/produits"


def _names(html: str) -> list[str]:
    return re.findall(r'data-testid="product-name">([^<]+)<', html)


def _field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match[1]).split()) if match else None


def _edit(client, product, **fields):
    """The product's form as shown, with `fields` typed over it, sent."""
    html = page(client, URL)
    form = re.search(rf'<form method="post" action="/marchand/produits/{product.id}".*?</form>',
                     html, re.S)[0]
    data = {re.search(r'name="([^"]+)"', tag)[1]: re.search(r'value="([^"]*)"', tag)[1]
            for tag in re.findall(r"<input\b[^>]*>", form)
            if 'type="checkbox"' not in tag or " checked" in tag}
    for name, value in fields.items():
        key = f"p{product.id}-{name}"
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return client.post(f"/marchand/produits/{product.id}", data=data)


def _bakery(client):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    make_merchant(bakery)
    log_in(client, "boulangerie@example.fr")
    return bakery


def test_the_page_lists_the_shops_own_products_filtered_and_paged(client):
    bakery = _bakery(client)
    make_product(make_shop("fromagerie", "Fromagerie Vidal"), "Fourme d'Ambert", 890)
    for i in range(21):
        make_product(bakery, f"Pain n°{i:02d}", 200 + i)
    make_product(bakery, "Tarte aux myrtilles", 2200, active=False)

    first = page(client, URL)
    second = page(client, f"{URL}?page=2")
    tart = page(client, f"{URL}?q=MYRTILLE")

    assert len(_names(first)) == 20 and "Fourme d'Ambert" not in first
    assert _names(second) == ["Pain n°20", "Tarte aux myrtilles"]
    assert _names(tart) == ["Tarte aux myrtilles"] and "Retiré de la vente" in text_of(tart)
    assert "Aucun produit ne correspond à « brioche »." in text_of(page(client, f"{URL}?q=brioche"))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.replace("&#39;", "'")).split())


def test_a_promotion_typed_in_town_time_is_stored_and_shown(client, clock):
    bakery = _bakery(client)
    bread = make_product(bakery, "Baguette tradition", 130, stock=50)

    response = _edit(client, bread, price="1,40", on_hand="35", promo_price="0,99",
                     promo_starts="2026-11-25T08:00", promo_ends="2026-11-29T19:00")

    assert response.status_code == 302
    db.session.refresh(bread)
    assert (bread.price_cents, bread.stock, bread.promo_price_cents) == (140, 35, 99)
    # Paris is UTC+1 in November.
    assert bread.promo_starts_at == datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)
    assert bread.promo_ends_at == datetime(2026, 11, 29, 18, 0, tzinfo=timezone.utc)
    html = page(client, response.headers["Location"])
    assert "« Baguette tradition » enregistré." in text_of(html)
    assert 'value="2026-11-25T08:00"' in html and 'value="0,99"' in html
    assert "promotion à partir du mercredi 25 novembre à 08:00" in text_of(html)

    clock.set("2026-11-25T08:00:00+01:00")
    assert "0,99 € prix habituel 1,40 €" in text_of(page(client, URL))


def test_emptying_the_promotional_price_ends_the_promotion(client):
    bakery = _bakery(client)
    bread = make_product(bakery, "Baguette tradition", 130)
    _edit(client, bread, promo_price="1,00", promo_ends="2026-12-01T00:00")

    _edit(client, bread, promo_price="", promo_ends="")

    db.session.refresh(bread)
    assert (bread.promo_price_cents, bread.promo_ends_at) == (None, None)


def test_a_bad_date_or_price_shows_on_its_field_and_nothing_changes(client):
    bakery = _bakery(client)
    bread = make_product(bakery, "Baguette tradition", 130, stock=50)

    past = _edit(client, bread, on_hand="7", promo_price="0,99", promo_ends="2026-11-24T08:00")
    unreadable = _edit(client, bread, promo_price="0,99", promo_starts="demain")
    too_high = _edit(client, bread, promo_price="2,00")
    no_price = _edit(client, bread, promo_starts="2026-11-25T08:00")
    bad_price = _edit(client, bread, price="douze")

    for response in (past, unreadable, too_high, no_price, bad_price):
        assert response.status_code == 422
    prefix = f"p{bread.id}"
    past_html = past.get_data(as_text=True)
    assert _field_error(past_html, f"{prefix}-promo_ends") == \
        "La fin de la promotion est déjà passée."
    assert 'aria-invalid="true"' in past_html and "<details open" in past_html
    assert 'value="7"' in past_html  # what was typed stays
    assert _field_error(unreadable.get_data(as_text=True), f"{prefix}-promo_starts") == \
        "Date et heure attendues (ex. 01/12/2026 08:00)."
    assert _field_error(too_high.get_data(as_text=True), f"{prefix}-promo_price") == \
        "Le prix promotionnel doit être inférieur au prix habituel."
    assert _field_error(no_price.get_data(as_text=True), f"{prefix}-promo_price") == \
        "Indiquez le prix promotionnel, ou effacez les dates."
    assert _field_error(bad_price.get_data(as_text=True), f"{prefix}-price") == \
        "Montant en euros attendu, jusqu'à 99 999,99 (ex. 12,50)."
    db.session.refresh(bread)
    assert (bread.stock, bread.price_cents, bread.promo_price_cents) == (50, 130, None)


def test_another_shops_product_is_not_found(client):
    _bakery(client)
    cheese = make_product(make_shop("fromagerie", "Fromagerie Vidal"), "Fourme d'Ambert", 890,
                          stock=5)
    token = csrf_token(page(client, URL))

    response = client.post(f"/marchand/produits/{cheese.id}", data={
        f"p{cheese.id}-csrf_token": token, f"p{cheese.id}-price": "1,00",
        f"p{cheese.id}-on_hand": "0"})

    assert response.status_code == 404
    db.session.refresh(cheese)
    assert (cheese.price_cents, cheese.stock) == (890, 5)


def test_a_form_without_its_token_is_refused(client):
    bread = make_product(_bakery(client), "Baguette tradition", 130, stock=50)

    response = client.post(f"/marchand/produits/{bread.id}",
                           data={f"p{bread.id}-price": "0,10", f"p{bread.id}-on_hand": "1"})

    assert response.status_code == 400
    db.session.refresh(bread)
    assert bread.price_cents == 130


def test_the_page_needs_a_merchant(client):
    response = client.get(URL)

    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_unticking_for_sale_withdraws_the_product(client):
    bread = make_product(_bakery(client), "Baguette tradition", 130, stock=50)

    _edit(client, bread, active=None)

    db.session.refresh(bread)
    assert bread.active is False
    assert "Retiré de la vente" in text_of(page(client, URL))


def test_a_finished_promotion_does_not_stop_the_next_edit(client, clock):
    bread = make_product(_bakery(client), "Baguette tradition", 130, stock=50)
    _edit(client, bread, promo_price="0,99", promo_ends="2026-11-24T12:00")
    clock.set("2026-11-25T09:00:00+01:00")  # the promotion is over

    response = _edit(client, bread, on_hand="12")

    assert response.status_code == 302
    db.session.refresh(bread)
    assert (bread.stock, bread.promo_price_cents) == (12, None)
