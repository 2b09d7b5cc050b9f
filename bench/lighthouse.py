"""Lighthouse (npm, pinned in bench/package.json) on the demo town's shopper pages, with
Debian's chromium in Lighthouse's default mobile mode (emulated phone, simulated slow 4G
and 4x CPU slowdown). Prints performance / accessibility / best-practices / SEO per page
and how they compare to the targets (95 / 100 / 95, and SEO 100 on the pages meant to be
found: home, a shop, a product; the basket, checkout and tracking are kept out of search
engines by robots.txt, so their SEO score says so).

    .venv/bin/python bench/lighthouse.py

Seeds the demo town into a temporary SQLite database, serves it with `flask run`, fills a
basket from two shops in Playwright (its cookie goes to Lighthouse in --extra-headers) and
places one order for its tracking page. Installs Lighthouse (`npm ci`) when missing; never
downloads a browser.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}
SEO_TARGET = 100
FOUND = ("home", "shop", "product")  # the pages search engines list
FLASK = str(ROOT / ".venv" / "bin" / "flask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo(env: dict, port: int) -> subprocess.Popen:
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([FLASK, *command], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = subprocess.Popen([FLASK, "run", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):  # a minute: a busy machine takes a while to import the app
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the demo server did not start")


def shopper_session(base: str) -> tuple[str, str, str]:
    """(cookie of a basket holding lines from two shops, tracking URL of a placed order,
    path of a product's page)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=CHROME_FLAGS.split()[1:])
        page = browser.new_page()

        def fill_basket():
            for shop in ("boulangerie-martin", "fromagerie-du-plot"):
                page.goto(f"{base}/boutiques/{shop}")
                page.get_by_test_id("add-to-cart").first.click()

        fill_basket()
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
        page.goto(f"{base}/boutiques/boulangerie-martin")
        product = page.get_by_test_id("product-link").first.get_attribute("href")
        # A second browser orders, so that the basket above stays full.
        page = browser.new_page()
        fill_basket()
        page.goto(f"{base}/commande")
        for fieldset in page.locator("fieldset.slot-picker").all():
            fieldset.get_by_test_id("slot-radio").first.check()
        page.get_by_test_id("customer-name").fill("Claire Dupont")
        page.get_by_test_id("customer-phone").fill("06 12 34 56 78")
        page.get_by_test_id("checkout-submit").click()
        page.get_by_test_id("method-test_ok").check()
        page.get_by_test_id("pay-button").click()
        tracking = base + page.get_by_test_id("tracking-link").first.get_attribute("href")
        browser.close()
    return cookie, tracking, product


def lighthouse(url: str, cookie: str | None) -> dict[str, int]:
    command = [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               "--only-categories=performance,accessibility,best-practices,seo",
               f"--chrome-flags={CHROME_FLAGS}"]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    out = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM},
                         capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
    if report["finalDisplayedUrl"] != url:  # e.g. an empty basket sent back from /commande
        sys.exit(f"{url} ended on {report['finalDisplayedUrl']}: not the page meant")
    failing = [audit["id"] for audit in report["audits"].values()
               if audit.get("score") is not None and audit["score"] < 0.9
               and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")]
    scores = {name: round(report["categories"][name]["score"] * 100)
              for name in (*TARGETS, "seo")}
    return {**scores, "failing": failing}


def main() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--prefix", str(BENCH), "--ignore-scripts", "--no-audit",
                        "--no-fund"], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": f"sqlite:///{tmp}/demo.db",
               "COMPTOIR_PUBLIC_URL": base, "COMPTOIR_PAYMENTS": "offline",
               "COMPTOIR_SMS": "log", "COMPTOIR_DEMO": "1",  # the demo town, as bin/demo runs it
               "COMPTOIR_PHOTOS_DIR": f"{tmp}/media"}  # its photos, drawn at seed time
        server = start_demo(env, port)
        try:
            cookie, tracking, product = shopper_session(base)
            pages = [("home", "/", None), ("search", "/recherche?q=pain", None),
                     ("shop", "/boutiques/boulangerie-martin", None),
                     ("product", product, None),
                     ("basket", "/panier", cookie), ("checkout", "/commande", cookie),
                     ("tracking", tracking[len(base):], None)]
            missed = []
            print(f"{'page':<10} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}  audits under 90")
            for name, path, page_cookie in pages:
                result = lighthouse(base + path, page_cookie)
                print(f"{name:<10} {result['performance']:>5} {result['accessibility']:>5} "
                      f"{result['best-practices']:>5} {result['seo']:>5}  "
                      f"{' '.join(result['failing']) or '-'}")
                targets = {**TARGETS, **({"seo": SEO_TARGET} if name in FOUND else {})}
                missed += [f"{name} {k} {result[k]} < {t}" for k, t in targets.items()
                           if result[k] < t]
            print("targets 95/100/95, SEO 100 on home, shop and product: "
                  + ("all met" if not missed else "missed: " + "; ".join(missed)))
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
