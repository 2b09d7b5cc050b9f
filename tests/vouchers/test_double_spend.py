"""A voucher used at the same instant from several phones spends its balance once.

Each hold runs in its own thread, session and connection, released together by a barrier
(tests/orders/test_holds_race.py's race): on PostgreSQL they really run at once, on
SQLite the database queues the writers. Either way the conditional UPDATE decides."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.vouchers import services as vouchers
from app.vouchers.models import HOLD, VoucherMovement
from tests.orders.test_holds_race import race
from tests.vouchers.helpers import available, checkouts, hold, sold_voucher

pytestmark = pytest.mark.real_commits  # every test races threads (see race)


def attempt(code, checkout_id, amount, now, taken):
    def run():
        taken[checkout_id] = hold(code, checkout_id, amount, now, field="vouchers[0]")
    return run


def held_total(voucher) -> int:
    return db.session.scalar(sa.select(sa.func.sum(VoucherMovement.amount_cents)).where(
        VoucherMovement.voucher_id == voucher.id, VoucherMovement.kind == HOLD))


def test_ten_phones_spending_a_whole_voucher_at_once_one_gets_it(app, clock):
    voucher = sold_voucher(clock.now, 5000)
    ids = checkouts(10, clock.now)
    taken = {}
    attempts = [attempt(voucher.code, c, 5000, clock.now, taken) for c in ids]
    db.session.commit()  # on SQLite an open transaction of ours would hold the write lock

    outcomes = race(app, attempts)

    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count(("voucher_empty", "vouchers[0].code")) == 9, outcomes
    assert list(taken.values()) == [5000]
    assert available(voucher) == 0 and held_total(voucher) == 5000


def test_ten_holds_of_30_euros_on_a_50_euro_voucher_spend_50_euros_once(app, clock):
    voucher = sold_voucher(clock.now, 5000)
    ids = checkouts(10, clock.now)
    taken = {}
    attempts = [attempt(voucher.code, c, 3000, clock.now, taken) for c in ids]
    db.session.commit()  # on SQLite an open transaction of ours would hold the write lock

    outcomes = race(app, attempts)

    # The first takes 30 €, the next the 20 € left (the card would pay the rest of its
    # basket), the other eight find it empty: never more than the voucher's 50 €.
    assert outcomes.count("ok") == 2, outcomes
    assert outcomes.count(("voucher_empty", "vouchers[0].code")) == 8, outcomes
    assert sorted(taken.values()) == [2000, 3000]
    assert available(voucher) == 0 and held_total(voucher) == 5000
    assert vouchers.balance_from_movements(voucher.id) == 0
