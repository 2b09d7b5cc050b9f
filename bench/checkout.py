"""Checkouts per second: the service layer against the same writes in hand-written SQL.

    python bench/checkout.py [--db sqlite|postgresql] [--n 300] [--profile]

Creates a throw-away database (a SQLite file in a temporary directory, or a PostgreSQL
database created on COMPTOIR_TEST_POSTGRES's server, default postgresql://postgres@127.0.0.1:5432,
and dropped afterwards), migrates it, seeds two shops, then times, in the same run and on
the same database, one checkout of 2 shops x 2 lines:

  (a) service: parse_checkout + create_checkout, a fresh session per checkout as in a request;
  (b) SQL: one DBAPI transaction doing the same writes by hand (customer upsert, checkout,
      conditional stock UPDATEs, seat upsert + conditional UPDATE, orders, lines, events).

The two are run in alternating batches so that neither gets a warmer cache or a smaller
table. The last line is `ratio service/sql: X.XX` (the target is >= 0.5). --profile prints
where the service path spends its time (cProfile), on stderr.
"""
import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)  # a Tuesday, 08:00 in Paris
BATCH = 50
WARM_UP = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--n", type=int, default=300, help="checkouts per path (default 300)")
    parser.add_argument("--profile", action="store_true", help="cProfile the service path")
    args = parser.parse_args()

    with temporary_database(args.db) as uri:
        result = run(uri, args.n, args.profile)
    service, sql = result
    print(f"database: {args.db}, {args.n} checkouts per path, 2 shops x 2 lines each")
    if args.profile:
        print("(profiled: the service figure is slowed down by cProfile)")
    print(f"service layer: {service:8.1f} checkouts/s")
    print(f"hand-written SQL: {sql:8.1f} checkouts/s")
    print(f"ratio service/sql: {service / sql:.2f}")


def bench_databases(chosen: str | None) -> list[str]:
    """The databases a bench runs on: the one --db names, else SQLite, then PostgreSQL too
    when COMPTOIR_BENCH_POSTGRES names a server (temporary_database creates its database
    there)."""
    bench_pg = os.environ.get("COMPTOIR_BENCH_POSTGRES")
    if bench_pg:
        os.environ["COMPTOIR_TEST_POSTGRES"] = bench_pg
    return [chosen] if chosen else ["sqlite"] + (["postgresql"] if bench_pg else [])


class temporary_database:
    def __init__(self, kind: str):
        self.kind = kind

    def __enter__(self) -> str:
        if self.kind == "sqlite":
            self.tmp = tempfile.TemporaryDirectory(prefix="comptoir-bench-")
            return f"sqlite:///{self.tmp.name}/bench.db"
        import psycopg
        admin = os.environ.get("COMPTOIR_TEST_POSTGRES") or DEFAULT_PG
        self.admin = admin.replace("postgresql+psycopg://", "postgresql://")
        self.name = f"comptoir_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return "postgresql+psycopg://" + self.admin.split("://", 1)[1].rsplit("/", 1)[0] + \
            "/" + self.name

    def __exit__(self, *exc):
        if self.kind == "sqlite":
            self.tmp.cleanup()
            return False
        import psycopg
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        return False


def run(uri: str, n: int, profile: bool) -> tuple[float, float]:
    import logging

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": secrets.token_hex(32)})
    logging.disable(logging.INFO)  # migration and provider lines would drown the figures
    with app.app_context():
        upgrade()
        world = seed()
        service = ServicePath(world)
        sql = SqlPath(world, db.engine)
        for i in range(WARM_UP):
            service.checkout(i)
            sql.checkout(i)
        profiler = cProfile.Profile() if profile else None
        spent = {"service": 0.0, "sql": 0.0}
        done = 0
        while done < n:
            size = min(BATCH, n - done)
            for name, path in (("service", service), ("sql", sql)):
                if profiler and name == "service":
                    profiler.enable()
                started = time.perf_counter()
                for i in range(done, done + size):
                    path.checkout(WARM_UP + i)
                spent[name] += time.perf_counter() - started
                if profiler and name == "service":
                    profiler.disable()
            done += size
        check(world, expected=2 * (WARM_UP + n))
        db.session.remove()
        db.engine.dispose()
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue(), file=sys.stderr)
    return n / spent["service"], n / spent["sql"]


