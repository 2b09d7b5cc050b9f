"""The tracking page at a glance (issue 15, item 4): the steps with the current one marked,
"ready" said with its code at the top, money said as it is (authorised, taken at the
pickup for what is handed over, then paid), no state of the site's own shown, cancelling
that asks once, and an order that ended without a pickup saying only that."""
import re

from app.jobs.sweeps import release_expired_holds
from app.orders import services as orders
from app.payments.services import captured_cents
from tests.factories import later, place_order, stock_of
from tests.web.helpers import csrf_token, page, shopper_town, text


def _url(order) -> str:
    return f"/suivi/{order.tracking_token}"


def _steps(html: str) -> list[tuple[str, bool]]:
    """(step's words, is it the current one) in the page's order."""
    return [(text(inner).replace("fait : ", ""), "aria-current" in attrs) for attrs, inner in
            re.findall(r'<li class="step ([^>]*)>(.*?)</li>', html, re.S)]


def test_the_steps_follow_the_shop_and_the_code_comes_to_the_top_when_ready(
        client, clock, payments):
    town = shopper_town()
    order = place_order({town.bakery: [(town.bread, 3)]}, clock.now, payments).orders[0]

    placed = page(client, _url(order))
    assert _steps(placed) == [("Reçue", True), ("Confirmée", False), ("Prête", False),
                              ("Retirée", False)]
    assert placed.index('data-testid="pickup-details"') < placed.index('data-testid="pickup-pass"')

    orders.confirm_lines(order.id, town.bakery.id, [], now=clock.now, provider=payments)
    confirmed = page(client, _url(order))
    assert [current for _, current in _steps(confirmed)] == [False, True, False, False]
    assert "fait : Reçue" in text(confirmed)  # a done step is said, not only drawn

    orders.mark_ready(order.id, town.bakery.id, now=clock.now)
    ready = page(client, _url(order))
    assert _steps(ready)[2] == ("Prête", True)
    assert 'class="state state-ready"' in ready
    assert "Votre commande vous attend chez Boulangerie Martin : montrez votre code de " \
           "retrait." in text(ready)
    # the code before anything else of the order: the shop's address, the lines, the money
    assert ready.index('data-testid="pickup-code"') < ready.index('data-testid="pickup-details"')
    assert ready.count('data-testid="pickup-code"') == 1


def test_money_is_authorised_then_taken_at_the_pickup_then_paid(client, clock, payments):
    town = shopper_town()
    order = place_order({town.bakery: [(town.bread, 3), (town.tart, 1)]}, clock.now,
                        payments).orders[0]
    bread = next(line for line in order.lines if line.name == "Baguette tradition")

    placed = text(page(client, _url(order)))
    assert "Autorisé à la commande 25,90 €" in placed
    assert "Rien n'est débité avant le retrait, et seulement pour ce qui vous est remis." \
        in placed
    assert "Débité au retrait" not in placed  # not known before the shop checks the lines

    orders.confirm_lines(order.id, town.bakery.id, [(bread.id, 2)], now=clock.now,
                         provider=payments)
    confirmed = text(page(client, _url(order)))
    assert "Autorisé à la commande 25,90 € Débité au retrait 24,60 €" in confirmed

    orders.collect(order.id, town.bakery.id, now=clock.now, provider=payments)
    collected = page(client, _url(order))
    seen = text(collected)
    assert captured_cents(order.checkout_id) == 2460
    assert "Payé 24,60 €" in seen
    assert "payer au retrait" not in seen and "Débité au retrait" not in seen
    assert 'data-testid="pickup-pass"' not in collected
    assert "Retirée mardi 24 novembre à 09:00" in seen  # when it was, not the slot booked
    assert [current for _, current in _steps(collected)] == [False, False, False, True]


def test_a_collected_order_of_a_basket_still_open_says_its_charge_is_to_come(
        client, clock, payments):
    town = shopper_town()
    checkout = place_order({town.bakery: [(town.bread, 2)], town.deli: [(town.pate, 1)]},
                           clock.now, payments)
    bakery_order = next(o for o in checkout.orders if o.shop_id == town.bakery.id)
    orders.confirm_lines(bakery_order.id, town.bakery.id, [], now=clock.now, provider=payments)
    orders.collect(bakery_order.id, town.bakery.id, now=clock.now, provider=payments)

    seen = text(page(client, _url(bakery_order)))

    assert captured_cents(checkout.id) == 0
    assert "Payé" not in seen  # nothing taken yet: not said as paid
    assert "Débité pour ce qui vous a été remis 2,60 €" in seen
    assert "Le débit se fera quand les autres commandes du même panier seront terminées." \
        in seen


