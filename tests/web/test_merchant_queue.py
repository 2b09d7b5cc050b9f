"""The shop's queue at /marchand: the day's paid orders of its own shop, by slot."""
import re

from app.orders import services as orders
from tests.factories import make_manager, make_merchant, make_product, make_shop, place_order
from tests.web.merchant_helpers import log_in, order_at, page, text


def queue_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="queue-order" data-order-id="(\d+)"', html)]


def to_handle(html: str) -> str:
    return re.search(r'data-testid="to-handle">([^<]+)<', html).group(1)


def test_queue_lists_todays_orders_of_its_own_shop_by_slot(app, client, clock, payments):
    bakery, butcher = make_shop("boulangerie"), make_shop("boucherie", "Boucherie Roux")
    bread, ham = make_product(bakery), make_product(butcher, "Jambon", 450)
    late = order_at(bakery, [(bread, 2)], clock.now, payments, slot=3, phone="0611111111",
                    name="Léa Martin")
    early = order_at(bakery, [(bread, 1)], clock.now, payments, slot=0, phone="0622222222",
                     name="Paul Roux")
    other_shop = order_at(butcher, [(ham, 1)], clock.now, payments, phone="0633333333",
                          name="Inès Blanc")
    place_order({bakery: [(bread, 1)]}, clock.now, payments, pay=False, phone="0644444444",
                name="Pas Payé")
    make_merchant(bakery)
    log_in(client, "boulangerie@example.fr")

    html = page(client, "/marchand")

    assert queue_ids(html) == [early.id, late.id]
    assert "Inès Blanc" not in html and other_shop.id not in queue_ids(html)
    assert "Pas Payé" not in html  # unpaid: not the shop's business yet
    assert "10:00 – 10:15" in html and "10:45 – 11:00" in html
    assert 'href="tel:+33611111111"' in html and "06 11 11 11 11" in html
    assert "Léa Martin" in html and "2,60\u00a0€" in html and "reçue" in html
    assert to_handle(html) == "2 à traiter"
    assert "Mardi 24 novembre" in html


def test_queue_of_another_day_and_day_links(app, client, clock, payments):
    shop = make_shop()
    bread = make_product(shop)
    order_at(shop, [(bread, 1)], clock.now, payments)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")

    html = page(client, "/marchand?date=2026-11-25")

    assert queue_ids(html) == []
    assert "Aucune commande pour ce jour." in html
    assert "Mercredi 25 novembre" in html
    assert 'href="/marchand?date=2026-11-24"' in html  # the day before
    assert 'href="/marchand?date=2026-11-26"' in html  # the day after
    assert to_handle(html) == "0 à traiter"


def test_orders_to_check_on_later_days_are_pointed_out(app, client, clock, payments):
    shop = make_shop()
    bread = make_product(shop)
    clock.set("2026-11-24T18:30:00+01:00")  # too late for today: tomorrow's first slot
    order_at(shop, [(bread, 1)], clock.now, payments)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")

    html = page(client, "/marchand")

    assert to_handle(html) == "0 à traiter"
    assert "et 1 à traiter les jours suivants" in html
    assert 'href="/marchand?date=2026-11-25"' in html


def test_queue_filters_by_status(app, client, clock, payments):
    shop = make_shop()
    bread = make_product(shop)
    confirmed = order_at(shop, [(bread, 1)], clock.now, payments, phone="0611111111")
    placed = order_at(shop, [(bread, 1)], clock.now, payments, slot=1, phone="0622222222")
    orders.confirm_lines(confirmed.id, shop.id, [], now=clock.now, provider=payments)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")

    assert queue_ids(page(client, "/marchand?status=confirmed")) == [confirmed.id]
    assert queue_ids(page(client, "/marchand?status=placed")) == [placed.id]
    assert queue_ids(page(client, "/marchand")) == [confirmed.id, placed.id]


def test_bad_date_or_status_gives_a_message_and_todays_queue(app, client, clock, payments):
    shop = make_shop()
    order = order_at(shop, [(make_product(shop), 1)], clock.now, payments)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")

    for query, message in (("date=2026-13-45", "Date invalide : utilisez le format AAAA-MM-JJ."),
                           ("date=demain", "Date invalide : utilisez le format AAAA-MM-JJ."),
                           ("date=0001-01-01", "Date hors des limites du calendrier."),
                           ("status=perdue", "Statut inconnu.")):
        response = client.get(f"/marchand?{query}")
        assert response.status_code == 400, query
        assert message in text(response)
        assert queue_ids(text(response)) == [order.id]


def test_another_shops_order_does_not_exist(app, client, clock, payments):
    bakery, butcher = make_shop("boulangerie"), make_shop("boucherie", "Boucherie Roux")
    theirs = order_at(butcher, [(make_product(butcher, "Jambon", 450), 1)], clock.now, payments)
    make_merchant(bakery)
    log_in(client, "boulangerie@example.fr")

    assert client.get(f"/marchand/commandes/{theirs.id}").status_code == 404
    assert client.get("/marchand/commandes/999999").status_code == 404


def test_manager_opening_the_queue_is_sent_to_the_town_page(app, client):
    make_manager()
    log_in(client, "manager@example.fr")

    response = client.get("/marchand")

    assert response.status_code == 302
    assert response.headers["Location"] == "/gestion"


def test_signed_out_visitor_cannot_see_the_queue(app, client):
    response = client.get("/marchand")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")
