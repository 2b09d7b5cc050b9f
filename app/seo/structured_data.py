"""schema.org structured data (JSON-LD) for the shopper's pages, built from the database.

Each shop is a LocalBusiness of its kind, with its week's opening hours and the days it is
closed in the coming weeks (closures and public holidays, as the pickup slots see them);
each product a Product whose Offer carries the price a checkout made now would pay
(Product.price_at, the checkout's own rule) and its availability. Values a merchant typed
go out as JSON strings, printed through `json_ld`, which escapes what could end the
<script> element."""
import re
from datetime import date, datetime, timedelta

from flask import current_app, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from app.photos.routes import photo_url as stored_url
from app.pickup.services import closed_on
from app.seo.addresses import absolute, product_path
from app.timeutil import iso, local_today

CONTEXT = "https://schema.org"
# The shop's kind (app.shops.services.SHOP_KINDS) as schema.org names it; schema.org has no
# butcher's, cheesemonger's, greengrocer's or fishmonger's type: a GroceryStore each.
SCHEMA_TYPES = {"boulangerie": "Bakery", "boucherie": "GroceryStore",
                "fromagerie": "GroceryStore", "epicerie": "GroceryStore",
                "primeur": "GroceryStore", "poissonnerie": "GroceryStore",
                "caviste": "LiquorStore", "fleuriste": "Florist", "librairie": "BookStore"}
DEFAULT_TYPE = "Store"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# How far ahead closed days are listed (search engines read the page again well before).
CLOSED_DAYS_AHEAD = 60
IN_STOCK, OUT_OF_STOCK = f"{CONTEXT}/InStock", f"{CONTEXT}/OutOfStock"
PHOTO_WIDTH = 640  # the width of a photo named in structured data and share previews


def json_ld(data) -> Markup:
    """A JSON-LD block's text: `<`, `>`, `&` and `'` as \\u escapes (Jinja's own `tojson`
    escaping), so that no name a merchant types (`</script><script>…`) can end the element
    or start another; the two line separators JSON allows and scripts do not, escaped too."""
    text = htmlsafe_json_dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def schema_type(shop) -> str:
    return SCHEMA_TYPES.get(shop.kind or "", DEFAULT_TYPE)


def euros(cents: int) -> str:
    """'12.50': schema.org's price, a decimal with a dot, never a float's rounding."""
    return f"{cents // 100}.{cents % 100:02d}"


def shop_url(shop) -> str:
    return absolute(url_for("web.shop", slug=shop.slug))


def photo_url(photo, width: int = PHOTO_WIDTH) -> str:
    """The photo's width nearest above `width` (a share preview wants 600 px or more),
    absolute."""
    widths = photo.width_list
    chosen = next((w for w in widths if w >= width), widths[-1])
    return absolute(stored_url(photo, chosen))


def local_business(shop, now: datetime) -> dict:
    data = {"@context": CONTEXT, "@type": schema_type(shop), "@id": shop_url(shop) + "#shop",
            "name": shop.name, "url": shop_url(shop)}
    if shop.description:
        data["description"] = shop.description
    if shop.address:
        data["address"] = postal_address(shop.address)
    if shop.phone:
        data["telephone"] = shop.phone
    if shop.logo is not None:
        data["image"] = data["logo"] = photo_url(shop.logo)
    if shop.latitude is not None and shop.longitude is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": shop.latitude,
                       "longitude": shop.longitude}
    data["currenciesAccepted"] = "EUR"
    data["openingHoursSpecification"] = opening_hours(shop, now)
    return data


def postal_address(address: str) -> dict:
    street, postcode, locality = split_address(address)
    data = {"@type": "PostalAddress", "streetAddress": street,
            "addressLocality": locality or current_app.config["TOWN_NAME"],
            "addressCountry": "FR"}
    if postcode:
        data["postalCode"] = postcode
    return data


POSTCODE = re.compile(r"\b(\d{5})\s+")


