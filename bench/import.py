"""A catalogue import of 5,000 rows: the import service against a bare executemany of the
same rows, on a throw-away database.

    python bench/import.py [--db sqlite|postgresql] [--rows 5000] [--rounds 3]

Without --db: SQLite, then PostgreSQL too when COMPTOIR_BENCH_POSTGRES names a server.
Each round, on an empty shop:

  (a) bare: one INSERT … executemany of the 5,000 rows already as tuples (the floor: no
      parsing, no checks, no plan), committed;
  (b) import: app.catalog.importer.import_products on the CSV file's bytes (decoding, every
      cell checked, the plan, the search text, the same insert), committed;
  (c) re-import: the same file again on the now full shop (every line found, unchanged).

Prints the best time of each and the ratio bare/import (1.0 would be the floor itself);
the target is an import under 5 s.
"""
import argparse
import logging
import secrets
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import bench_databases, temporary_database  # noqa: E402  the same throw-away databases

KINDS = ["Pain", "Baguette", "Brioche", "Tarte", "Pâté", "Terrine", "Saucisson", "Fromage",
         "Tomme", "Confiture", "Miel", "Jus", "Bière", "Vin", "Cidre", "Yaourt"]


def catalogue(rows: int) -> list[tuple]:
    return [(f"{KINDS[i % len(KINDS)]} n° {i}", 50 + i % 4950, i % 40, f"SKU-{i:05d}",
             f"Rayon {i % 12}") for i in range(rows)]


def csv_bytes(rows: list[tuple]) -> bytes:
    lines = ["name;price_cents;stock;sku;category"]
    lines += [f"{name};{price};{stock};{sku};{category}"
              for name, price, stock, sku, category in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(uri: str, rows: int, rounds: int) -> dict[str, float]:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app
    from app.catalog.importer import import_products
    from app.catalog.models import Product
    from app.extensions import db
    from app.shops.models import Shop
    from app.shops.services import create_shop

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True,
                      "SECRET_KEY": secrets.token_hex(32)})
    logging.disable(logging.INFO)
    data = catalogue(rows)
    content = csv_bytes(data)
    best = {"bare executemany": float("inf"), "import": float("inf"),
            "re-import (unchanged)": float("inf")}
    with app.app_context():
        upgrade()
        now = datetime.now(timezone.utc)
        for round_ in range(rounds):
            bare_id = create_shop(slug=f"bare-{round_}", name="Bare").id
            shop_id = create_shop(slug=f"import-{round_}", name="Import").id
            params = [{"shop_id": bare_id, "name": name, "search_text": name.lower(),
                       "description": "", "price_cents": price, "on_hand": stock, "held": 0,
                       "active": True, "category": category, "sku": sku,
                       "max_per_order": 20, "updated_at": now}
                      for name, price, stock, sku, category in data]
            db.session.remove()
            started = time.perf_counter()
            with db.engine.begin() as connection:
                connection.execute(sa.insert(Product.__table__), params)
            best["bare executemany"] = min(best["bare executemany"],
                                           time.perf_counter() - started)
            db.session.remove()
            shop = db.session.get(Shop, shop_id)
            started = time.perf_counter()
            report = import_products(shop, content)
            best["import"] = min(best["import"], time.perf_counter() - started)
            assert report.created == rows, report
            db.session.remove()
            shop = db.session.get(Shop, shop_id)
            started = time.perf_counter()
            report = import_products(shop, content)
            best["re-import (unchanged)"] = min(best["re-import (unchanged)"],
                                                time.perf_counter() - started)
            assert report.unchanged == rows, report
            db.session.remove()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"))
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for kind in bench_databases(args.db):
        with temporary_database(kind) as uri:
            best = run(uri, args.rows, args.rounds)
        print(f"database: {kind}, {args.rows:,} rows, best of {args.rounds}")
        for name, seconds in best.items():
            print(f"{name:>22}: {seconds:6.2f} s")
        print(f"ratio bare/import: {best['bare executemany'] / best['import']:.2f}"
              f"  (import {'under' if best['import'] < 5 else 'OVER'} 5 s)")


if __name__ == "__main__":
    main()
