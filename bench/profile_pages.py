"""Worker CPU per request: what one gunicorn worker spends on each kind of request.

    python bench/profile_pages.py [--db postgresql|sqlite] [--n 200] [--profile pay|shop|...]

Creates a throw-away database (as bench/checkout.py does: PostgreSQL by default, on
COMPTOIR_TEST_POSTGRES's server, dropped afterwards; or a SQLite file), migrates it, seeds
a shop open every day with 40 products (and a second shop, so the search has a town), then
sends requests through the Flask test client, as a worker would serve them, and reads
`time.process_time()` around each: the CPU of this process only (Python, Jinja, SQLAlchemy,
the driver), not the database server's. The request log is written (to /dev/null), as in
production.

Measured, `--n` times each after a warm-up, in this order:

  trivial   GET /healthz (the app's lightest route: the per-request floor of this app)
  bare      the same answer from a bare Flask app (Flask's own floor)
  shop      GET /boutiques/<slug> (the shop's page: hours, next pickups, 20 products)
  search    GET /api/v1/products?q=pain
  slots     GET /api/v1/shops/<slug>/slots
  checkout  POST /api/v1/checkouts (offline payments, 2 lines, an Idempotency-Key)
  pay       POST /api/v1/checkouts/<id>/pay {"payment_method": "test_ok"}

It prints, per kind, the mean, median and least CPU ms, the wall ms, and the SQL statements
per request. On a shared machine the least is the steadiest figure: other work slows a
request down, never speeds it up. `--profile KIND` adds a cProfile of that kind's requests on stderr (CPU time; slower), and
`--sql KIND` the statements of one more request of that kind.
"""
import argparse
import cProfile
import io
import logging
import os
import pstats
import secrets
import statistics
import sys
import time
from datetime import datetime, time as dtime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import temporary_database  # noqa: E402  (bench/checkout.py)

KINDS = ("trivial", "bare", "shop", "search", "slots", "checkout", "pay")
WARM_UP = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--n", type=int, default=200, help="requests per kind (200)")
    parser.add_argument("--profile", choices=KINDS, action="append", default=[],
                        help="cProfile this kind (repeatable)")
    parser.add_argument("--top", type=int, default=30, help="lines of each profile")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help="comma-separated kinds to measure (all)")
    parser.add_argument("--sql", choices=KINDS, action="append", default=[],
                        help="print the SQL of one request of this kind (stderr)")
    args = parser.parse_args()
    with temporary_database(args.db) as uri:
        figures = run(uri, args)
    print(f"database: {args.db}; {args.n} requests per kind; CPU of this process "
          f"(time.process_time), ms per request")
    print(f"{'kind':<9} {'cpu mean':>9} {'cpu p50':>8} {'cpu min':>8} {'wall p50':>9} "
          f"{'SQL/req':>8}")
    for kind, (cpu, wall, statements) in figures.items():
        print(f"{kind:<9} {statistics.mean(cpu):9.2f} {statistics.median(cpu):8.2f} "
              f"{min(cpu):8.2f} {statistics.median(wall):9.2f} {statements:8.1f}")


