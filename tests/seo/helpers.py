"""Reading what search engines read: a page's JSON-LD blocks, its head's links and meta
tags, an XML document's elements; and schema.org's rules for the types the pages use."""
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

SCHEMA = "https://schema.org/"
THING = {"@context", "@type", "@id", "name", "url", "description", "image"}
PLACE = THING | {"address", "telephone", "geo", "logo", "openingHoursSpecification",
                 "currenciesAccepted"}
# The properties schema.org defines on each type the pages use (inherited ones included),
# and the types each property takes there: anything else is not valid schema.org.
PROPERTIES = {
    "Store": PLACE, "Bakery": PLACE, "GroceryStore": PLACE, "LiquorStore": PLACE,
    "Florist": PLACE, "BookStore": PLACE,
    "PostalAddress": {"@type", "streetAddress", "addressLocality", "postalCode",
                      "addressCountry"},
    "GeoCoordinates": {"@type", "latitude", "longitude"},
    "OpeningHoursSpecification": {"@type", "dayOfWeek", "opens", "closes", "validFrom",
                                  "validThrough"},
    "Product": THING | {"offers", "sku", "gtin13", "category"},
    "Offer": {"@type", "url", "price", "priceCurrency", "availability", "itemCondition",
              "availableDeliveryMethod", "seller", "availableAtOrFrom", "priceValidUntil"},
    "ItemList": THING | {"itemListElement", "numberOfItems"},
    "BreadcrumbList": {"@context", "@type", "itemListElement"},
    "ListItem": {"@type", "position", "name", "url", "item"},
}
LOCAL_BUSINESSES = {"Store", "Bakery", "GroceryStore", "LiquorStore", "Florist", "BookStore"}
DAYS = {f"{SCHEMA}{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                 "Saturday", "Sunday")}
ENUMERATIONS = {
    "availability": {f"{SCHEMA}InStock", f"{SCHEMA}OutOfStock"},
    "dayOfWeek": DAYS,
    "itemCondition": {f"{SCHEMA}NewCondition"},
    "availableDeliveryMethod": {f"{SCHEMA}OnSitePickup"},
}
FORMATS = {"opens": r"\d\d:\d\d", "closes": r"\d\d:\d\d", "price": r"\d+\.\d\d",
           "priceCurrency": r"[A-Z]{3}", "validFrom": r"\d{4}-\d\d-\d\d",
           "validThrough": r"\d{4}-\d\d-\d\d", "gtin13": r"\d{13}", "addressCountry": r"[A-Z]{2}",
           "url": r"https?://\S+", "item": r"https?://\S+", "image": r"https?://\S+",
           "logo": r"https?://\S+", "@id": r"https?://\S+"}
# What Google requires of each rich result (beyond schema.org's own rules).
REQUIRED = {"Product": {"name", "offers"}, "Offer": {"price", "priceCurrency", "availability"},
            "ListItem": {"position"}, "BreadcrumbList": {"itemListElement"},
            "OpeningHoursSpecification": {"opens", "closes"}}


def schema_problems(node, where="") -> list[str]:
    """Everything in `node` (a JSON-LD object, nested ones included) that schema.org's
    vocabulary or Google's required fields would refuse."""
    problems = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            problems += schema_problems(item, f"{where}[{i}]")
        return problems
    if not isinstance(node, dict):
        return problems
    if set(node) == {"@id"}:  # a reference to a node described elsewhere on the page
        return problems
    kind = node.get("@type")
    if kind not in PROPERTIES:
        return [f"{where}: unknown type {kind!r}"]
    problems += [f"{where}: {kind} has no property {p!r}" for p in set(node) - PROPERTIES[kind]]
    problems += [f"{where}: {kind} lacks {p!r}" for p in REQUIRED.get(kind, set()) - set(node)]
    if kind in LOCAL_BUSINESSES and "address" not in node:
        problems.append(f"{where}: a LocalBusiness without its address")
    for name, value in node.items():
        if name in ENUMERATIONS and value not in ENUMERATIONS[name]:
            problems.append(f"{where}.{name}: {value!r} is not one of schema.org's values")
        if name in FORMATS and not re.fullmatch(FORMATS[name], str(value)):
            problems.append(f"{where}.{name}: {value!r} is not in schema.org's format")
        if isinstance(value, (dict, list)):
            problems += schema_problems(value, f"{where}.{name}")
    return problems


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.metas, self.json_ld, self._in_json = [], {}, [], False
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.metas[attrs.get("property") or attrs.get("name")] = attrs.get("content")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        self._in_json = self._in_json and tag != "script"
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data
        if self._in_title:
            self.title += data


def head(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    parser.json_ld = [json.loads(block) for block in parser.json_ld]
    return parser


def structured(html: str, kind: str) -> dict:
    """The page's one JSON-LD object of that @type (a LocalBusiness: any of its kinds)."""
    found = [d for d in head(html).json_ld
             if d["@type"] == kind or (kind == "LocalBusiness" and d["@type"] in LOCAL_BUSINESSES)]
    assert len(found) == 1, (kind, [d["@type"] for d in head(html).json_ld])
    return found[0]


def canonical(html: str) -> str:
    [link] = [link["href"] for link in head(html).links if link.get("rel") == "canonical"]
    return link


def hreflangs(html: str) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in head(html).links
            if link.get("rel") == "alternate" and "hreflang" in link}


NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml",
      "g": "http://base.google.com/ns/1.0"}


def xml(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.get_data())
