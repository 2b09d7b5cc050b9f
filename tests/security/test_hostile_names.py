"""Hole 2 of issue 12, and the rule behind it: every value a person typed is text where it
lands. A town where every typed value is hostile (the shop's name and address, a product's
name, description and category, the shopper's name, the cancel and refund reasons, the
shop's SMS and the shopper's reply, a voucher buyer's name): every page and form of the
shopper, the shop and the manager, the payouts CSV and the SMS show it as text. No tag, no
event handler, no formula comes alive.

The hole itself: labels built with lazy_gettext(..., name=line.name) passed as safe markup,
so a product named <script> ran on the manager's refund page and the shop's order page."""
import csv
import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g

from app.extensions import db
from app.ledger.refunds import refund_order
from app.notify.conversation import message_shopper
from app.notify.models import SmsMessage
from app.notify.optout import handle_inbound_sms
from app.orders import services as orders
from app.vouchers.services import issue_vouchers, record_sale
from tests.factories import make_manager, make_merchant, make_product, make_shop, place_order
from tests.ledger.helpers import collect_all
from tests.web import helpers as web
from tests.web.merchant_helpers import log_in

SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(2)>"
EVIL = f'=HYPERLINK("http://evil.example"){SCRIPT}{IMG}'
SHORT = "@<img src=x onerror=alert(3)>"  # for the narrower columns (category: 60)
PHONE = "+33612345678"


class LiveMarkup(HTMLParser):
    """What a browser would run: a <script> of ours holding their code, an <img src=x>, an
    on* handler attribute carrying their alert. A JSON-LD block is data, never run: their
    text may be in it, as a JSON string, provided nothing there could close the element
    (no `<` at all: app/seo escapes it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._script, self._data_block = [], False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("src") == "x":
            self.found.append(f"<img src={attrs['src']}>")
        self.found += [f"<{tag} {name}=...>" for name, value in attrs.items()
                       if name.startswith("on") and "alert" in (value or "")]
        self._data_block = tag == "script" and attrs.get("type") == "application/ld+json"
        self._script = tag == "script" and not self._data_block

    def handle_endtag(self, tag):
        self._script = self._data_block = False

    def handle_data(self, data):
        if self._data_block and "<" in data:
            self.found.append(f"<script type=application/ld+json>{data[:40]}")
        if self._script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


def assert_text_only(url: str, html: str) -> None:
    parser = LiveMarkup()
    parser.feed(html)
    assert parser.found == [], (url, parser.found)
    for tag in (SCRIPT, IMG, "<img src=x onerror=alert(3)>"):
        assert tag not in html, (url, tag)


def fresh_browser(app):
    """Another person's browser. Flask-WTF keeps a request's form token on `g`, which the
    test's app context keeps from one request to the next: a new browser must not get the
    previous one's."""
    g.pop("csrf_token", None)
    return app.test_client()


@pytest.fixture
def town(app, clock, payments):
    shop = make_shop("evil", EVIL, address=EVIL)
    product = make_product(shop, EVIL, 130, stock=100)
    product.description, product.category = EVIL, SHORT
    db.session.commit()
    shopper = {"name": EVIL, "phone": PHONE}
    placed = place_order({shop: [(product, 2)]}, clock.now, payments, **shopper).orders[0]
    collected = collect_all(place_order({shop: [(product, 3)]}, clock.now, payments,
                                        **shopper), clock, payments)[0]
    refund_order(collected.id, reason=EVIL, actor="manager", now=clock.now, provider=payments,
                 lines=[(collected.lines[0].id, 1)])
    cancelled = place_order({shop: [(product, 1)]}, clock.now, payments, **shopper).orders[0]
    orders.cancel_by_shop(cancelled.id, shop.id, EVIL, now=clock.now, provider=payments)
    message_shopper(placed.id, EVIL, shop_id=shop.id, actor=f"shop:{shop.id}", now=clock.now)
    handle_inbound_sms(sender=PHONE, body=EVIL, now=clock.now, provider_ref="SMevil")
    [voucher] = issue_vouchers(1, 1000, date(2027, 12, 31), actor="manager", now=clock.now)
    record_sale(voucher.code, buyer_name=EVIL, paid_cents=1000, method="especes",
                actor="manager", now=clock.now)
    make_merchant(shop)
    make_manager()
    db.session.expire_all()
    return shop, product, placed, collected, cancelled, voucher