def run(uri: str, args) -> dict:
    from flask import Flask, jsonify
    from flask_migrate import upgrade
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": secrets.token_hex(32),
                      "PAYMENTS": "offline", "SMS": "log"})
    logging.disable(logging.NOTSET)
    devnull = open(os.devnull, "w")
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(devnull)
    with app.app_context():
        logging.disable(logging.WARNING)  # the migration's lines
        upgrade()
        logging.disable(logging.NOTSET)
        world = seed()
        statements = [0]
        shown: list[str] = []  # the statements of the request being shown, when asked

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(_conn, _cursor, sql, *_args):
            statements[0] += 1
            shown.append(" ".join(sql.split())[:300])

    bare = Flask("bare")
    bare.add_url_rule("/healthz", "healthz", lambda: jsonify(status="ok"))
    client, bare_client = app.test_client(), bare.test_client()
    serial = iter(range(10**9))

    def checkout_body():
        i = next(serial)
        slot = world["slots"][i % len(world["slots"])]
        return {"customer": {"name": f"Client {i}", "phone": f"06{i:08d}"},
                "orders": [{"shop": world["slug"], "slot": slot,
                            "lines": [{"product_id": world["products"][i % 7], "quantity": 1},
                                      {"product_id": world["products"][7 + i % 5],
                                       "quantity": 2}]}]}

    def ip():  # one address per checkout: the pending-per-address limit is not measured here
        i = next(serial)
        return {"REMOTE_ADDR": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}

    pending: list[int] = []

    def do_checkout():
        answer = client.post("/api/v1/checkouts", json=checkout_body(),
                             headers={"Idempotency-Key": secrets.token_hex(16)},
                             environ_base=ip())
        assert answer.status_code == 201, answer.get_data(as_text=True)
        pending.append(answer.get_json()["id"])

    def do_pay():
        if not pending:  # the extra request of --sql
            do_checkout()
        answer = client.post(f"/api/v1/checkouts/{pending.pop(0)}/pay",
                             json={"payment_method": "test_ok"})
        assert answer.status_code == 200, answer.get_data(as_text=True)

    def get(c, path):
        def do():
            answer = c.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
        return do

    requests = {
        "trivial": get(client, "/healthz"),
        "bare": get(bare_client, "/healthz"),
        "shop": get(client, f"/boutiques/{world['slug']}"),
        "search": get(client, "/api/v1/products?q=pain"),
        "slots": get(client, f"/api/v1/shops/{world['slug']}/slots"),
        "checkout": do_checkout,
        "pay": do_pay,
    }
    figures = {}
    kinds = [k for k in KINDS if k in args.kinds.split(",")]
    if "pay" in kinds and "checkout" not in kinds:
        kinds.insert(kinds.index("pay"), "checkout")  # pay needs checkouts to pay
    for kind in kinds:
        do = requests[kind]
        for _ in range(WARM_UP):
            do()
        cpu, wall = [], []
        statements[0] = 0
        # CPU time, as the figures: waiting for the database is not this worker's work.
        profiler = cProfile.Profile(time.process_time) if kind in args.profile else None
        for _ in range(args.n):
            if profiler:
                profiler.enable()
            c0, w0 = time.process_time(), time.perf_counter()
            do()
            c1, w1 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.disable()
            cpu.append((c1 - c0) * 1000)
            wall.append((w1 - w0) * 1000)
        figures[kind] = (cpu, wall, statements[0] / args.n)
        if kind in args.sql:
            shown.clear()
            do()
            print(f"--- SQL of one {kind} request ---", *shown, sep="\n", file=sys.stderr)
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs()
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            calls = stats.total_calls / args.n
            print(f"--- cProfile of {kind} ({args.n} requests, {calls:.0f} function calls "
                  f"per request) ---\n{out.getvalue()}",
                  file=sys.stderr)
    return figures


def seed() -> dict:
    from app.extensions import db
    from app.pickup.services import next_bookable_slots
    from app.timeutil import iso
    from tests.factories import make_product, make_shop

    every_day = [(day, dtime(0, 0), dtime(23, 45)) for day in range(7)]
    shop = make_shop("boulangerie-martin", "Boulangerie Martin", hours=every_day,
                     prep_minutes=0, seats_per_slot=100,
                     description="Pain au levain, viennoiseries, pâtisseries du jour.")
    other = make_shop("epicerie", "Épicerie du Marché", hours=every_day)
    names = ["Pain de campagne", "Baguette tradition", "Pain aux noix", "Pain complet",
             "Croissant", "Pain au chocolat", "Brioche", "Chausson aux pommes",
             "Tarte aux fraises", "Éclair au café", "Pain de seigle", "Fougasse"]
    products = [make_product(shop, f"{names[i % len(names)]} n°{i + 1}", 120 + 10 * i,
                             stock=1_000_000).id for i in range(40)]
    for i in range(20):
        make_product(other, f"Pain d'épices n°{i + 1}", 450, stock=100)
    now = datetime.now(timezone.utc)
    slots = [iso(s.start) for _day, day_slots in next_bookable_slots(shop, now, days=2)
             for s in day_slots][4:40]
    db.session.commit()
    world = {"slug": shop.slug, "products": products, "slots": slots}
    db.session.remove()
    return world


if __name__ == "__main__":
    main()
