"""A shop's page while a capture hangs at Stripe: do readers wait for it?

    python bench/readers.py [--readers 8] [--hang 5] [--rounds 3]

Builds a throw-away SQLite database (a file in a temporary directory), migrates it, seeds a
shop with 40 products, and serves the app with a real threaded WSGI server (werkzeug's
make_server) with COMPTOIR_PAYMENTS=stripe, the real Stripe SDK pointed at the suite's
fake Stripe (tests/payments/fake_stripe.py), which takes `--hang` seconds over every
capture. Shoppers' checkouts are made, authorised (Stripe's webhook) and confirmed by the
shop through the HTTP API beforehand.

Each round then times `--readers` threads requesting the shop's page (/boutiques/<slug>)
over and over, twice, for the same length of time:

  (a) quiet: nothing else happens;
  (b) capture: meanwhile the shop hands an order over (POST …/collect), whose capture at
      Stripe hangs `--hang` seconds; the window is the time that request takes.

It prints p50/p99 of both and, on its last line, `ratio quiet p99/capture p99: X.XX`
(target >= 0.8: a page view never queues behind a provider call).
"""
import argparse
import logging
import secrets
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402  (after the path: the app and the test suite's fake)

# A Tuesday, 08:00 in Paris: the shop is open and has pickup slots today.
NOW = datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)
PRODUCTS = 40
WEBHOOK_SECRET = "whsec_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=8, help="page-view threads (8)")
    parser.add_argument("--hang", type=float, default=5.0,
                        help="seconds each capture takes at the fake Stripe (5)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="quiet + capture windows, alternated (3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="comptoir-bench-") as tmp:
        quiet, during = run(f"sqlite:///{tmp}/bench.db", args)
    print(f"database: sqlite, {args.readers} readers of /boutiques/<slug>, "
          f"capture hanging {args.hang:g} s at Stripe, {args.rounds} round(s)")
    for name, samples in (("quiet", quiet), ("capture", during)):
        print(f"{name:>8}: {len(samples):5d} views, p50 {pct(samples, 50):7.1f} ms, "
              f"p99 {pct(samples, 99):7.1f} ms, max {max(samples):7.1f} ms")
    print(f"ratio quiet p99/capture p99: {pct(quiet, 99) / pct(during, 99):.2f}")


def pct(samples: list[float], p: int) -> float:
    """The p-th percentile, in ms (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run(uri: str, args) -> tuple[list[float], list[float]]:
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from app import create_app
    from tests.payments.fake_stripe import FakeStripe

    logging.disable(logging.WARNING)  # migration, provider and request lines
    stripe = FakeStripe().start()
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": secrets.token_hex(32), "PAYMENTS": "stripe",
                      "STRIPE_SECRET_KEY": stripe.secret_key,
                      "STRIPE_PUBLISHABLE_KEY": "pk_test_bench",
                      "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": stripe.url,
                      "STRIPE_MAX_NETWORK_RETRIES": 0,
                      "STRIPE_TIMEOUT_SECONDS": args.hang + 30})
    app.extensions["comptoir.clock"] = lambda: NOW
    with app.app_context():
        upgrade()
        world = seed()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        ready = [ready_to_collect(base, stripe, world) for _ in range(args.rounds)]
        stripe.delays["/capture"] = args.hang
        page = f"{base}/boutiques/{world['slug']}"
        views(page, args.readers, 1.0)  # warm up: templates, connections, caches
        quiet, during = [], []
        for order_id in ready:
            quiet += views(page, args.readers, args.hang)
            during += views(page, args.readers, None,
                            beside=lambda: collect(base, order_id, world["token"]))
        if sum(stripe.captures.values()) != args.rounds:
            raise SystemExit(f"expected {args.rounds} captures at Stripe, "
                             f"saw {dict(stripe.captures)}")
    finally:
        server.shutdown()
        stripe.stop()
    return quiet, during


def seed() -> dict:
    """The shop, its products and merchant; what the HTTP calls need, read once here, so
    that no transaction of the bench's own stays open while the server works."""
    from app.accounts.services import issue_token
    from app.extensions import db
    from app.pickup.services import next_bookable_slots
    from app.timeutil import iso
    from tests.factories import make_merchant, make_product, make_shop

    shop = make_shop("boulangerie-martin", "Boulangerie Martin", seats_per_slot=100)
    products = [make_product(shop, f"Pain n°{i + 1}", 120 + 10 * i, stock=1000)
                for i in range(PRODUCTS)]
    world = {"slug": shop.slug, "token": issue_token(make_merchant(shop)),
             "product_id": products[0].id,
             "slot": iso(next_bookable_slots(shop, NOW, days=1)[0][1][0].start)}
    db.session.commit()
    db.session.remove()
    return world


def ready_to_collect(base: str, stripe, world: dict) -> int:
    """A checkout made, authorised by Stripe's webhook and confirmed by the shop, through
    the HTTP API: the next step, collecting it, captures at Stripe."""
    from tests.payments.fake_stripe import sign

    created = requests.post(f"{base}/api/v1/checkouts", json={
        "customer": {"name": "Claire Dupont", "phone": "06 12 34 56 78"},
        "orders": [{"shop": world["slug"], "slot": world["slot"],
                    "lines": [{"product_id": world["product_id"], "quantity": 2}]}]})
    assert created.status_code == 201, created.text
    intent_id = created.json()["payment"]["payment_intent"]
    stripe.confirm(intent_id, "ok")
    event = stripe.event("payment_intent.amount_capturable_updated", intent_id)
    placed = requests.post(f"{base}/api/v1/webhooks/stripe", data=event, headers={
        "Stripe-Signature": sign(event, WEBHOOK_SECRET), "Content-Type": "application/json"})
    assert placed.json().get("outcome") == "placed", placed.text
    [order] = created.json()["orders"]
    lines = requests.get(f"{base}/api/v1/orders/{order['id']}",
                         headers={"X-Tracking-Token": order["tracking_token"]}).json()["lines"]
    confirmed = requests.post(
        f"{base}/api/v1/merchant/orders/{order['id']}/confirm",
        headers={"Authorization": f"Bearer {world['token']}"},
        json={"lines": [{"id": line["id"], "quantity": line["quantity"]} for line in lines]})
    assert confirmed.status_code == 200, confirmed.text
    return order["id"]


def collect(base, order_id, merchant_token) -> None:
    """The shop hands the order over: the capture at Stripe follows (and hangs)."""
    done = requests.post(f"{base}/api/v1/merchant/orders/{order_id}/collect",
                         headers={"Authorization": f"Bearer {merchant_token}"})
    assert done.status_code == 200, done.text


def views(url: str, readers: int, seconds: float | None, beside=None) -> list[float]:
    """Latencies (ms) of page views by `readers` threads, each in a loop, for `seconds`,
    or for as long as `beside` (run in its own thread) takes."""
    stop = threading.Event()
    latencies: list[float] = []
    lock = threading.Lock()

    def reader():
        with requests.Session() as http:
            while not stop.is_set():
                started = time.perf_counter()
                answer = http.get(url)
                took = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise SystemExit(f"{url}: {answer.status_code}")
                with lock:
                    latencies.append(took)

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    if beside is None:
        time.sleep(seconds)
    else:
        time.sleep(0.2)  # the readers are going when the capture starts
        beside()
    stop.set()
    for thread in threads:
        thread.join()
    return latencies


if __name__ == "__main__":
    main()