def test_a_payment_under_way_is_said_in_the_shoppers_words(client, clock, payments):
    town = shopper_town()
    order = place_order({town.deli: [(town.pate, 1)]}, clock.now, payments,
                        pay=False).orders[0]

    html = page(client, _url(order))
    state = client.get(f"{_url(order)}/etat").json

    assert re.search(r'data-testid="order-status">paiement en cours<', html)
    assert state["label"] == "paiement en cours"
    seen = text(html) + str(state)
    assert "panier réservé" not in seen and "attente de paiement" not in seen
    assert "Paiement en cours : rien n'est encore débité." in seen
    assert 'data-testid="pickup-pass"' not in html


def test_cancelling_asks_once_and_the_cancelled_page_says_only_that(client, clock, payments):
    town = shopper_town()
    order = place_order({town.deli: [(town.pate, 4)]}, clock.now, payments).orders[0]
    html = page(client, _url(order))
    assert re.search(r'<details class="card cancel" id="annuler" data-testid="cancel-form">',
                     html)  # closed: the first tap only opens it

    # A cancel without its confirmation (an old page, a replay) asks for it and does nothing
    asked = client.post(f"{_url(order)}/annuler", data={"csrf_token": csrf_token(html)})
    assert asked.status_code == 302
    assert asked.headers["Location"] == f"{_url(order)}?annuler=1#annuler"
    assert stock_of(town.pate) == 6
    asking = page(client, f"{_url(order)}?annuler=1")
    assert '<details class="card cancel" id="annuler" open' in asking
    assert re.search(r'data-testid="order-status">reçue<', asking)

    confirmed = client.post(f"{_url(order)}/annuler",
                            data={"csrf_token": csrf_token(html), "confirm": "yes"},
                            follow_redirects=True)
    after = confirmed.get_data(as_text=True)
    assert stock_of(town.pate) == 10
    assert re.search(r'data-testid="order-status">annulée<', after)
    seen = text(after)
    assert "Cette commande est annulée : rien ne vous sera débité pour elle." in seen
    assert "Vous pouvez commander à nouveau chez Charcuterie Vidal quand vous voulez." in seen
    for gone in ('data-testid="pickup-time"', 'data-testid="pickup-pass"',
                 'data-testid="calendar-link"', 'data-testid="order-steps"',
                 'data-testid="cancel-order"', order.pickup_code):
        assert gone not in after, gone
    assert "Retrait mardi" not in seen

    # A second tap (the first still on its way) changes nothing and says nothing more
    again = client.post(f"{_url(order)}/annuler",
                        data={"csrf_token": csrf_token(html), "confirm": "yes"},
                        follow_redirects=True)
    assert 'class="flash flash-error"' not in again.get_data(as_text=True)


def test_an_expired_order_says_it_was_not_placed_and_nothing_of_its_pickup(
        client, clock, payments):
    town = shopper_town()
    order = place_order({town.deli: [(town.pate, 1)]}, clock.now, payments,
                        pay=False).orders[0]
    release_expired_holds(later(clock.now, minutes=20))

    html = page(client, _url(order))

    seen = text(html)
    assert re.search(r'data-testid="order-status">expirée<', html)
    assert "cette commande n'a pas été passée et rien ne vous a été débité" in seen
    assert "Pour commander, refaites votre panier chez Charcuterie Vidal." in seen
    assert 'data-testid="pickup-time"' not in html and "Retrait mardi" not in seen
    assert 'data-testid="pickup-pass"' not in html and 'data-testid="order-money"' not in html


def test_the_tracking_page_in_english_writes_dates_and_money_the_english_way(
        client, clock, payments):
    town = shopper_town()
    order = place_order({town.bakery: [(town.bread, 3)]}, clock.now, payments).orders[0]
    orders.confirm_lines(order.id, town.bakery.id, [], now=clock.now, provider=payments)
    client.set_cookie("lang", "en")

    seen = text(page(client, _url(order)))

    assert "Pickup Tuesday 24 November at 10:00" in seen
    assert "Authorised when ordered €3.90 Charged at pickup €3.90" in seen
    assert "Tuesday 24 November at 09:00 — Received (payment authorised)" in seen
    assert not re.search(r"\w :", seen.replace("Comptoir · ", ""))  # no space before a colon