class World:
    """Two shops with two products each and the slots checkouts are spread over."""

    def __init__(self, shops, products, slots):
        self.shops = shops        # [(id, slug, seats_per_slot, hold_minutes)]
        self.products = products  # {shop_id: [(id, name, price_cents), (…)]}
        self.slots = slots        # {shop_id: [(start, end) UTC]}


def seed() -> World:
    from app.catalog.models import Product
    from app.catalog.search import search_text_for
    from app.extensions import db
    from app.pickup.services import next_bookable_slots
    from app.shops.services import create_shop

    shops, products, slots = [], {}, {}
    for slug, name, goods in [
        ("boulangerie", "Boulangerie Martin", [("Baguette tradition", 130),
                                               ("Croissant au beurre", 120)]),
        ("fromagerie", "Fromagerie du Plot", [("Fourme d'Ambert (250 g)", 550),
                                              ("Bleu d'Auvergne (250 g)", 520)]),
    ]:
        shop = create_shop(slug=slug, name=name, seats_per_slot=100)
        rows = [Product(shop_id=shop.id, name=n, price_cents=p, on_hand=1_000_000,
                        search_text=search_text_for(n)) for n, p in goods]
        db.session.add_all(rows)
        db.session.commit()
        shops.append((shop.id, shop.slug, shop.seats_per_slot, shop.hold_minutes))
        products[shop.id] = [(p.id, p.name, p.price_cents) for p in rows]
        slots[shop.id] = [(s.start, s.end) for _, day in next_bookable_slots(shop, NOW, days=30)
                          for s in day]
    db.session.remove()
    return World(shops, products, slots)


def phone(i: int) -> str:
    return f"+3361{i:07d}"


class ServicePath:
    def __init__(self, world: World):
        from app.payments.providers import OfflinePayments
        self.world = world
        self.provider = OfflinePayments()

    def payload(self, i: int) -> dict:
        from app.timeutil import iso
        return {"customer": {"name": f"Client {i}", "phone": phone(i)},
                "orders": [{"shop": slug, "slot": iso(self.world.slots[shop_id][
                    i % len(self.world.slots[shop_id])][0]),
                    "lines": [{"product_id": pid, "quantity": 1 + (i + k) % 3}
                              for k, (pid, _, _) in enumerate(self.world.products[shop_id])]}
                    for shop_id, slug, _, _ in self.world.shops]}

    def checkout(self, i: int) -> None:
        from app.extensions import db
        from app.orders.requests import parse_checkout
        from app.orders.services import create_checkout
        payload = self.payload(i)
        create_checkout(parse_checkout(payload), now=NOW, provider=self.provider,
                        payload=payload)
        db.session.remove()  # what the end of a request does


