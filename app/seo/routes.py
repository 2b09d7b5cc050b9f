"""The addresses search engines, listing services and other sites read: robots.txt, the
sitemaps, the product feeds and the embeddable catalogue; and the template globals the
shopper's pages use for their head (canonical, hreflang, share previews, JSON-LD)."""
from flask import (Blueprint, Flask, Response, abort, current_app, render_template,
                   stream_template, url_for)

from app import clock
from app.catalog.search import search_products
from app.errors import NotFound
from app.security import allow_framing
from app.seo import feeds, sitemap, structured_data, texts
from app.seo.addresses import (absolute, addressed_language, alternates, in_language,
                               product_path)
from app.shops.services import get_shop
from app.web.routes import _page

bp = Blueprint("seo", __name__)

XML = "application/xml"
# Pages no search engine should list: the staff's, the basket, checkout, payment and
# tracking (each order's own), sign-in, the language switch and the JSON API.
PRIVATE_PATHS = ("/gestion", "/marchand", "/panier", "/commande", "/suivi", "/connexion",
                 "/invitation", "/langue/", "/api/", "/recherche")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS), "Allow: /",
             "", f"Sitemap: {absolute(url_for('.sitemap_index'))}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


def _page_size() -> int:
    return min(current_app.config.get("SITEMAP_PAGE_SIZE", 10_000), sitemap.MAX_PAGE_SIZE)


@bp.get("/sitemap.xml")
def sitemap_index():
    pages = sitemap.product_pages(_page_size())
    maps = [url_for(".sitemap_shops")] + [url_for(".sitemap_products", page=n)
                                          for n in range(1, pages + 1)]
    return Response(render_template("seo/sitemap_index.xml", maps=maps), mimetype=XML)


@bp.get("/sitemap-boutiques.xml")
def sitemap_shops():
    shops = sitemap.shops_with_lastmod()
    entries = [sitemap.Entry(url_for("web.home"), max((at for _s, at in shops), default=None))]
    entries += [sitemap.Entry(url_for("web.shop", slug=shop.slug), at) for shop, at in shops]
    return Response(render_template("seo/sitemap.xml", entries=entries), mimetype=XML)


@bp.get("/sitemap-produits-<int:page>.xml")
def sitemap_products(page: int):
    size = _page_size()
    if page < 1 or page > sitemap.product_pages(size):
        abort(404)
    entries = [sitemap.Entry(product_path(p), p.updated_at)
               for p in sitemap.products_page(page, size)]
    return Response(render_template("seo/sitemap.xml", entries=entries), mimetype=XML)


def _feed(shop=None):
    now = clock()
    pickups = {}

    def pickup(shop_):
        if shop_.id not in pickups:
            pickups[shop_.id] = feeds.shop_pickup(shop_, now)
        return pickups[shop_.id]

    title = shop.name if shop else current_app.config["TOWN_NAME"]
    link = url_for("web.shop", slug=shop.slug) if shop else url_for("web.home")
    # Streamed: a town's feed may be hundreds of megabytes, which a worker must not hold.
    body = stream_template("seo/feed.xml", title=title, link=link, now=now, pickup=pickup,
                           products=feeds.feed_products(shop.slug if shop else None))
    return Response(feeds.in_blocks(body), mimetype=XML, headers={"Cache-Control": "no-cache"})


@bp.get("/flux.xml")
def town_feed():
    return _feed()


@bp.get("/boutiques/<slug>/flux.xml")
def shop_feed(slug: str):
    try:
        return _feed(get_shop(slug))
    except NotFound:
        abort(404)


@bp.get("/integrer/<slug>")
def embed(slug: str):
    """The shop's catalogue for another site's page (an <iframe>, README): prices and an
    "order for pickup" button that opens the product on the marketplace. No form, no
    cookie: everything happens on the marketplace's own page."""
    try:
        shop = get_shop(slug)
    except NotFound:
        abort(404)
    allow_framing()
    return render_template("seo/embed.html", shop=shop, page=_page(),
                           products=search_products(shop_slug=shop.slug, page=_page()))


def _shop_data(shop):
    return structured_data.local_business(shop, clock())


def _product_data(product):
    return structured_data.product(product, clock())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        absolute_url=absolute, alternates=alternates, addressed_language=addressed_language,
        in_language=in_language,
        product_path=product_path, json_ld=structured_data.json_ld,
        shop_data=_shop_data, product_data=_product_data,
        shop_list_data=structured_data.shop_list, breadcrumbs_data=structured_data.breadcrumbs,
        share_photo=structured_data.photo_url, euros_dot=structured_data.euros,
        shop_title=texts.shop_title, shop_description=texts.shop_description,
        product_title=texts.product_title, product_description=texts.product_description,
        sale_dates=feeds.sale_dates)
