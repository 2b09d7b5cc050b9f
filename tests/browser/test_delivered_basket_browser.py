"""Issue 14 end to end, on 390x844 phones: a basket from two shops delivered at home. The
shopper picks the address from the suggestions, a window, and pays (goods + fee authorised);
the shops prepare (the bakery is one loaf short); the manager plans the round; the courier
collects at both shops and delivers with the shopper's code; the shopper's tracking page
follows each step; the card is captured for the confirmed goods plus the fee, once, and the
fee is the association's. axe-core finds nothing on any page of the way."""
import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.delivery.models import DeliveryRequest, Round
from app.delivery.planning import create_courier
from app.extensions import db
from app.ledger.models import AssociationEntry
from app.orders import services as orders
from app.orders.models import Order
from app.payments.models import PaymentTransaction
from tests.browser.conftest import phone_page, screenshot, sign_in
from tests.browser.test_onboarding_browser import _axe
from tests.delivery.helpers import TABLES, evening_window, town_zone
from tests.factories import make_manager, make_product, make_shop

FEE = 490


def _prepare(app, clock, payments, short_product_id):
    """Each shop confirms its lines (one loaf short at the bakery) and marks them ready."""
    with app.app_context():
        for order in db.session.scalars(sa.select(Order).order_by(Order.id)):
            lines = [(line.id, line.quantity - (line.product_id == short_product_id))
                     for line in order.lines]
            orders.confirm_lines(order.id, order.shop_id, lines, now=clock.now,
                                 provider=payments)
            orders.mark_ready(order.id, order.shop_id, now=clock.now)
        db.session.commit()


def _delivery_state(page) -> str:
    page.reload()
    return page.get_by_test_id("delivery-state").get_attribute("data-state")


def test_a_two_shop_basket_is_delivered_and_the_card_pays_what_came_plus_the_fee(
        app, live_server, chromium, clock, payments):
    bakery = make_shop("boulangerie", "Boulangerie Martin",
                       address="3 rue des Tables, 43000 Le Puy-en-Velay", phone="04 71 02 03 04")
    cheese = make_shop("fromagerie", "Fromagerie du Plot",
                       address="4 rue Pannessac, 43000 Le Puy-en-Velay", phone="04 71 05 06 07")
    bread = make_product(bakery, "Pain de campagne", 450, stock=20)
    make_product(cheese, "Fourme d'Ambert", 1290, stock=5)
    town_zone()
    evening_window()
    make_manager()
    create_courier(name="Léa", phone="06 99 88 77 66", capacity=8)
    db.session.commit()
    problems = []

    with phone_page(chromium) as shopper:
        # The shopper fills a basket at two shops…
        for slug, quantity in (("boulangerie", "2"), ("fromagerie", "1")):
            shopper.goto(f"{live_server}/boutiques/{slug}")
            shopper.get_by_test_id("add-quantity").first.fill(quantity)
            shopper.get_by_test_id("add-to-cart").first.click()
            shopper.get_by_test_id("add-status").wait_for()
        shopper.goto(live_server + "/panier")
        assert shopper.get_by_test_id("cart-shop").count() == 2
        # … chooses delivery once for the whole basket, the address from the suggestions…
        shopper.get_by_test_id("delivery-link").click()
        shopper.get_by_test_id("address-input").press_sequentially("12 rue des tab", delay=30)
        shopper.get_by_test_id("address-choice").first.check()
        shopper.get_by_test_id("address-pick").click()
        assert "4,90" in shopper.get_by_test_id("delivery-fee").inner_text()
        shopper.get_by_test_id("delivery-windows") \
            .locator("input[data-testid=window-choice]:not([disabled])").first.check()
        problems += _axe(shopper, "delivery step, a window chosen")
        shopper.get_by_test_id("window-submit").click()
        # … and pays the goods and the fee (authorised, not taken).
        assert TABLES.label in shopper.get_by_test_id("delivery-summary").inner_text()
        shopper.get_by_test_id("customer-name").fill("Claire Dupont")
        shopper.get_by_test_id("customer-phone").fill("06 12 34 56 78")
        shopper.get_by_test_id("checkout-submit").click()
        shopper.get_by_test_id("method-test_ok").check()
        shopper.get_by_test_id("pay-button").click()
        expect(shopper.get_by_test_id("thanks-order")).to_have_count(2)
        shopper.get_by_test_id("tracking-link").first.click()
        tracking_url = shopper.url
        assert _delivery_state(shopper) == "held"
        assert "17:00" in shopper.get_by_test_id("delivery").inner_text()
        problems += _axe(shopper, "tracking, delivery held")

        db.session.rollback()
        [request] = db.session.scalars(sa.select(DeliveryRequest)).all()
        assert request.fee_cents == FEE
        codes = [o.pickup_code for o in db.session.scalars(sa.select(Order))]
        db.session.rollback()  # a SQLite reader left open would block the server's writes

        # The shops prepare: the bakery has one loaf, not two.
        _prepare(app, clock, payments, bread.id)

        # The manager plans the evening's round.
        with phone_page(chromium) as manager:
            manager.goto(live_server + "/connexion")
            sign_in(manager, "manager@example.fr")
            manager.goto(live_server + "/gestion/livraison")
            manager.get_by_test_id("plan-date").fill(clock.now.date().isoformat())
            manager.get_by_test_id("plan-submit").click()
            expect(manager.get_by_test_id("stop")).to_have_count(3)  # two shops, one door
            round_link = manager.get_by_test_id("round-link").input_value()
        shopper.goto(tracking_url)
        assert _delivery_state(shopper) == "planned"
        assert re.search(r"entre \d\d:\d\d et \d\d:\d\d",
                         shopper.get_by_test_id("delivery").inner_text())

        # The courier collects at both shops, then hands the basket over with the code.
        clock.set("2026-11-24T17:05:00+01:00")
        with phone_page(chromium) as courier:
            courier.goto(round_link)
            problems += _axe(courier, "courier, round planned")
            for _stop in range(2):
                courier.get_by_test_id("pickup").first.click()
                assert "Commande récupérée." in courier.get_by_test_id("flashes").inner_text()
            shopper.goto(tracking_url)
            assert _delivery_state(shopper) == "en_route"
            courier.get_by_test_id("code").fill(codes[0])
            courier.get_by_test_id("deliver").click()
            assert "Livraison enregistrée." in courier.get_by_test_id("flashes").inner_text()
            assert courier.get_by_test_id("stop-done").count() == 3
            screenshot(courier, "delivered-basket-courier-390")
        assert _delivery_state(shopper) == "delivered"
        assert "Votre commande vous a été livrée." in \
            shopper.get_by_test_id("state-say").inner_text()
        assert shopper.locator("[data-testid=order-steps] [aria-current=step]") \
            .inner_text() == "Livrée"
        problems += _axe(shopper, "tracking, delivered")
        screenshot(shopper, "delivered-basket-tracking-390")

    db.session.rollback()
    assert db.session.scalars(sa.select(Order.status)).all() == ["collected", "collected"]
    assert db.session.scalar(sa.select(Round.status)) == "done"
    captures = db.session.execute(
        sa.select(PaymentTransaction.amount_cents, PaymentTransaction.status)
        .where(PaymentTransaction.kind == "capture")).all()
    assert captures == [(450 + 1290 + FEE, "succeeded")]  # one loaf, the cheese, the fee
    fee_lines = db.session.execute(sa.select(AssociationEntry.kind,
                                             AssociationEntry.amount_cents)).all()
    assert fee_lines == [("delivery_fee", FEE)]
    db.session.rollback()
    assert problems == []
