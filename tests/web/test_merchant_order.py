"""One order at /marchand/commandes/<id>: confirm the lines, ready, hand over, cancel."""
import re

import sqlalchemy as sa

from app.extensions import db
from app.money import euros
from app.orders.models import Order
from app.payments.models import PaymentTransaction
from tests.factories import make_merchant, make_product, make_shop, place_order, stock_of
from tests.web.merchant_helpers import csrf_token, log_in, page, submit, text


def status_of(order_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Order, order_id).status


def code_of(order_id: int) -> dict:
    """The collect form as the shop fills it: the code the shopper shows."""
    return {"pickup_code": db.session.get(Order, order_id).pickup_code}


def captures() -> list[tuple[int, str]]:
    return [(tx.amount_cents, tx.status) for tx in db.session.scalars(
        sa.select(PaymentTransaction).where(PaymentTransaction.kind == "capture"))]


def shown_status(html: str) -> str:
    return re.search(r'data-testid="order-status" data-status="([a-z_]+)"', html).group(1)


def buttons(html: str) -> set[str]:
    return set(re.findall(r'<button type="submit"[^>]*data-testid="(confirm|ready|collect|'
                          r'cancel)"', html))


def flash(html: str) -> list[str]:
    """The page's flashed messages: confirmations in the live region, errors as alerts."""
    return re.findall(r'<p class="flash[^"]*"(?: role="alert")?>([^<]+)</p>', html)


def given_an_order(clock, payments, client, *, stock=10):
    """Three baguettes and a tart at the bakery, paid; its merchant signed in."""
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=stock)
    tart = make_product(shop, "Tarte aux myrtilles", 2200, stock=2)
    order = place_order({shop: [(bread, 3), (tart, 1)]}, clock.now, payments).orders[0]
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    lines = {line.name: line.id for line in order.lines}
    return order.id, bread, tart, lines


def act(client, order_id: int, action: str, data: dict | None = None):
    url = f"/marchand/commandes/{order_id}"
    return submit(client, url, f"{url}/{action}", data, follow_redirects=True)


def confirm(client, order_id, changes: dict[int, int]):
    """Submit the confirm form as the browser does: prefilled quantities, `changes` typed in."""
    html = page(client, f"/marchand/commandes/{order_id}")
    prefilled = dict(re.findall(r'name="(line_\d+)"[^>]*value="(\d+)"', html))
    typed = {f"line_{line_id}": str(q) for line_id, q in changes.items()}
    return act(client, order_id, "confirmer", {**prefilled, **typed})


def test_order_page_shows_lines_customer_history_and_sms(app, client, clock, payments):
    order_id, _, _, lines = given_an_order(clock, payments, client)

    html = page(client, f"/marchand/commandes/{order_id}")

    assert shown_status(html) == "placed"
    assert "Claire Dupont" in html and 'href="tel:+33612345678"' in html
    assert re.search(rf'name="line_{lines["Baguette"]}"[^>]*type="number" value="3"', html)
    assert f'max="3" min="0" name="line_{lines["Baguette"]}"' in html
    assert buttons(html) == {"confirm", "cancel"}  # nothing to hand over before confirming
    assert "paiement autorisé" in html  # the history
    assert 'data-kind="placed"' in html and "commande reçue · en attente" in html


def test_confirm_with_a_short_line_shows_the_new_total_and_empties_the_shelf(
        app, client, clock, payments):
    order_id, bread, tart, lines = given_an_order(clock, payments, client)

    response = confirm(client, order_id, {lines["Baguette"]: 2, lines["Tarte aux myrtilles"]: 1})

    html = text(response)
    new_total = euros(2 * 130 + 2200)
    assert f"Commande confirmée, le client est prévenu par SMS. Total : {new_total}." \
        in flash(html)
    assert f'data-testid="order-total">{new_total}<' in html
    assert shown_status(html) == "confirmed" and status_of(order_id) == "confirmed"
    assert stock_of(bread) == 0  # short: the shelf was empty whatever the count said
    assert stock_of(tart) == 1
    assert buttons(html) == {"ready", "collect", "cancel"}
    assert 'data-kind="short"' in html


