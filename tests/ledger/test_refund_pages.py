"""Refunds from the shop's order page, the manager's pages and the merchant API."""
import re

import sqlalchemy as sa

from app.accounts.services import issue_token
from app.extensions import db
from app.ledger.models import Refund
from app.notify.models import SmsMessage
from tests.factories import make_manager, make_merchant, make_product, make_shop, place_order
from tests.ledger.helpers import bakery_sale
from tests.web.merchant_helpers import log_in, page, submit, text


def refunds() -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(r.amount_cents, r.reason) for r in db.session.scalars(
        sa.select(Refund).order_by(Refund.id))]


def test_the_shop_refunds_a_line_from_its_order_page(app, client, clock, payments):
    shop, order = bakery_sale(clock, payments)
    tart = next(line for line in order.lines if line.name.startswith("Tarte"))
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    url = f"/marchand/commandes/{order.id}"
    html = page(client, url)
    assert 'data-testid="refund"' in html and 'data-testid="captured">25,90' in html

    response = submit(client, url, f"{url}/rembourser",
                      {f"refund_{tart.id}": "1", "reason": "tarte écrasée"},
                      follow_redirects=True)

    shown = text(response)
    assert response.status_code == 200
    assert "Remboursement de 22,00\u00a0€ enregistré" in shown
    assert refunds() == [(2200, "tarte écrasée")]
    assert re.search(r'data-testid="refunded">22,00', shown)
    assert re.search(r'data-testid="refundable">3,90', shown)
    assert "remboursement" in shown  # the history and the SMS list say so


def test_the_refund_form_says_what_is_wrong_next_to_the_field(app, client, clock, payments):
    shop, order = bakery_sale(clock, payments)
    bread = next(line for line in order.lines if line.name == "Baguette")
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    url = f"/marchand/commandes/{order.id}"

    too_many = submit(client, url, f"{url}/rembourser", {f"refund_{bread.id}": "4",
                                                         "reason": "x"})
    no_reason = submit(client, url, f"{url}/rembourser", {f"refund_{bread.id}": "1",
                                                          "reason": ""})
    nothing = submit(client, url, f"{url}/rembourser", {"reason": "rien"},
                     follow_redirects=True)

    assert too_many.status_code == 422 and "Entre 0 et 3." in text(too_many)
    assert no_reason.status_code == 422 and "Indiquez la raison du remboursement." in text(no_reason)
    assert "Choisissez au moins un article" in text(nothing)
    assert refunds() == []


def test_the_manager_refunds_any_shops_order(app, client, clock, payments):
    shop, order = bakery_sale(clock, payments)
    bread = next(line for line in order.lines if line.name == "Baguette")
    manager = make_manager()
    log_in(client, "manager@example.fr")
    url = f"/gestion/commandes/{order.id}"

    response = submit(client, url, f"{url}/rembourser",
                      {f"refund_{bread.id}": "3", "reason": "geste commercial"},
                      follow_redirects=True)

    assert "Remboursement de 3,90" in text(response)
    refund = db.session.scalar(sa.select(Refund))
    assert (refund.amount_cents, refund.actor) == (390, f"manager:{manager.id}")
    assert db.session.scalar(sa.select(SmsMessage.kind).where(SmsMessage.kind == "refund"))


def test_a_merchant_cannot_open_the_managers_refund_page(app, client, clock, payments):
    shop, order = bakery_sale(clock, payments)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")

    assert client.get(f"/gestion/commandes/{order.id}").status_code == 403


# --- API ---------------------------------------------------------------------------------

def auth(shop):
    return {"Authorization": f"Bearer {issue_token(make_merchant(shop))}"}


def test_api_refund_per_line_answers_201(app, client, clock, payments):
    shop, order = bakery_sale(clock, payments)
    bread = next(line for line in order.lines if line.name == "Baguette")

    response = client.post(f"/api/v1/merchant/orders/{order.id}/refunds", headers=auth(shop),
                           json={"lines": [{"id": bread.id, "quantity": 2}],
                                 "reason": "pain rassis"})

    assert response.status_code == 201
    assert response.json["amount_cents"] == 260 and response.json["status"] == "succeeded"
    assert response.json["lines"] == [{"id": bread.id, "quantity": 2, "amount_cents": 260}]


def test_api_refund_errors_follow_the_contract(app, client, clock, payments):
    shop, order = bakery_sale(clock, payments)
    headers = auth(shop)
    url = f"/api/v1/merchant/orders/{order.id}/refunds"

    def error(body):
        response = client.post(url, headers=headers, json=body)
        return response.status_code, response.json["error"]["code"], \
            response.json["error"].get("field")

    assert error({"amount_cents": 100}) == (422, "required", "reason")
    assert error({"amount_cents": "100", "reason": "x"}) == (422, "invalid", "amount_cents")
    assert error({"lines": [{"id": 1}], "reason": "x"}) == (422, "invalid", "lines[0].quantity")
    assert error({"amount_cents": 2591, "reason": "x"}) == (409, "over_refund", "amount_cents")
    assert client.post(url, headers=headers, json={"reason": "tout"}).json["amount_cents"] == 2590
    assert error({"reason": "encore"}) == (409, "over_refund", "amount_cents")
    other = make_shop("fromagerie", "Fromagerie")
    assert client.post(url, headers=auth(other), json={"reason": "x"}).status_code == 404


def test_api_refuses_an_order_not_yet_collected(app, client, clock, payments):
    shop = make_shop()
    order = place_order({shop: [(make_product(shop), 1)]}, clock.now, payments).orders[0]

    response = client.post(f"/api/v1/merchant/orders/{order.id}/refunds", headers=auth(shop),
                           json={"reason": "x"})

    assert (response.status_code, response.json["error"]["code"]) == (409, "invalid_state")
