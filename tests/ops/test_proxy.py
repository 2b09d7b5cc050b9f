"""Behind nginx (COMPTOIR_PROXIES=1) each shopper is known by their own address, so a
per-IP limit is theirs and not the whole town's; served directly (0, the default), a
forged X-Forwarded-For changes nothing."""
import uuid

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.vouchers.models import VoucherLookup
from tests.conftest import app_on


def lookups(client, address: str, times: int) -> list[int]:
    return [client.get(f"/api/v1/vouchers/{uuid.uuid4().hex[:12].upper()}",
                       headers={"X-Forwarded-For": address,
                                "X-Forwarded-Proto": "https"}).status_code
            for _ in range(times)]


@pytest.fixture
def behind_one_proxy(database_uri, clock):
    with app_on(database_uri, clock, PROXIES=1, VOUCHER_LOOKUP_LIMIT="2 per minute") as app:
        yield app


def test_behind_a_proxy_each_shopper_has_their_own_budget(behind_one_proxy):
    client = behind_one_proxy.test_client()

    first = lookups(client, "203.0.113.11", 3)
    other = lookups(client, "198.51.100.12", 1)

    assert first[:2] != [429, 429] and first[2] == 429
    assert other != [429]
    recorded = set(db.session.scalars(sa.select(VoucherLookup.ip)))
    assert {"203.0.113.11", "198.51.100.12"} <= recorded


def test_only_the_proxys_own_hop_is_trusted(behind_one_proxy):
    """A shopper who sends X-Forwarded-For themselves gets nginx's address appended: the
    last one, the one nginx saw, is theirs."""
    client = behind_one_proxy.test_client()

    statuses = [client.get("/api/v1/vouchers/ABCDEF123456", headers={
        "X-Forwarded-For": f"10.0.0.{i}, 203.0.113.44"}).status_code for i in range(3)]

    assert statuses[2] == 429  # one budget, whatever the forged first hop says


def test_served_directly_a_forwarded_address_is_ignored(database_uri, clock):
    with app_on(database_uri, clock, PROXIES=0, VOUCHER_LOOKUP_LIMIT="2 per minute") as app:
        client = app.test_client()
        spread = [lookups(client, f"192.0.2.{i}", 1)[0] for i in range(3)]
        recorded = set(db.session.scalars(sa.select(VoucherLookup.ip)))

    assert spread[2] == 429  # every "address" was the one real client
    assert not any(ip.startswith("192.0.2.") for ip in recorded)
