"""The shopper's browsing pages: the town's shops, a shop's page, the town-wide search."""
from flask import abort, render_template, request
from flask_babel import get_locale

from app import clock
from app.catalog.search import aisle_label, categories, nearby_words, search_products
from app.errors import NotFound
from app.pickup.services import next_bookable_slots
from app.shops.services import get_shop, list_shops
from app.timeutil import local_today
from app.web.forms import SearchForm
from app.web.routes import _page, bp

NEXT_PICKUPS = 4  # pickup times shown on a shop's page


@bp.get("/")
def home():
    return render_template("web/home.html", shops=list_shops(), search=SearchForm())


@bp.get("/recherche")
def search():
    form = SearchForm(request.args)
    valid = form.validate()
    q = form.q.data if valid and form.q.data else ""
    shop_slug = (form.shop.data or None) if valid else None
    category = (form.category.data or None) if valid else None
    searched = bool(q.strip() or shop_slug or category)
    results = (search_products(q=q, shop_slug=shop_slug, category=category, page=_page(),
                               count=True) if searched else None)
    aisles = categories()
    # Nothing found: a way forward, the catalogue's words near those typed and the aisles.
    nearby = nearby_words(q) if results is not None and not results.items and q else []
    english = get_locale().language == "en"
    return render_template("web/search.html", search=form, q=q, results=results,
                           page=_page(), shops=list_shops(), categories=aisles, nearby=nearby,
                           aisles=[(c, aisle_label(c, english)) for c in aisles])


@bp.get("/boutiques/<slug>")
def shop(slug):
    try:
        shop = get_shop(slug)
    except NotFound:
        abort(404)
    now = clock()
    upcoming = next_bookable_slots(shop, now, days=1)
    next_slots = upcoming[0][1][:NEXT_PICKUPS] if upcoming else []
    today = local_today(now)
    return render_template(
        "web/shop.html", shop=shop, products=search_products(shop_slug=shop.slug, page=_page()),
        page=_page(), next_slots=next_slots, today=today,
        closures=[c for c in shop.closures if c.end_date >= today])
