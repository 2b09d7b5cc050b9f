"""Town-wide search on a big town: the search service and the API against the bare
full-text SQL on the same data.

    python bench/search.py [--db sqlite|postgresql] [--shops 250] [--products 2000]
                           [--rounds 3] [--small]

Without --db: SQLite, then PostgreSQL too when COMPTOIR_BENCH_POSTGRES names a server
(a fresh database is created on it and dropped afterwards).

Builds a throw-away database (as bench/checkout.py does) with --shops x --products
products (default 250 x 2,000 = 500,000, names made from French word lists), then times
about 50 realistic queries (accents missing, plurals, prefixes, two words, shop and
category filters), each run --rounds times, in the same run and on the same database:

  (a) bare SQL: the full-text match alone, ranked, first page (FTS5 MATCH / the French
      tsquery against the GIN index);
  (b) service: app.catalog.search.search_products, the page's and the API's query, with
      the active-shop and active-product rules and the filters;
  (c) API: GET /api/v1/products?q= through the Flask test client (JSON included);
  (d) page: GET /recherche?q= through the Flask test client (HTML, filters' lists included).

Prints p50/p95 per path and the p95 ratios bare/service, bare/API, bare/page (> 1: ours
faster than the bare query, which ranks every match), and on PostgreSQL the targets of
issue 15: API p95 <= 30 ms, page p95 <= 60 ms. --small: 20 x 500 for a quick run.
"""
import argparse
import logging
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import bench_databases, temporary_database  # noqa: E402  the same throw-away databases

KINDS = ["Pain", "Baguette", "Brioche", "Tarte", "Pâté", "Terrine", "Saucisson", "Fromage",
         "Tomme", "Confiture", "Miel", "Jus", "Bière", "Vin", "Cidre", "Yaourt", "Biscuit",
         "Galette", "Lentilles", "Pommes", "Poires", "Jambon", "Rillettes", "Chocolat"]
QUALITIES = ["de campagne", "aux noix", "d'épeautre", "de seigle", "aux myrtilles",
             "fermier", "artisanal", "du Velay", "d'Auvergne", "bio", "aux olives",
             "à l'ancienne", "de montagne", "au poivre", "aux herbes", "fumé", "doux",
             "aux châtaignes", "de pays", "maison"]
SIZES = ["", "(250 g)", "(500 g)", "(1 kg)", "(75 cl)", "(6)", "(part)"]
CATEGORIES = ["Épicerie", "Boulangerie", "Crèmerie", "Boucherie", "Cave", "Primeur"]
QUERIES = ["pate", "pâté campagne", "baguettes", "bag", "pain epeautre", "PAIN SEIGLE",
           "tarte myrtille", "miel", "miels de montagne", "confitures", "fromage fermier",
           "tomme auvergne", "saucisson", "saucissons poivre", "biere", "bieres du velay",
           "vin", "cidre artisanal", "yaourt bio", "biscuits", "galette", "lentilles",
           "pommes", "poire", "jambon fume", "rillettes", "chocolat", "chocolats noix",
           "brioche", "terrine herbes", "jus pommes", "jus", "pain", "noix", "olives",
           "ancienne", "maison", "doux", "chataignes", "pays", "tarte", "fromages",
           "cidre", "velay", "auvergne", "montagne", "campagne", "fermier bio", "seigle",
           "epeautre"]
FILTERED = [("pain", "shop"), ("fromage", "category"), ("vin", "category"),
            ("miel", "shop")]


def build(shops: int, per_shop: int) -> None:
    from app.catalog import fulltext
    from app.catalog.search import search_text_for
    from app.extensions import db
    from app.shops.services import create_shop

    rng = random.Random(42)
    products = db.metadata.tables["products"]
    for s in range(shops):
        shop = create_shop(slug=f"shop-{s:03d}", name=f"Commerce {s:03d}")
        rows, found = [], set()
        for j in range(per_shop):
            name = " ".join(filter(None, (rng.choice(KINDS), rng.choice(QUALITIES),
                                          rng.choice(SIZES))))
            category = rng.choice(CATEGORIES)
            stems, words = fulltext.index_terms(name=name, category=category)
            found |= words
            rows.append({"shop_id": shop.id, "name": name, "search_text": search_text_for(name),
                         "search_stems": stems,
                         "description": "", "price_cents": rng.randint(50, 5000),
                         "on_hand": rng.randint(0, 50), "held": 0, "active": rng.random() > 0.02,
                         "category": category, "sku": None,
                         "promo_price_cents": None, "promo_starts_at": None,
                         "promo_ends_at": None})
        db.session.execute(products.insert(), rows)
        fulltext.remember_words(db.session.connection(), found)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.commit()  # VACUUM runs outside a transaction, as autovacuum would have
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(db.text("VACUUM ANALYZE products"))
            conn.execute(db.text("ANALYZE shops"))
            conn.execute(db.text("ANALYZE search_words"))
        db.session.commit()