def split_address(address: str) -> tuple[str, str | None, str | None]:
    """'3 rue des Tables, 43000 Le Puy-en-Velay' -> (street, '43000', 'Le Puy-en-Velay'):
    a shop types its address on one line; the street is what comes before the last comma."""
    street, _comma, rest = address.rpartition(",")
    if not street:
        return address.strip(), None, None
    match = POSTCODE.match(rest.strip() + " ")
    postcode = match[1] if match else None
    locality = rest.strip()[len(match[0]):].strip() if match else rest.strip()
    return street.strip(), postcode, locality or None


def opening_hours(shop, now: datetime) -> list[dict]:
    """The shop's week, then each run of days it is closed in the coming weeks (opens and
    closes at 00:00 on those days: schema.org's way of saying closed all day)."""
    week = [{"@type": "OpeningHoursSpecification", "dayOfWeek": f"{CONTEXT}/{DAYS[h.weekday]}",
             "opens": h.opens.strftime("%H:%M"), "closes": h.closes.strftime("%H:%M")}
            for h in shop.hours]
    closed = [{"@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00",
               "validFrom": first.isoformat(), "validThrough": last.isoformat()}
              for first, last in closed_days(shop, local_today(now))]
    return week + closed


def closed_days(shop, today: date) -> list[tuple[date, date]]:
    """Runs of days, from today on, that the shop would open by its week but does not (an
    exceptional closure, a public holiday it does not open on)."""
    open_weekdays = {h.weekday for h in shop.hours}
    runs: list[tuple[date, date]] = []
    for offset in range(CLOSED_DAYS_AHEAD):
        day = today + timedelta(days=offset)
        if day.weekday() not in open_weekdays or not closed_on(shop, day):
            continue
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        elif runs and _only_closed_weekdays_between(runs[-1][1], day, open_weekdays):
            runs[-1] = (runs[-1][0], day)  # a closed week spans its Sunday
        else:
            runs.append((day, day))
    return runs


def _only_closed_weekdays_between(last: date, day: date, open_weekdays) -> bool:
    between = (last + timedelta(days=n) for n in range(1, (day - last).days))
    return all(d.weekday() not in open_weekdays for d in between)


def product(item, now: datetime) -> dict:
    """The product and its Offer at `now`: the price a checkout would pay, promotion
    included (until when, if it ends), in stock or not, picked up at the shop."""
    url = absolute(product_path(item))
    price = item.price_at(now)
    offer = {"@type": "Offer", "url": url, "price": euros(price), "priceCurrency": "EUR",
             "availability": IN_STOCK if item.available else OUT_OF_STOCK,
             "itemCondition": f"{CONTEXT}/NewCondition",
             "availableDeliveryMethod": f"{CONTEXT}/OnSitePickup",
             "seller": {"@id": shop_url(item.shop) + "#shop"},
             "availableAtOrFrom": {"@id": shop_url(item.shop) + "#shop"}}
    if price < item.price_cents and item.promo_ends_at is not None:
        offer["priceValidUntil"] = iso(item.promo_ends_at)
    data = {"@context": CONTEXT, "@type": "Product", "@id": url + "#product",
            "name": item.name, "url": url, "offers": offer}
    if item.description:
        data["description"] = item.description
    if item.photo is not None:
        data["image"] = photo_url(item.photo)
    if item.sku:
        data["sku"] = item.sku
    if item.ean:
        data["gtin13"] = item.ean
    if item.category:
        data["category"] = item.category
    return data


def shop_list(shops) -> dict:
    """The town's page: its shops, in the order shown."""
    return {"@context": CONTEXT, "@type": "ItemList", "name": current_app.config["TOWN_NAME"],
            "numberOfItems": len(shops),
            "itemListElement": [{"@type": "ListItem", "position": n, "url": shop_url(shop),
                                 "name": shop.name} for n, shop in enumerate(shops, 1)]}


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    """(name, path) from the town's page down to this one."""
    return {"@context": CONTEXT, "@type": "BreadcrumbList",
            "itemListElement": [{"@type": "ListItem", "position": n, "name": name,
                                 "item": absolute(path)}
                                for n, (name, path) in enumerate(trail, 1)]}
