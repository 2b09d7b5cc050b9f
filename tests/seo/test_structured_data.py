"""Every shopper page's JSON-LD is valid schema.org and says what the database says: a shop
is a LocalBusiness of its kind with its real week and its closed days, a product's Offer
is the price a checkout made now pays (promotion included) and its availability, the
town's page lists its shops, and breadcrumbs lead back up."""
from datetime import date, time

import sqlalchemy as sa

import app.merchant.catalogue  # noqa: F401  the product card's price helper
from app.catalog.models import Product
from app.catalog.services import update_product
from app.extensions import db
from app.seo.addresses import product_slug
from app.shops.models import Shop
from app.shops.services import add_closure
from tests.factories import checkout_payload, make_product, make_shop
from tests.seo.helpers import head, schema_problems, structured
from tests.web.helpers import page

LUNCH_BREAK = [(d, time(8), time(12, 30)) for d in range(5)] + \
    [(d, time(15), time(19)) for d in range(5)] + [(5, time(8), time(13))]


def _bakery():
    shop = make_shop("boulangerie-martin", "Boulangerie Martin", phone="04 71 09 12 34",
                     address="3 rue des Tables, 43000 Le Puy-en-Velay", hours=LUNCH_BREAK,
                     kind="boulangerie")
    db.session.execute(sa.update(Shop).where(Shop.id == shop.id)
                       .values(latitude=45.04502, longitude=3.88237))
    db.session.commit()
    return shop


def _product_url(product) -> str:
    return f"/boutiques/{product.shop.slug}/{product.id}-{product_slug(product.name)}"


def test_a_shop_is_a_local_business_of_its_kind_with_its_week_and_closed_days(client, clock):
    shop = _bakery()
    add_closure(shop, date(2026, 11, 26), date(2026, 11, 27), "Inventaire")  # Thu, Fri

    html = page(client, "/boutiques/boulangerie-martin")
    business = structured(html, "LocalBusiness")

    assert schema_problems(business) == []
    assert business["@type"] == "Bakery"
    assert business["name"] == "Boulangerie Martin"
    assert business["telephone"] == "+33471091234"
    assert business["address"] == {"@type": "PostalAddress", "streetAddress": "3 rue des Tables",
                                   "postalCode": "43000", "addressLocality": "Le Puy-en-Velay",
                                   "addressCountry": "FR"}
    assert business["geo"] == {"@type": "GeoCoordinates", "latitude": 45.04502,
                               "longitude": 3.88237}
    hours = business["openingHoursSpecification"]
    week = sorted((h["dayOfWeek"].rsplit("/", 1)[1], h["opens"], h["closes"])
                  for h in hours if "dayOfWeek" in h)
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    assert week == sorted((days[h.weekday], h.opens.strftime("%H:%M"), h.closes.strftime("%H:%M"))
                          for h in shop.hours)
    assert ("Wednesday", "15:00", "19:00") in week and not any(d == "Sunday" for d, *_ in week)
    closed = [h for h in hours if "validFrom" in h]
    # The closure's two days closed (00:00 to 00:00); Christmas and New Year's Day too.
    assert closed[0] == {"@type": "OpeningHoursSpecification", "opens": "00:00",
                         "closes": "00:00", "validFrom": "2026-11-26",
                         "validThrough": "2026-11-27"}
    assert {(h["validFrom"], h["validThrough"]) for h in closed[1:]} == {
        ("2026-12-25", "2026-12-25"), ("2027-01-01", "2027-01-01")}


def test_a_shop_of_no_given_kind_is_a_store_and_a_wine_shop_a_liquor_store(client):
    make_shop("epicerie", "Épicerie Roux")
    make_shop("cave", "Cave Saint-Michel", kind="caviste")

    plain = structured(page(client, "/boutiques/epicerie"), "LocalBusiness")
    wine = structured(page(client, "/boutiques/cave"), "LocalBusiness")

    assert (plain["@type"], wine["@type"]) == ("Store", "LiquorStore")
    assert "geo" not in plain  # not located yet
    assert schema_problems(plain) == schema_problems(wine) == []