def test_the_shoppers_pages_show_hostile_names_as_text(app, town):
    shop, product, placed, collected, cancelled, _voucher = town
    browser = fresh_browser(app)
    urls = ["/", "/recherche?q=hyperlink", f"/boutiques/{shop.slug}",
            *(f"/suivi/{order.tracking_token}" for order in (placed, collected, cancelled))]
    for url in urls:
        assert_text_only(url, web.page(browser, url))
    web.add_to_cart(browser, product, 1)
    assert_text_only("/panier", web.page(browser, "/panier"))
    checkout = web.page(browser, "/commande")
    assert_text_only("/commande", checkout)
    data = web.checkout_form(browser, [shop], name=EVIL)
    refused = browser.post("/commande", data={**data, "email": EVIL})  # typed back, escaped
    assert refused.status_code == 422
    assert_text_only("/commande (refused)", refused.get_data(as_text=True))
    payment_url = browser.post("/commande", data=data).headers["Location"]
    payment = web.page(browser, payment_url)
    assert_text_only(payment_url, payment)
    paid = browser.post(payment_url, data={"csrf_token": web.csrf_token(payment),
                                           "payment_method": "test_ok"})
    assert_text_only("thanks", web.page(browser, paid.headers["Location"]))
    # The live tracking state is JSON (the names in it as typed), which the page's script
    # puts in as text nodes, never as HTML.
    state = browser.get(f"/suivi/{placed.tracking_token}/etat")
    assert state.mimetype == "application/json" and EVIL in state.get_data(as_text=True) \
        .replace('\\"', '"')
    scripts = " ".join(p.read_text() for p in Path(app.static_folder, "js").glob("*.js"))
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", scripts)
    calendar = browser.get(f"/suivi/{placed.tracking_token}/retrait.ics")
    assert calendar.status_code == 200 and calendar.mimetype == "text/calendar"  # not HTML


def test_the_shops_pages_and_forms_show_hostile_names_as_text(app, town):
    shop, _product, placed, collected, cancelled, _voucher = town
    browser = fresh_browser(app)
    log_in(browser, "evil@example.fr")
    for url in ["/marchand", "/marchand/produits",
                *(f"/marchand/commandes/{o.id}" for o in (placed, collected, cancelled))]:
        assert_text_only(url, web.page(browser, url))
    # The confirm form's label, where the product's name used to run.
    order_page = web.page(browser, f"/marchand/commandes/{placed.id}")
    label = re.search(rf'<label for="line_{placed.lines[0].id}">(.*?)</label>', order_page)[1]
    assert label == ("=HYPERLINK(&#34;http://evil.example&#34;)&lt;script&gt;alert(1)&lt;/"
                     "script&gt;&lt;img src=x onerror=alert(2)&gt; — commandé : 2")


def test_the_managers_pages_and_forms_show_hostile_names_as_text(app, town):
    shop, _product, placed, collected, cancelled, voucher = town
    browser = fresh_browser(app)
    log_in(browser, "manager@example.fr")
    urls = ["/gestion", "/gestion?date=2026-11-24", "/gestion/paniers", "/gestion/sms",
            "/gestion/reversements", f"/gestion/boutiques/{shop.slug}/banque",
            "/gestion/bons", "/gestion/bons/vente", "/gestion/bons/emettre",
            f"/gestion/bons/{voucher.id}/imprimer", f"/gestion/bons/lots/{voucher.batch}/imprimer",
            *(f"/gestion/commandes/{o.id}" for o in (placed, collected, cancelled))]
    for url in urls:
        assert_text_only(url, web.page(browser, url))
    # The refund form's label, where the product's name used to run.
    refund_page = web.page(browser, f"/gestion/commandes/{collected.id}")
    label = re.search(rf'<label for="refund_{collected.lines[0].id}">(.*?)</label>',
                      refund_page)[1]
    assert label.startswith("=HYPERLINK(&#34;http://evil.example&#34;)&lt;script&gt;")
    assert label.endswith(" — remboursable : 2")


def test_the_payouts_csv_keeps_a_formula_as_text(app, town):
    browser = fresh_browser(app)
    log_in(browser, "manager@example.fr")

    response = browser.get("/gestion/reversements.csv")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    [shop_row] = [row for row in rows[1:] if row[1] == "evil"]
    assert shop_row[2] == "'" + EVIL  # shown as typed, never run
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for row in rows for cell in row)


def test_the_sms_carry_hostile_names_as_plain_text(app, town):
    bodies = db.session.scalars(sa.select(SmsMessage.body)).all()

    assert bodies
    for body in bodies:
        assert "&lt;" not in body and "&#" not in body and "&amp;" not in body, body
    assert any("<script>alert(1)</script>" in body for body in bodies)  # as typed, folded


def test_jinja_gettext_escapes_the_values_it_is_given(app):
    """Flask-Babel installs the newstyle gettext: in an autoescaped template, the values of
    _("... %(x)s", x=value) are escaped, the translated text is not."""
    with app.test_request_context():
        rendered = app.jinja_env.from_string(
            '{{ _("Retrait chez %(shop)s", shop=name) }}').render(name=SCRIPT)

    assert rendered == "Retrait chez &lt;script&gt;alert(1)&lt;/script&gt;"
