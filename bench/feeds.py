"""The town's product feed (/flux.xml) on a big town: its time and its peak memory against
reading the same rows with bare SQL.

    python bench/feeds.py [--db sqlite|postgresql] [--shops 250] [--products 400]
                          [--small]

Without --db: SQLite, then PostgreSQL too when COMPTOIR_BENCH_POSTGRES names a server.
Builds a throw-away town as bench/search.py does (--shops x --products, default 250 x
400 = 100,000 products), then, in the same run and on the same database:

  (a) bare SQL: every product on sale with its shop, fetched row by row and dropped;
  (b) feed: GET /flux.xml through the Flask test client, read as a client reads it (the
      body consumed chunk by chunk, never kept whole).

Both are measured twice: on a quarter of the town's shops, then on the whole town. Prints
each one's time and its peak Python memory (tracemalloc, in a second pass: tracing slows
both down alike), the feed's size, the time ratio feed/bare, and how the feed's peak
memory grows from the quarter town to the whole: a feed built in memory grows with the
town (about 4x), a streamed one stays flat (about 1x).
"""
import logging
import secrets
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import bench_databases, temporary_database  # noqa: E402  the same throw-away databases
from search import build, town_arguments  # noqa: E402  the same big town


def bare_sql() -> int:
    from app.extensions import db
    rows = 0
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=500).execute(db.text(
            "SELECT p.*, s.name AS shop_name, s.slug AS shop_slug FROM products p "
            "JOIN shops s ON s.id = p.shop_id WHERE p.active = :yes AND s.active = :yes "
            "ORDER BY p.id"), {"yes": True})
        for _row in result:
            rows += 1
    return rows


def feed(client, shops: int) -> int:
    """The feed of the first `shops` shops (all of them when the town has no more)."""
    from app.extensions import db
    db.session.execute(db.text("UPDATE shops SET active = (id <= :n)"), {"n": shops})
    db.session.commit()
    response = client.get("/flux.xml", buffered=False)
    assert response.status_code == 200, response.status_code
    size = 0
    for chunk in response.iter_encoded():
        size += len(chunk)
    response.close()
    return size


def measured(call) -> tuple[float, float, int]:
    """(seconds, peak MB, result): the time untraced, the peak in a traced second run."""
    from app.extensions import db
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    db.session.remove()
    tracemalloc.start()
    call()
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    db.session.remove()
    return seconds, peak / 1e6, result


def run(uri: str, shops: int, per_shop: int) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True,
                      "SECRET_KEY": secrets.token_hex(32)})
    logging.disable(logging.INFO)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        build(shops, per_shop)
        print(f"built {shops * per_shop:,} products in {time.perf_counter() - started:.0f} s")
        db.session.remove()
        client = app.test_client()
        feed(client, 1)  # warm-up: templates compiled, caches filled
        peaks = []
        for part in (max(1, shops // 4), shops):
            feed_s, feed_mb, size = measured(lambda: feed(client, part))
            bare_s, bare_mb, rows = measured(bare_sql)
            peaks.append(feed_mb)
            print(f"database: {db_kind(uri)}, {part} shops, {rows:,} products on sale")
            print(f" bare SQL: {bare_s:6.2f} s   peak {bare_mb:7.1f} MB")
            print(f"     feed: {feed_s:6.2f} s   peak {feed_mb:7.1f} MB   "
                  f"{size / 1e6:.1f} MB of XML")
            print(f"ratio feed/bare (time): {feed_s / bare_s:.1f}")
        db.session.remove()
        db.engine.dispose()
    print(f"feed's peak memory, whole town / quarter town: {peaks[1] / peaks[0]:.2f}")


def db_kind(uri: str) -> str:
    return uri.split(":", 1)[0].split("+", 1)[0]


def main() -> None:
    args = town_arguments(__doc__, 400)
    for kind in bench_databases(args.db):
        with temporary_database(kind) as uri:
            run(uri, args.shops, args.products)


if __name__ == "__main__":
    main()
