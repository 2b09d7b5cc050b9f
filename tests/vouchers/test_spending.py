"""Spending vouchers on a checkout: hold at checkout, release if nothing is collected,
consume only what was collected; every step once, whatever the retries."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.errors import Conflict, Invalid
from app.extensions import db
from app.vouchers import codes
from app.vouchers import services as vouchers
from app.vouchers.models import CONSUME, HOLD, RELEASE, VoucherMovement
from tests.vouchers.helpers import (available, checkouts, consume, hold, issue, release,
                                    sold_voucher)


def movements(checkout_id):
    return [(m.voucher_id, m.kind, m.amount_cents) for m in db.session.scalars(
        sa.select(VoucherMovement).where(VoucherMovement.checkout_id == checkout_id)
        .order_by(VoucherMovement.id))]


def assert_ledger_agrees(*vouchers_):
    for voucher in vouchers_:
        assert vouchers.balance_from_movements(voucher.id) == available(voucher)


def test_a_hold_takes_what_is_wanted_or_what_is_left(app, clock):
    voucher = sold_voucher(clock.now, 5000)
    first, second, third = checkouts(3, clock.now)

    assert hold(voucher.code, first, 3000, clock.now) == 3000
    assert hold(codes.display(voucher.code).lower(), second, 3000, clock.now) == 2000
    assert available(voucher) == 0
    with pytest.raises(Conflict) as empty:
        hold(voucher.code, third, 100, clock.now, field="vouchers[0]")
    assert (empty.value.code, empty.value.field) == ("voucher_empty", "vouchers[0].code")
    assert movements(third) == []
    assert_ledger_agrees(voucher)


def test_a_retried_checkout_gets_the_same_hold_not_a_second_one(app, clock):
    voucher = sold_voucher(clock.now, 5000)
    [checkout] = checkouts(1, clock.now)

    assert hold(voucher.code, checkout, 1500, clock.now) == 1500
    assert hold(voucher.code, checkout, 1500, clock.now) == 1500

    assert available(voucher) == 3500
    assert movements(checkout) == [(voucher.id, HOLD, 1500)]


def test_consuming_spends_only_what_was_collected_and_gives_back_the_rest(app, clock):
    voucher = sold_voucher(clock.now, 5000)
    [checkout] = checkouts(1, clock.now)
    hold(voucher.code, checkout, 4000, clock.now)

    settlement = consume(checkout, 2500, clock.now)

    assert (settlement.consumed_cents, settlement.released_cents) == (2500, 1500)
    [use] = settlement.uses
    assert (use.voucher_id, use.code, use.held_cents, use.consumed_cents, use.released_cents,
            use.settled) == (voucher.id, codes.display(voucher.code), 4000, 2500, 1500, True)
    assert available(voucher) == 2500  # 5000 - 4000 held + 1500 back
    assert movements(checkout) == [(voucher.id, HOLD, 4000), (voucher.id, CONSUME, 2500),
                                   (voucher.id, RELEASE, 1500)]
    assert_ledger_agrees(voucher)


def test_several_vouchers_are_consumed_soonest_expiring_first(app, clock):
    later = sold_voucher(clock.now, 3000, expires_on=date(2027, 12, 31))
    sooner = sold_voucher(clock.now, 2000, expires_on=date(2027, 1, 31))
    [checkout] = checkouts(1, clock.now)
    hold(later.code, checkout, 3000, clock.now, field="vouchers[0]")
    hold(sooner.code, checkout, 2000, clock.now, field="vouchers[1]")
    assert vouchers.checkout_vouchers(checkout).held_cents == 5000

    settlement = consume(checkout, 2600, clock.now)

    assert [(u.voucher_id, u.consumed_cents, u.released_cents) for u in settlement.uses] == [
        (sooner.id, 2000, 0), (later.id, 600, 2400)]
    assert settlement.consumed_cents == 2600
    assert (available(sooner), available(later)) == (0, 2400)
    assert vouchers.checkout_vouchers(checkout).held_cents == 0
    assert_ledger_agrees(sooner, later)


def test_vouchers_worth_more_than_what_was_collected_pay_it_all(app, clock):
    voucher = sold_voucher(clock.now, 10000)
    [checkout] = checkouts(1, clock.now)
    hold(voucher.code, checkout, 6000, clock.now)

    settlement = consume(checkout, 8000, clock.now)  # more collected than held: the card pays

    assert settlement.consumed_cents == 6000 and settlement.released_cents == 0
    assert available(voucher) == 4000


def test_settling_twice_changes_nothing(app, clock):
    voucher = sold_voucher(clock.now, 5000)
    kept, dropped = checkouts(2, clock.now)
    hold(voucher.code, kept, 2000, clock.now)
    hold(voucher.code, dropped, 1000, clock.now)

    first = consume(kept, 1200, clock.now)
    again = consume(kept, 1200, clock.now)
    late_release = release(kept, clock.now)  # an order cancelled after the other collected
    released = release(dropped, clock.now)
    released_again = release(dropped, clock.now)
    late_consume = consume(dropped, 1000, clock.now)

    assert first == again == late_release
    assert first.consumed_cents == 1200
    assert released == released_again == late_consume
    assert (released.consumed_cents, released.released_cents) == (0, 1000)
    assert available(voucher) == 5000 - 1200
    assert [kind for _, kind, _ in movements(kept)] == [HOLD, CONSUME, RELEASE]
    assert [kind for _, kind, _ in movements(dropped)] == [HOLD, RELEASE]
    assert_ledger_agrees(voucher)
    with pytest.raises(Conflict) as ended:  # the checkout is over: no new hold on it
        hold(voucher.code, dropped, 1000, clock.now)
    assert ended.value.code == "voucher_hold_ended"


def test_a_checkout_without_vouchers_settles_to_nothing(app, clock):
    [checkout] = checkouts(1, clock.now)

    assert consume(checkout, 5000, clock.now).consumed_cents == 0
    assert release(checkout, clock.now).uses == []


def test_expired_and_unsold_vouchers_are_refused_with_the_field(app, clock):
    expiring = sold_voucher(clock.now, 5000, expires_on=date(2026, 11, 30))
    unsold = issue(clock.now, 5000)[0]
    [checkout] = checkouts(1, clock.now)

    with pytest.raises(Invalid) as not_sold:
        hold(unsold.code, checkout, 1000, clock.now, field="vouchers[1]")
    assert (not_sold.value.code, not_sold.value.field) == ("voucher_not_sold",
                                                          "vouchers[1].code")
    with pytest.raises(Invalid) as unknown:
        hold("ABCD-EFGH-JKLM-NPQR", checkout, 1000, clock.now, field="vouchers[2]")
    assert (unknown.value.code, unknown.value.field) == ("unknown_voucher", "vouchers[2].code")

    # Valid through its last day, town time; refused the next morning.
    clock.set("2026-11-30T23:59:00+01:00")
    assert hold(expiring.code, checkout, 1000, clock.now) == 1000
    [other] = checkouts(1, clock.now)
    clock.set("2026-12-01T00:00:00+01:00")
    with pytest.raises(Invalid) as expired:
        hold(expiring.code, other, 1000, clock.now, field="vouchers[0]")
    assert (expired.value.code, expired.value.field) == ("voucher_expired", "vouchers[0].code")
    assert "30/11/2026" in expired.value.message

    # A hold taken in time is still spent after the expiry date.
    assert consume(checkout, 1000, clock.now).consumed_cents == 1000


@pytest.mark.parametrize("amount", [0, -500])
def test_a_hold_of_nothing_is_refused(app, clock, amount):
    voucher = sold_voucher(clock.now, 5000)
    [checkout] = checkouts(1, clock.now)

    with pytest.raises(Invalid) as refused:
        hold(voucher.code, checkout, amount, clock.now, field="vouchers[0]")

    assert refused.value.field == "vouchers[0].amount_cents"
    assert available(voucher) == 5000