class SqlPath:
    """The same writes as create_checkout, by hand, in one DBAPI transaction."""

    def __init__(self, world: World, engine):
        self.world = world
        self.sqlite = engine.dialect.name == "sqlite"
        self.engine = engine
        self.sql = {name: self._dialect(text) for name, text in SQL.items()}

    def _dialect(self, text: str) -> str:
        return re.sub(r"%\((\w+)\)s", r":\1", text) if self.sqlite else text

    def _when(self, dt: datetime):
        """How UTCDateTime stores an instant: naive UTC (a fixed string format on SQLite)."""
        naive = dt.astimezone(timezone.utc).replace(tzinfo=None)
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else naive

    def checkout(self, i: int) -> None:
        world, sql, when = self.world, self.sql, self._when
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            if self.sqlite:
                cur.execute("BEGIN IMMEDIATE")
            now = when(NOW)
            wanted = {shop_id: [(pid, name, price, 1 + (i + k) % 3)
                                for k, (pid, name, price) in enumerate(world.products[shop_id])]
                      for shop_id, *_ in world.shops}
            ids = [pid for lines in wanted.values() for pid, *_ in lines]
            cur.execute(sql["products"].format(ids=",".join(str(int(x)) for x in ids)))
            live = {row[0]: row for row in cur.fetchall()}
            assert len(live) == len(ids)
            # A new shopper each time, as on the service path (its phones are 0…).
            cur.execute(sql["customer"], {"phone": phone(5_000_000 + i), "name": f"Client {i}",
                                          "created_at": now})
            customer_id = cur.fetchone()[0]
            total = sum(price * qty for lines in wanted.values() for _, _, price, qty in lines)
            hold = min(h for *_, h in world.shops)
            cur.execute(sql["checkout"], {"customer_id": customer_id, "total": total,
                                          "hold": when(NOW + timedelta(minutes=hold)),
                                          "created_at": now})
            checkout_id = cur.fetchone()[0]
            for pid, _, _, qty in sorted(line for lines in wanted.values() for line in lines):
                cur.execute(sql["take_stock"], {"id": pid, "qty": qty})
                if cur.rowcount != 1:
                    raise RuntimeError("out of stock")
            slots = {}
            for shop_id, _, seats, _ in world.shops:
                start, end = world.slots[shop_id][i % len(world.slots[shop_id])]
                slots[shop_id] = (when(start), when(end))
                cur.execute(sql["take_seat"], {"shop_id": shop_id, "start": slots[shop_id][0],
                                               "seats": seats})
                if cur.fetchone() is None:
                    raise RuntimeError("slot full")
            for shop_id, *_ in world.shops:
                lines = wanted[shop_id]
                cur.execute(sql["order"], {
                    "checkout_id": checkout_id, "shop_id": shop_id,
                    "customer_id": customer_id, "start": slots[shop_id][0],
                    "end": slots[shop_id][1], "total": sum(p * q for _, _, p, q in lines),
                    "token": secrets.token_urlsafe(16), "created_at": now})
                order_id = cur.fetchone()[0]
                cur.executemany(sql["line"], [
                    {"order_id": order_id, "product_id": pid, "name": name, "price": price,
                     "qty": qty} for pid, name, price, qty in lines])
                cur.execute(sql["event"], {"order_id": order_id, "at": now})
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            raw.close()


SQL = {
    "products": "SELECT id, shop_id, price_cents, active FROM products WHERE id IN ({ids})",
    "customer": "INSERT INTO customers (phone, name, created_at) "
                "VALUES (%(phone)s, %(name)s, %(created_at)s) "
                "ON CONFLICT (phone) DO UPDATE SET name = excluded.name RETURNING id",
    "checkout": "INSERT INTO checkouts (customer_id, status, total_cents, hold_expires_at, "
                "payment_provider, created_at) VALUES (%(customer_id)s, 'pending_payment', "
                "%(total)s, %(hold)s, 'offline', %(created_at)s) RETURNING id",
    "take_stock": "UPDATE products SET held = held + %(qty)s "
                  "WHERE id = %(id)s AND active AND on_hand - held >= %(qty)s",
    # The seat upsert and its conditional UPDATE in one statement, as take_seat does.
    "take_seat": "INSERT INTO slot_seats (shop_id, slot_start, taken) "
                 "VALUES (%(shop_id)s, %(start)s, 1) ON CONFLICT (shop_id, slot_start) "
                 "DO UPDATE SET taken = slot_seats.taken + 1 "
                 "WHERE slot_seats.taken < %(seats)s RETURNING taken",
    "order": "INSERT INTO orders (checkout_id, shop_id, customer_id, status, slot_start, "
             "slot_end, total_cents, tracking_token, created_at) VALUES (%(checkout_id)s, "
             "%(shop_id)s, %(customer_id)s, 'pending_payment', %(start)s, %(end)s, %(total)s, "
             "%(token)s, %(created_at)s) RETURNING id",
    "line": "INSERT INTO order_lines (order_id, product_id, name, unit_price_cents, quantity) "
            "VALUES (%(order_id)s, %(product_id)s, %(name)s, %(price)s, %(qty)s)",
    "event": "INSERT INTO order_events (order_id, type, actor, code, at) VALUES "
             "(%(order_id)s, 'pending_payment', 'shopper', 'hold_started', %(at)s)",
}


def check(world: World, expected: int) -> None:
    """Both paths wrote the same kind of rows: every checkout has its two orders and seats."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.orders.models import Checkout, Order
    from app.pickup.models import SlotSeats
    checkouts = db.session.scalar(sa.select(sa.func.count()).select_from(Checkout))
    orders = db.session.scalar(sa.select(sa.func.count()).select_from(Order))
    seats = db.session.scalar(sa.select(sa.func.sum(SlotSeats.taken)))
    assert (checkouts, orders, seats) == (expected, 2 * expected, 2 * expected), \
        (checkouts, orders, seats)


if __name__ == "__main__":
    main()
