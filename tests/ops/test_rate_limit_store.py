"""COMPTOIR_RATELIMIT_STORAGE=redis://… works (the load test found "Worker failed to
boot": the `redis` package was missing) and is one budget for every worker: two apps,
as two gunicorn workers would be, share the count."""
import socket
import uuid

import pytest

from tests.conftest import app_on


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(),
                                reason="no Redis on 127.0.0.1:6379 (apt install redis-server)")


def test_the_redis_package_is_installed():
    import redis  # noqa: F401  what Flask-Limiter's redis:// storage imports


def test_two_workers_share_one_budget_in_redis(database_uri, clock):
    # A limit of its own (the key holds it), so runs never meet each other's counts.
    limit = f"3 per {50 + uuid.uuid4().int % 1000} minutes"
    settings = dict(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
                    VOUCHER_LOOKUP_LIMIT=limit)
    statuses = []
    for _worker in range(2):
        with app_on(database_uri, clock, **settings) as app:
            client = app.test_client()
            statuses += [client.get("/api/v1/vouchers/ABCDEF123456").status_code
                         for _ in range(2)]

    assert statuses[:3] != [429] * 3 and statuses[3] == 429
