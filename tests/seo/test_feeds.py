"""The merchant listing feeds (town and shop): one row per product on sale, each as the
catalogue has it now (price a checkout pays, promotion, stock, photo, shop as store code,
how soon it can be collected), following the stock and prices as they move."""
import xml.etree.ElementTree as ET
from datetime import date
from urllib.request import urlopen

import pytest

from app.catalog.services import update_product
from app.extensions import db
from app.merchant import catalogue  # noqa: F401  the product card's price helper
from app.shops.services import add_closure
from tests.browser.conftest import serving
from tests.factories import make_product, make_shop
from tests.seo.helpers import NS, xml
from tests.web.helpers import shopper_town

SITE = "http://comptoir.test"


def _rows(client, url) -> dict[str, dict[str, str]]:
    items = xml(client.get(url)).findall("channel/item")
    return {item.find("g:id", NS).text: {child.tag.split("}")[1]: child.text for child in item}
            for item in items}


def test_the_town_feed_has_a_row_per_product_on_sale_as_the_catalogue_says(client, clock):
    town = shopper_town()
    update_product(town.deli.id, town.ham.id, {"active": False}, now=clock.now)
    update_product(town.bakery.id, town.tart.id, {"stock": 0}, now=clock.now)

    rows = _rows(client, "/flux.xml")

    assert set(rows) == {str(p.id) for p in (town.bread, town.tart, town.pate)}
    bread = rows[str(town.bread.id)]
    assert bread == {
        "id": str(town.bread.id), "title": "Baguette tradition", "description": "Baguette tradition",
        "link": f"{SITE}/boutiques/boulangerie/{town.bread.id}-baguette-tradition",
        "condition": "new", "availability": "in_stock", "quantity": "50", "price": "1.30 EUR",
        "brand": "Boulangerie Martin", "store_code": "boulangerie", "pickup_method": "buy",
        "pickup_SLA": "same day"}
    assert rows[str(town.tart.id)]["availability"] == "out_of_stock"
    assert rows[str(town.tart.id)]["quantity"] == "0"
    assert rows[str(town.pate.id)]["store_code"] == "charcuterie"


def test_the_shop_feed_follows_prices_promotions_stock_and_pickup(client, clock):
    town = shopper_town()
    before = _rows(client, "/boutiques/boulangerie/flux.xml")[str(town.bread.id)]
    update_product(town.bakery.id, town.bread.id, {
        "promo_price_cents": 99, "promo_starts_at": "2026-11-24T08:30:00+01:00",
        "promo_ends_at": "2026-11-28T00:00:00+01:00", "stock": 7}, now=clock.now)
    clock.set("2026-11-24T18:30:00+01:00")  # the evening: the next pickup is tomorrow
    add_closure(town.bakery, date(2026, 11, 25), date(2026, 11, 25))  # but not Wednesday

    rows = _rows(client, "/boutiques/boulangerie/flux.xml")

    assert set(rows) == {str(town.bread.id), str(town.tart.id)}
    bread = rows[str(town.bread.id)]
    assert (before["price"], before["quantity"]) == ("1.30 EUR", "50")
    assert (bread["price"], bread["sale_price"], bread["quantity"]) == ("1.30 EUR", "0.99 EUR", "7")
    assert bread["sale_price_effective_date"] == \
        "2026-11-24T08:30:00+01:00/2026-11-28T00:00:00+01:00"
    assert bread["pickup_SLA"] == "2-day"  # Thursday
    assert client.get("/boutiques/inconnue/flux.xml").status_code == 404


def test_a_hostile_name_stays_text_in_the_feed(client, clock):
    town = shopper_town()
    update_product(town.bakery.id, town.bread.id, {"name": "Pain <b>&</b> \"beurre\""},
                   now=clock.now)

    rows = _rows(client, "/flux.xml")

    assert rows[str(town.bread.id)]["title"] == "Pain <b>&</b> \"beurre\""


def _jam_shop(count: int) -> list[str]:
    """The shop "epicerie" with `count` products; their names, sorted."""
    shop = make_shop("epicerie", "Épicerie du Breuil")
    names = [f"Confiture n° {n}" for n in range(count)]
    for name in names:
        make_product(shop, name, 450)
    return sorted(names)


def _titles(feed: bytes) -> list[str]:
    """The feed's product titles, sorted."""
    return sorted(item.find("g:title", NS).text
                  for item in ET.fromstring(feed).findall("channel/item"))


def test_a_big_shops_feed_is_sent_as_it_is_read_and_arrives_whole(client, clock, monkeypatch):
    # Given a shop whose feed is many times bigger than a block sent at a time
    monkeypatch.setattr("app.seo.feeds.BLOCK", 4096)
    monkeypatch.setattr("app.seo.feeds.BATCH", 7)  # and read from the database in batches
    jams = _jam_shop(60)

    # When a listing service reads it
    response = client.get("/boutiques/epicerie/flux.xml", buffered=False)
    blocks = list(response.iter_encoded())
    response.close()

    # Then it came in several blocks, no bigger than needed, and holds every product once
    assert response.status_code == 200 and response.is_streamed
    assert len(blocks) > 3 and all(len(block) < 2 * 4096 for block in blocks)
    assert _titles(b"".join(blocks)) == jams


@pytest.mark.real_commits
def test_the_feed_is_read_to_its_end_from_a_real_server(app, monkeypatch):
    # Given a shop with more products than a batch read at a time, committed for real
    monkeypatch.setattr("app.seo.feeds.BATCH", 7)
    jams = _jam_shop(20)
    db.session.commit()

    # When a listing service fetches the feed from the server, where each request has its
    # own app context (and its session ends with it, before the stream is sent)
    with serving(app) as url, urlopen(f"{url}/boutiques/epicerie/flux.xml") as response:
        status, body = response.status, response.read()

    # Then it comes whole, every product once
    assert status == 200
    assert _titles(body) == jams
