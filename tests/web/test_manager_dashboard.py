"""The town manager's page at /gestion: every shop and the day's figures."""
import re

from app.extensions import db
from app.money import euros
from app.orders import services as orders
from tests.factories import make_manager, make_merchant, make_product, make_shop
from tests.web.merchant_helpers import log_in, order_at, page, text


def figure(html: str, name: str) -> str:
    return re.search(rf'data-testid="{name}">([^<]+)<', html).group(1)


def words(text: str) -> str:
    return " ".join(text.split())


def shop_card(html: str, slug: str) -> str:
    """The shop's card as read on screen, words one space apart."""
    card = re.search(rf'data-testid="shop-row" data-slug="{slug}">(.*?)</li>', html, re.S)
    return words(re.sub(r"<[^>]+>", " ", card.group(1)))


def test_manager_sees_every_shop_and_todays_figures(app, client, clock, payments):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    butcher = make_shop("boucherie", "Boucherie Roux")
    closed = make_shop("fromagerie", "Fromagerie Vidal")
    closed.active = False
    db.session.commit()
    bread, tart = make_product(bakery), make_product(bakery, "Tarte", 2200)
    ham = make_product(butcher, "Jambon", 450)
    collected = order_at(bakery, [(bread, 2), (tart, 1)], clock.now, payments,
                         phone="0611111111", name="Léa Martin")
    waiting = order_at(bakery, [(bread, 1)], clock.now, payments, slot=2, phone="0622222222",
                       name="Paul Roux")
    dropped = order_at(butcher, [(ham, 3)], clock.now, payments, slot=1, phone="0633333333",
                       name="Inès Blanc")
    orders.confirm_lines(collected.id, bakery.id, [(collected.lines[0].id, 1)], now=clock.now,
                         provider=payments)
    orders.collect(collected.id, bakery.id, now=clock.now, provider=payments)
    orders.cancel_by_shop(dropped.id, butcher.id, "Rupture", now=clock.now, provider=payments)
    make_manager()
    log_in(client, "manager@example.fr")

    html = page(client, "/gestion")

    assert figure(html, "total-orders") == "3"
    assert figure(html, "total-placed") == "1"
    assert figure(html, "total-confirmed") == "0"
    assert figure(html, "total-ready") == "0"
    assert figure(html, "total-collected") == "1"
    assert figure(html, "total-collected-amount") == euros(130 + 2200)
    assert shop_card(html, "boulangerie") == words(
        f"Boulangerie Martin {euros(130 + 2200 + 130)} boulangerie · active 2 produits · "
        "2 commandes")
    assert shop_card(html, "boucherie") == words(
        f"Boucherie Roux {euros(0)} boucherie · active 1 produit · 1 commande")
    assert shop_card(html, "fromagerie") == words(
        f"Fromagerie Vidal {euros(0)} fromagerie · inactive 0 produits · 0 commandes")
    listed = [int(i) for i in re.findall(r'data-testid="town-order" data-order-id="(\d+)"', html)]
    assert listed == [collected.id, dropped.id, waiting.id]  # by slot across the town
    assert "Inès Blanc" in html and "annulée" in html and "10:15" in html


def test_another_day_has_its_own_figures(app, client, clock, payments):
    shop = make_shop()
    order_at(shop, [(make_product(shop), 1)], clock.now, payments)
    make_manager()
    log_in(client, "manager@example.fr")

    html = page(client, "/gestion?date=2026-11-25")

    assert figure(html, "total-orders") == "0"
    assert "Mercredi 25 novembre" in html
    assert "Aucune commande ce jour." in html
    assert shop_card(html, "boulangerie") == words(
        f"Boulangerie Martin {euros(0)} boulangerie · active 1 produit · 0 commandes")


def test_bad_date_gives_a_message_and_today(app, client, clock, payments):
    make_manager()
    log_in(client, "manager@example.fr")

    response = client.get("/gestion?date=24/11/2026")

    assert response.status_code == 400
    assert "Date invalide : utilisez le format AAAA-MM-JJ." in text(response)
    assert "Mardi 24 novembre" in text(response)


def test_merchant_cannot_open_the_town_page(app, client):
    make_merchant(make_shop())
    log_in(client, "boulangerie@example.fr")

    response = client.get("/gestion")

    assert response.status_code == 403
    assert "Accès refusé" in text(response)
    assert 'href="/marchand"' in text(response)


def test_signed_out_visitor_is_sent_to_sign_in(app, client):
    response = client.get("/gestion")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")