def test_the_offer_is_what_a_checkout_made_now_pays_promotion_included(client, clock):
    shop = _bakery()
    cake = make_product(shop, "Galette des rois", 1800, stock=4)
    update_product(shop.id, cake.id, {"promo_price_cents": 1500,
                                      "promo_starts_at": "2026-11-24T08:30:00+01:00",
                                      "promo_ends_at": "2026-11-28T00:00:00+01:00"},
                   now=clock.now)
    clock.set("2026-11-24T10:00:00+01:00")

    product = structured(page(client, _product_url(cake)), "Product")
    checkout = client.post("/api/v1/checkouts", json=checkout_payload({shop: [(cake, 1)]},
                                                                       clock.now))

    assert schema_problems(product) == []
    assert checkout.status_code == 201, checkout.get_json()
    offer = product["offers"]
    assert round(float(offer["price"]) * 100) == checkout.get_json()["total_cents"] == 1500
    assert offer["priceCurrency"] == "EUR"
    assert offer["priceValidUntil"] == "2026-11-28T00:00:00+01:00"
    assert offer["availability"] == "https://schema.org/InStock"
    assert product["name"] == "Galette des rois"
    assert offer["url"] == product["url"] == f"http://comptoir.test/boutiques/boulangerie-martin/{cake.id}-galette-des-rois"


def test_the_offer_follows_the_clock_and_the_stock(client, clock):
    shop = _bakery()
    cake = make_product(shop, "Galette des rois", 1800, stock=1)
    update_product(shop.id, cake.id, {"promo_price_cents": 1500,
                                      "promo_ends_at": "2026-11-28T00:00:00+01:00"},
                   now=clock.now)
    clock.set("2026-11-28T00:00:00+01:00")  # the promotion has ended
    update_product(shop.id, cake.id, {"stock": 0}, now=clock.now)

    offer = structured(page(client, _product_url(cake)), "Product")["offers"]

    assert offer["price"] == "18.00" and "priceValidUntil" not in offer
    assert offer["availability"] == "https://schema.org/OutOfStock"
    assert db.session.get(Product, cake.id).price_at(clock.now) == 1800


def test_the_town_page_lists_its_shops_and_product_pages_have_breadcrumbs(client):
    shop = _bakery()
    make_shop("boucherie-vidal", "Boucherie Vidal", kind="boucherie")
    bread = make_product(shop, "Baguette tradition", 130)

    shops = structured(page(client, "/"), "ItemList")
    crumbs = structured(page(client, _product_url(bread)),
                        "BreadcrumbList")

    assert schema_problems(shops) == schema_problems(crumbs) == []
    assert [(i["position"], i["name"], i["url"]) for i in shops["itemListElement"]] == [
        (1, "Boucherie Vidal", "http://comptoir.test/boutiques/boucherie-vidal"),
        (2, "Boulangerie Martin", "http://comptoir.test/boutiques/boulangerie-martin")]
    assert [(i["position"], i["name"]) for i in crumbs["itemListElement"]] == [
        (1, "Boutiques"), (2, "Boulangerie Martin"), (3, "Baguette tradition")]
    assert crumbs["itemListElement"][1]["item"] == "http://comptoir.test/boutiques/boulangerie-martin"


def test_a_hostile_product_name_stays_inert_in_the_structured_data(client):
    shop = _bakery()
    name = '</script><script>alert(1)</script><!--'
    hostile = make_product(shop, name, 100)
    db.session.execute(sa.update(Shop).where(Shop.id == shop.id)
                       .values(description='"}</script><img src=x onerror=alert(2)>'))
    db.session.commit()

    html = page(client, _product_url(hostile))
    shop_html = page(client, "/boutiques/boulangerie-martin")

    assert "<script>alert(1)" not in html and "<img src=x" not in shop_html
    # Still the very same text once read back as JSON.
    assert structured(html, "Product")["name"] == name
    assert structured(shop_html, "LocalBusiness")["description"].startswith('"}</script>')
    assert len(head(html).json_ld) == 2 and len(head(shop_html).json_ld) == 2
