"""A product's own page, at a readable address that stays good: /boutiques/<shop>/<id>-<name>.

The id decides; the name's words are there for people and search engines, and an address
with other words (the product was renamed, the link was cut) redirects to the right one.
A product withdrawn from sale answers 410 Gone, with a way on to its shop: a search engine
drops it, a shopper following an old link is not left on an empty page."""
from flask import abort, redirect, render_template, request

from app import clock
from app.catalog.models import Product
from app.catalog.promotions import shown_price
from app.errors import NotFound
from app.extensions import db
from app.pickup.services import next_bookable_slots
from app.seo.addresses import product_path, product_slug
from app.shops.services import get_shop
from app.web.routes import bp

NEXT_PICKUPS = 4  # pickup times shown, as on the shop's page


@bp.get("/boutiques/<slug>/<int:product_id>", defaults={"name": None})
@bp.get("/boutiques/<slug>/<int:product_id>-<name>")
def product(slug: str, product_id: int, name: str | None):
    try:
        shop = get_shop(slug)
    except NotFound:
        abort(404)
    item = db.session.get(Product, product_id)
    if item is None or item.shop_id != shop.id:
        abort(404)
    if not item.active:
        return render_template("web/product_gone.html", product=item, shop=shop), 410
    if name != product_slug(item.name):
        query = request.query_string.decode()  # ?lang=en stays English
        return redirect(product_path(item) + (f"?{query}" if query else ""), 301)
    now = clock()
    upcoming = next_bookable_slots(shop, now, days=1)
    return render_template("web/product.html", product=item, shop=shop,
                           shown=shown_price(item, now),
                           next_slots=upcoming[0][1][:NEXT_PICKUPS] if upcoming else [])