def test_confirm_with_a_quantity_above_the_order_is_refused_next_to_the_line(
        app, client, clock, payments):
    order_id, bread, _, lines = given_an_order(clock, payments, client)

    url = f"/marchand/commandes/{order_id}"
    response = submit(client, url, f"{url}/confirmer", {f"line_{lines['Baguette']}": "4"})

    assert response.status_code == 422
    assert f'<p class="error" id="line_{lines["Baguette"]}-error">Entre 0 et 3.</p>' \
        in text(response)
    assert status_of(order_id) == "placed"
    assert stock_of(bread) == 7
    assert all(line.confirmed_quantity is None
               for line in db.session.get(Order, order_id).lines)


def test_confirm_with_every_line_at_zero_cancels_the_order(app, client, clock, payments):
    order_id, bread, tart, lines = given_an_order(clock, payments, client)

    response = confirm(client, order_id, {line_id: 0 for line_id in lines.values()})

    assert "Aucun article disponible : commande annulée, le client est prévenu par SMS et ne " \
           "sera pas débité." in flash(text(response))
    assert status_of(order_id) == "cancelled"
    assert captures() == []


def test_confirm_twice_says_it_is_already_done(app, client, clock, payments):
    order_id, _, _, lines = given_an_order(clock, payments, client)
    url = f"/marchand/commandes/{order_id}"
    token = csrf_token(page(client, url))  # the page left open in a second tab
    confirm(client, order_id, {})

    response = client.post(f"{url}/confirmer", follow_redirects=True, data={
        "csrf_token": token, f"line_{lines['Baguette']}": "1",
        f"line_{lines['Tarte aux myrtilles']}": "1"})

    assert response.status_code == 200
    assert "Cette commande a déjà été confirmée ou n'est plus à traiter." in flash(text(response))
    assert db.session.get(Order, order_id).lines[0].confirmed_quantity == 3


def test_stale_confirm_form_with_a_bad_quantity_gets_the_orders_state(app, client, clock,
                                                                      payments):
    order_id, _, _, lines = given_an_order(clock, payments, client)
    url = f"/marchand/commandes/{order_id}"
    token = csrf_token(page(client, url))
    confirm(client, order_id, {})

    response = client.post(f"{url}/confirmer", data={"csrf_token": token,
                                                     f"line_{lines['Baguette']}": "9"},
                           follow_redirects=True)

    assert response.status_code == 200
    assert "Cette commande est confirmée : plus rien à confirmer." in flash(text(response))
    assert 'data-testid="confirm"' not in text(response)


def test_ready_then_collect_captures_the_confirmed_amount_once(app, client, clock, payments):
    order_id, _, _, lines = given_an_order(clock, payments, client)
    confirm(client, order_id, {lines["Baguette"]: 2})

    response = act(client, order_id, "prete")
    assert "Commande prête : le client est prévenu par SMS." in flash(text(response))
    assert shown_status(text(response)) == "ready"
    assert buttons(text(response)) == {"collect", "cancel"}
    assert 'data-kind="ready"' in text(response)

    response = act(client, order_id, "remise", code_of(order_id))
    amount = 2 * 130 + 2200
    assert f"Commande remise au client. Montant débité : {euros(amount)}." \
        in flash(text(response))
    assert shown_status(text(response)) == "collected" and status_of(order_id) == "collected"
    assert buttons(text(response)) == set()
    assert captures() == [(amount, "succeeded")]


