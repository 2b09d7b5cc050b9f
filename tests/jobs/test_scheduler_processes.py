"""Two scheduler processes sweeping the same database at the same moment, as an operator
running `flask --app wsgi jobs run-once` on two machines would: every hold, no-show,
settlement, reminder and SMS is handled by exactly one of them."""
import os
import re
import secrets
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.figures.services import RECENT_DAYS
from app.notify.models import SmsMessage
from app.orders import services as orders
from app.orders.models import Order
from app.payments.models import PaymentTransaction
from app.timeutil import parse_instant
from tests.conftest import PG_ADMIN_URL
from tests.factories import make_product, make_shop
from tests.jobs.test_sweeps import order_at

# Processes at work for tens of seconds: started first (tests/conftest.py).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RUN_AT = "2026-11-25T09:05:00+01:00"  # Wednesday: reminders for 10:00 are due
SWEEPS = ("release_expired_holds", "mark_no_shows", "settle_lapsing_authorizations",
          "settle_payments", "send_due_reminders",
          "flush_sms_outbox", "refresh_daily_figures")


def phone(i: int) -> str:
    return f"06 12 34 {i // 100:02d} {i % 100:02d}"


def given_a_busy_town(clock, payments) -> dict[str, int]:
    """10 orders confirmed on Monday and never collected, 60 paid for Wednesday 10:00, and
    10 baskets left unpaid on Tuesday. Returns what the sweeps have to do."""
    shop = make_shop(seats_per_slot=100)
    bread = make_product(shop, "Baguette", 130, stock=1000)
    clock.set("2026-11-23T09:00:00+01:00")
    for i in range(10):
        order = order_at({shop: [(bread, 1)]}, "2026-11-23T10:00:00+01:00", clock.now,
                         payments, phone=phone(i)).orders[0]
        orders.confirm_lines(order.id, shop.id, [], now=clock.now, provider=payments)
    clock.set("2026-11-24T09:00:00+01:00")
    for i in range(60):
        order_at({shop: [(bread, 1)]}, "2026-11-25T10:00:00+01:00", clock.now, payments,
                 phone=phone(100 + i))
    for i in range(10):
        order_at({shop: [(bread, 1)]}, "2026-11-25T10:00:00+01:00", clock.now, payments,
                 pay=False, phone=phone(200 + i))
    queued = db.session.scalar(sa.select(sa.func.count()).select_from(SmsMessage))
    assert queued == 10 * 2 + 60  # "placed" and "confirmed" for Monday, "placed" for the 60
    return {"release_expired_holds": 10, "mark_no_shows": 10,
            "settle_lapsing_authorizations": 0, "settle_payments": 10,
            "send_due_reminders": 60, "flush_sms_outbox": queued + 10 + 60,
            "refresh_daily_figures": None}  # see below


def launch(database_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "COMPTOIR_TIMEZONE": "Europe/Paris",
           "COMPTOIR_SMS": "log", "COMPTOIR_PAYMENTS": "offline",
           "COMPTOIR_PUBLIC_URL": "http://comptoir.test", "PYTHONUNBUFFERED": "1",
           "SECRET_KEY": secrets.token_hex(32)}  # an operator's process: a real key
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run-once",
                             "--at", RUN_AT], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("database_uri", [
    "sqlite",  # writers queue on the database lock: correct, one after the other
    pytest.param("postgresql", marks=pytest.mark.skipif(
        not PG_ADMIN_URL, reason="COMPTOIR_TEST_POSTGRES is unset: the real race needs "
                                 "PostgreSQL (e.g. postgresql://postgres@127.0.0.1:5432/test)")),
], indirect=True)
@pytest.mark.real_commits
def test_two_processes_sweep_at_once_and_each_item_is_handled_once(app, clock, payments):
    expected = given_a_busy_town(clock, payments)
    url = db.engine.url.render_as_string(hide_password=False)
    db.session.commit()  # the processes must see all of it, and no lock of ours may remain
    db.session.remove()

    processes = [launch(url) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]

    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err
    counts = [dict(re.findall(r"^(\w+): (\d+)$", out, re.M)) for out, _ in outputs]
    assert [sorted(c) for c in counts] == [sorted(SWEEPS)] * 2, outputs
    totals = {name: sum(int(c[name]) for c in counts) for name in SWEEPS}
    # The figures' refreshes queue on their lock: the first recomputes the recent days, the
    # second only the days touched since (today at least).
    refreshes = sorted(int(c["refresh_daily_figures"]) for c in counts)
    assert refreshes[1] == RECENT_DAYS and 1 <= refreshes[0] < RECENT_DAYS, refreshes
    assert {**totals, "refresh_daily_figures": None} == expected

    sent = Counter(int(i) for _, err in outputs for i in re.findall(r"SMS #(\d+) to ", err))
    ids = db.session.scalars(sa.select(SmsMessage.id)).all()
    assert sorted(sent) == sorted(ids) and set(sent.values()) == {1}
    assert set(db.session.scalars(sa.select(SmsMessage.status))) == {"sent"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsMessage)
                             .where(SmsMessage.kind == "reminder")) == 60
    statuses = Counter(db.session.scalars(sa.select(Order.status)))
    assert statuses == {"placed": 60, "expired": 10, "no_show": 10}
    voids = db.session.execute(sa.select(PaymentTransaction.kind, PaymentTransaction.status)
                               .where(PaymentTransaction.kind != "authorize")).all()
    assert Counter(voids) == {("void", "succeeded"): 10}
    assert parse_instant(RUN_AT).isoformat() == "2026-11-25T08:05:00+00:00"