def bare_sql(dialect: str, words: list[str]):
    """The full-text match alone, ranked, first page: what any search must at least do."""
    from app.catalog import fulltext
    from app.extensions import db
    if dialect == "postgresql":
        sql = db.text(f"SELECT id FROM products WHERE {fulltext.PG_VECTOR} @@ "
                      "to_tsquery('simple', :q) ORDER BY ts_rank("
                      f"{fulltext.PG_VECTOR}, to_tsquery('simple', :q)) DESC LIMIT 25")
        # Every word as its stem or a prefix, every match ranked: the query as it was.
        return lambda: db.session.execute(sql, {"q": fulltext.tsquery(words, {})}).all()
    sql = db.text("SELECT rowid FROM products_fts WHERE products_fts MATCH :q "
                  "ORDER BY rank LIMIT 25")
    return lambda: db.session.execute(sql, {"q": fulltext.fts5_query(words)}).all()


def timed(call, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def run(uri: str, shops: int, per_shop: int, rounds: int) -> dict[str, list[float]]:
    from flask_migrate import upgrade

    from app import create_app
    from app.catalog import fulltext
    from app.catalog.search import search_products
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": secrets.token_hex(32)})
    logging.disable(logging.INFO)
    times = {"bare SQL": [], "service": [], "API": [], "page": []}
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        build(shops, per_shop)
        print(f"built {shops * per_shop:,} products in {time.perf_counter() - started:.0f} s")
        dialect = db.engine.dialect.name
        client = app.test_client()
        queries = [(q, {}) for q in QUERIES] + [
            (q, {"shop_slug": "shop-007"} if kind == "shop" else {"category": "Crèmerie"})
            for q, kind in FILTERED]
        for q, filters in queries:  # warm-up
            search_products(q=q, **filters)
            bare_sql(dialect, fulltext.query_words(q))()
        db.session.remove()
        for q, filters in queries:
            words = fulltext.query_words(q)
            times["bare SQL"] += timed(bare_sql(dialect, words), rounds)
            times["service"] += timed(lambda: search_products(q=q, **filters), rounds)
            args = {"q": q, **({"shop": filters["shop_slug"]} if "shop_slug" in filters
                               else {"category": filters["category"]} if filters else {})}
            times["API"] += timed(lambda: client.get("/api/v1/products", query_string=args),
                                  rounds)
            times["page"] += timed(lambda: client.get("/recherche", query_string=args), rounds)
            db.session.remove()
        db.session.remove()
        db.engine.dispose()
    return times


def town_arguments(doc: str, per_shop: int, **more: dict) -> argparse.Namespace:
    """A big-town bench's arguments: --db, --shops, --products (per shop), --small (20 x
    500), and `more` (name -> add_argument's keywords)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"))
    parser.add_argument("--shops", type=int, default=250)
    parser.add_argument("--products", type=int, default=per_shop, help="per shop")
    parser.add_argument("--small", action="store_true", help="20 shops x 500 products")
    for name, options in more.items():
        parser.add_argument(f"--{name}", **options)
    args = parser.parse_args()
    if args.small:
        args.shops, args.products = 20, 500
    return args


def main() -> None:
    args = town_arguments(__doc__, 2000, rounds={"type": int, "default": 3})
    for kind in bench_databases(args.db):
        with temporary_database(kind) as uri:
            times = run(uri, args.shops, args.products, args.rounds)
        print(f"database: {kind}, {args.shops} shops x {args.products} products, "
              f"{len(QUERIES) + len(FILTERED)} queries x {args.rounds} rounds")
        for name, values in times.items():
            print(f"{name:>9}: p50 {p(values, 50):7.2f} ms   p95 {p(values, 95):7.2f} ms")
        for ours in ("service", "API", "page"):
            ratio = p(times["bare SQL"], 95) / p(times[ours], 95)
            print(f"ratio bare/{ours} (p95): {ratio:.2f}")
        if kind == "postgresql":
            for ours, goal in (("API", 30), ("page", 60)):
                print(f"target {ours} p95 <= {goal} ms: {p(times[ours], 95):.1f} ms, "
                      f"{'met' if p(times[ours], 95) <= goal else 'MISSED'}")


if __name__ == "__main__":
    main()