def test_collect_pressed_twice_captures_once_and_says_so(app, client, clock, payments):
    order_id, _, _, _ = given_an_order(clock, payments, client)
    confirm(client, order_id, {})
    url = f"/marchand/commandes/{order_id}"
    token = csrf_token(page(client, url))  # the page as it was before the first press

    handed = {"csrf_token": token, **code_of(order_id)}
    first = client.post(f"{url}/remise", data=handed, follow_redirects=True)
    second = client.post(f"{url}/remise", data=handed, follow_redirects=True)

    assert first.status_code == second.status_code == 200
    assert "Cette commande a déjà été remise au client : rien n'a été débité une seconde fois." \
        in flash(text(second))
    assert captures() == [(3 * 130 + 2200, "succeeded")]


def test_ready_after_collection_is_refused_with_a_message(app, client, clock, payments):
    order_id, _, _, _ = given_an_order(clock, payments, client)
    url = f"/marchand/commandes/{order_id}"
    token = csrf_token(page(client, url))
    confirm(client, order_id, {})
    act(client, order_id, "remise", code_of(order_id))

    response = client.post(f"{url}/prete", data={"csrf_token": token}, follow_redirects=True)

    assert response.status_code == 200
    assert "La commande est retirée : impossible de passer à « prête »." in flash(text(response))
    assert status_of(order_id) == "collected"


def test_cancel_without_a_reason_is_refused_next_to_the_field(app, client, clock, payments):
    order_id, bread, _, _ = given_an_order(clock, payments, client)

    url = f"/marchand/commandes/{order_id}"
    response = submit(client, url, f"{url}/annuler", {"reason": "   "})

    assert response.status_code == 422
    assert '<p class="error" id="reason-error">Indiquez la raison de l\'annulation.</p>' \
        in text(response)
    assert "<details class=\"card\" open>" in text(response)
    assert status_of(order_id) == "placed"
    assert stock_of(bread) == 7


def test_cancel_with_a_reason_puts_the_stock_back(app, client, clock, payments):
    order_id, bread, tart, _ = given_an_order(clock, payments, client)

    response = act(client, order_id, "annuler", {"reason": "Four en panne"})

    html = text(response)
    assert "Commande annulée : le client est prévenu par SMS et ne sera pas débité." \
        in flash(html)
    assert shown_status(html) == "cancelled" and status_of(order_id) == "cancelled"
    assert "Four en panne" in html
    assert buttons(html) == set()
    assert stock_of(bread) == 10 and stock_of(tart) == 2
    assert 'data-kind="cancelled"' in html
    assert captures() == []


def test_actions_without_csrf_token_are_refused_and_change_nothing(app, client, clock,
                                                                   payments):
    order_id, bread, _, lines = given_an_order(clock, payments, client)
    url = f"/marchand/commandes/{order_id}"

    for action, data in (("confirmer", {f"line_{lines['Baguette']}": "1"}), ("prete", {}),
                         ("remise", {}), ("annuler", {"reason": "test"})):
        response = client.post(f"{url}/{action}", data=data)
        assert response.status_code == 400, action
        assert "Formulaire expiré" in text(response)

    assert status_of(order_id) == "placed"
    assert stock_of(bread) == 7


def test_actions_on_another_shops_order_are_404(app, client, clock, payments):
    butcher = make_shop("boucherie", "Boucherie Roux")
    ham = make_product(butcher, "Jambon", 450, stock=5)
    theirs = place_order({butcher: [(ham, 1)]}, clock.now, payments,
                         phone="0699999999").orders[0]
    order_id, _, _, _ = given_an_order(clock, payments, client)
    token = csrf_token(page(client, f"/marchand/commandes/{order_id}"))

    for action, data in (("confirmer", {}), ("prete", {}), ("remise", {}),
                         ("annuler", {"reason": "test"})):
        response = client.post(f"/marchand/commandes/{theirs.id}/{action}",
                               data={"csrf_token": token, **data})
        assert response.status_code == 404, action

    assert status_of(theirs.id) == "placed"
    assert stock_of(ham) == 4
