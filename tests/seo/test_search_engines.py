"""What a search engine is given: a sitemap of every shop and product on sale (split when
large, with lastmod from real changes), robots.txt keeping private pages out, and on each
page its canonical address and its French and English alternates."""
import sqlalchemy as sa

import app.merchant.catalogue  # noqa: F401  the product card's price helper
from app.catalog.models import Product
from app.catalog.services import update_product
from app.extensions import db
from app.seo.addresses import product_slug
from tests.factories import make_product
from tests.seo.helpers import NS, canonical, head, hreflangs, xml
from tests.web.helpers import page, shopper_town

SITE = "http://comptoir.test"


def _sitemap_urls(client) -> dict[str, str | None]:
    """Every page the sitemaps list -> its lastmod."""
    index = xml(client.get("/sitemap.xml"))
    urls = {}
    for loc in index.findall("sm:sitemap/sm:loc", NS):
        for url in xml(client.get(loc.text.removeprefix(SITE))).findall("sm:url", NS):
            lastmod = url.find("sm:lastmod", NS)
            urls[url.find("sm:loc", NS).text] = lastmod.text if lastmod is not None else None
    return urls


def _product_url(product) -> str:
    return f"{SITE}/boutiques/{product.shop.slug}/{product.id}-{product_slug(product.name)}"


def test_the_sitemap_lists_every_shop_and_product_on_sale_split_by_size(app, client, clock):
    app.config["SITEMAP_PAGE_SIZE"] = 2
    town = shopper_town()
    extra = make_product(town.deli, "Saucisson sec", 890)
    update_product(town.deli.id, town.ham.id, {"active": False}, now=clock.now)

    index = xml(client.get("/sitemap.xml"))
    urls = _sitemap_urls(client)

    on_sale = db.session.scalars(sa.select(Product).where(Product.active.is_(True))).all()
    assert len(on_sale) == 4
    assert [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)] == [
        f"{SITE}/sitemap-boutiques.xml", f"{SITE}/sitemap-produits-1.xml",
        f"{SITE}/sitemap-produits-2.xml"]
    assert set(urls) == {f"{SITE}/", f"{SITE}/boutiques/boulangerie",
                         f"{SITE}/boutiques/charcuterie", *map(_product_url, on_sale)}
    assert _product_url(town.ham) not in urls and _product_url(extra) in urls
    assert client.get("/sitemap-produits-3.xml").status_code == 404


def test_lastmod_moves_when_a_product_changes(client, clock):
    town = shopper_town()
    db.session.execute(sa.update(Product).values(updated_at=clock.now))  # made last week
    db.session.commit()
    before = _sitemap_urls(client)
    update_product(town.bakery.id, town.bread.id, {"price_cents": 140}, now=clock.now)
    stored = db.session.scalar(sa.select(Product.updated_at).where(Product.id == town.bread.id))

    after = _sitemap_urls(client)

    bread = _product_url(town.bread)
    assert after[bread] == stored.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert before[bread] == "2026-11-24T08:00:00+00:00" != after[bread]
    # The shop's page shows the product: it changed too.
    assert after[f"{SITE}/boutiques/boulangerie"] == after[bread]


def test_the_sitemap_names_each_page_s_languages(client):
    town = shopper_town()
    urlset = xml(client.get("/sitemap-produits-1.xml"))
    first = urlset.find("sm:url", NS)

    links = {link.get("hreflang"): link.get("href")
             for link in first.findall("xhtml:link", NS)}

    assert links == {"fr": _product_url(town.bread), "en": _product_url(town.bread) + "?lang=en",
                     "x-default": _product_url(town.bread)}


def test_robots_keeps_staff_basket_checkout_and_tracking_out(client):
    response = client.get("/robots.txt")
    rules = response.get_data(as_text=True).splitlines()

    assert response.mimetype == "text/plain"
    assert rules[0] == "User-agent: *"
    for private in ("/gestion", "/marchand", "/panier", "/commande", "/suivi", "/connexion",
                    "/api/"):
        assert f"Disallow: {private}" in rules
    assert not any(rule.startswith("Disallow: /boutiques") for rule in rules)
    assert f"Sitemap: {SITE}/sitemap.xml" in rules


def test_canonical_and_hreflang_on_both_languages(client):
    town = shopper_town()
    for path in ("/", "/boutiques/boulangerie",
                 f"/boutiques/boulangerie/{town.bread.id}-baguette-tradition"):
        french = page(client, path)
        english = page(client, path + "?lang=en")

        assert canonical(french) == SITE + path
        assert canonical(english) == SITE + path + "?lang=en"
        assert hreflangs(french) == hreflangs(english) == {
            "fr": SITE + path, "en": SITE + path + "?lang=en", "x-default": SITE + path}
        assert '<html lang="fr">' in french and '<html lang="en">' in english
        assert head(english).metas["og:locale"] == "en_GB"


def test_the_plain_address_follows_the_reader_and_stays_its_own_canonical(client):
    shopper_town()

    html = client.get("/boutiques/boulangerie", headers={"Accept-Language": "en-US,en"}) \
        .get_data(as_text=True)

    assert '<html lang="en">' in html
    assert canonical(html) == f"{SITE}/boutiques/boulangerie"


def test_the_address_s_language_outweighs_the_cookie_and_the_switch_drops_it(client):
    shopper_town()
    client.get("/langue/en?next=/")

    french = page(client, "/boutiques/boulangerie?lang=fr")
    switched = client.get("/langue/fr?next=/boutiques/boulangerie%3Flang%3Den%26page%3D1")

    assert '<html lang="fr">' in french and canonical(french) == f"{SITE}/boutiques/boulangerie"
    assert switched.headers["Location"] == "/boutiques/boulangerie?page=1"
    assert '<html lang="fr">' in page(client, "/boutiques/boulangerie?page=1")


def test_the_english_shop_page_has_its_english_title_and_description(client):
    shopper_town()
    tags = head(page(client, "/boutiques/boulangerie?lang=en"))

    assert tags.title == "Boulangerie Martin in Le Puy-en-Velay · Comptoir"
    assert tags.metas["description"].startswith(
        "Boulangerie Martin: order online, pay and collect in the shop")
