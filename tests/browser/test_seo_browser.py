"""Issue 16 in a real browser: the embed snippet pasted on a page of another site (a second
local server, another origin) shows the shop's catalogue, its button opens the product on
the marketplace, and the CSP blocks nothing; the product page and the embed pass axe on a
phone, with every control under a thumb and nothing wider than the screen."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import make_two_shop_town
from tests.browser.test_accessibility import MIN_TARGET, TARGETS_JS, WCAG_AA
from tests.browser.test_csp_browser import Watch
from tests.browser.test_page_weight import BUDGET_BYTES, _cold_load

pytestmark = pytest.mark.layout

SNIPPET = ('<iframe src="{src}" title="Catalogue de Boulangerie Martin" loading="lazy" '
           'style="width:100%;height:640px;border:0"></iframe>')


class OtherSite:
    """The association's own site, on another origin, with the snippet on its page."""

    def __init__(self, snippet: str):
        body = (f"<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
                f"<title>Commerces du Puy</title></head><body><h1>Nos commerçants</h1>"
                f"{snippet}</body></html>").encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       kwargs={"poll_interval": 0.02})

    def __enter__(self):
        self.thread.start()
        # "localhost" against the marketplace's 127.0.0.1: another origin, another site.
        return f"http://localhost:{self.server.server_port}/"

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.thread.join(5)


def test_the_embed_snippet_on_another_site_shows_the_catalogue_and_orders(app, live_server,
                                                                          phone):
    town = make_two_shop_town()
    src = f"{live_server}/integrer/{town['bakery']}"
    watch = Watch(phone)

    with OtherSite(SNIPPET.format(src=src)) as other:
        phone.goto(other)
        frame = phone.frame_locator("iframe")
        frame.get_by_test_id("embed-products").wait_for()
        names = frame.get_by_test_id("product-name").all_inner_texts()
        prices = frame.get_by_test_id("product-price").all_inner_texts()
        with phone.context.expect_page() as opened:
            frame.get_by_test_id("embed-order").first.click()
        product_page = opened.value
        product_page.wait_for_load_state()
        watch.check("the other site")
        inner = next(f for f in phone.frames if f.url.startswith(src))
        violations = inner.evaluate("window.__cspViolations || []")
        heading = product_page.get_by_test_id("product-name").inner_text()

    assert names == ["Baguette tradition", "Croissant", "Pain de campagne"]
    assert [p.replace("\u202f", " ").replace("\xa0", " ") for p in prices] == \
        ["1,30 €", "1,10 €", "3,40 €"]
    assert product_page.url.startswith(f"{live_server}/boutiques/{town['bakery']}/")
    assert heading == "Baguette tradition"
    assert watch.problems == [] and violations == []


def test_the_product_page_and_the_embed_pass_axe_on_a_phone_and_are_light(app, live_server,
                                                                          phone, chromium):
    town = make_two_shop_town()
    phone.goto(f"{live_server}/boutiques/{town['bakery']}")
    phone.get_by_test_id("product-link").first.click()
    phone.get_by_test_id("product-page").wait_for()
    problems = []
    for name in ("product", "embed"):
        if name == "embed":
            phone.goto(f"{live_server}/integrer/{town['bakery']}")
        result = Axe().run(phone, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                           "resultTypes": ["violations"]})
        problems += [f"[{name}] {v['id']}: {v['help']}" for v in result.response["violations"]]
        problems += [f"[{name}] {t['width']}x{t['height']}: {t['what']}"
                     for t in phone.evaluate(TARGETS_JS)
                     if t["width"] < MIN_TARGET or t["height"] < MIN_TARGET]
        if phone.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            problems.append(f"[{name}] wider than the phone")
        weights, hosts = _cold_load(chromium, phone.context.storage_state(), phone.url)
        if sum(size for _, size in weights) > BUDGET_BYTES:
            problems.append(f"[{name}] over 100 KB of HTML, CSS and JS: {weights}")
        problems += [f"[{name}] asks {host}" for host in hosts if host not in live_server]

    assert problems == []
