"""The association issues vouchers with unguessable codes, then records their sale."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.vouchers import codes
from app.vouchers import services as vouchers
from app.vouchers.models import ISSUE, Voucher, VoucherMovement, VoucherSale
from tests.vouchers.helpers import ACTOR, available, issue


def test_a_batch_has_unique_unguessable_codes_and_full_balances(app, clock):
    batch = issue(clock.now, amount_cents=2000, count=200)

    stored = list(db.session.scalars(sa.select(Voucher)))
    assert len(stored) == 200
    assert len({v.code for v in stored}) == 200
    assert all(len(v.code) == 16 and set(v.code) <= set(codes.ALPHABET) for v in stored)
    assert not set("IO01") & set(codes.ALPHABET)  # nothing to misread on paper
    assert {v.batch for v in stored} == {batch[0].batch}
    assert all(v.available_cents == v.amount_cents == 2000 and v.sold_at is None
               for v in stored)
    issued = db.session.scalars(sa.select(VoucherMovement).where(VoucherMovement.kind == ISSUE))
    assert sorted(m.amount_cents for m in issued) == [2000] * 200


def test_a_code_is_found_whatever_its_case_spaces_and_dashes(app, clock):
    voucher = issue(clock.now)[0]
    printed = codes.display(voucher.code)
    assert len(printed) == 19 and printed.count("-") == 3

    for typed in (printed, printed.lower(), " " + printed.replace("-", " ") + " ",
                  voucher.code.lower()):
        assert vouchers.find_voucher(typed).id == voucher.id

    with pytest.raises(NotFound) as unknown:
        vouchers.find_voucher("AAAA-AAAA-AAAA-AAAA")
    assert (unknown.value.code, unknown.value.field) == ("unknown_voucher", "code")


@pytest.mark.parametrize("count, amount, expires_on, field", [
    (0, 2000, date(2027, 1, 1), "count"),
    (501, 2000, date(2027, 1, 1), "count"),
    (10, 0, date(2027, 1, 1), "amount_cents"),
    (10, 2000, date(2026, 11, 24), "expires_on"),  # today: it would be useless at once
])
def test_a_bad_batch_is_refused_and_nothing_is_issued(app, clock, count, amount, expires_on,
                                                      field):
    with pytest.raises(Invalid) as refused:
        vouchers.issue_vouchers(count, amount, expires_on, actor=ACTOR, now=clock.now)

    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Voucher)) == 0


def test_a_sale_is_recorded_once(app, clock):
    voucher = issue(clock.now, amount_cents=5000)[0]

    sale = vouchers.record_sale(codes.display(voucher.code).lower(), buyer_name=" Léa Martin ",
                                paid_cents=5000, method="especes", actor=ACTOR, now=clock.now)

    assert (sale.buyer_name, sale.paid_cents, sale.method, sale.sold_by) == (
        "Léa Martin", 5000, "especes", ACTOR)
    db.session.expire_all()
    assert db.session.get(Voucher, voucher.id).sold_at == clock.now
    assert available(voucher) == 5000
    with pytest.raises(Conflict) as again:
        vouchers.record_sale(voucher.code, buyer_name="Paul", paid_cents=5000, method="carte",
                             actor=ACTOR, now=clock.now)
    assert (again.value.code, again.value.field) == ("voucher_sold", "code")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoucherSale)) == 1


@pytest.mark.parametrize("changes, field", [
    ({"buyer_name": "  "}, "buyer_name"),
    ({"paid_cents": -1}, "paid_cents"),
    ({"paid_cents": 5001}, "paid_cents"),
    ({"method": "bitcoin"}, "method"),
    ({"code": "ZZZZ"}, "code"),
])
def test_a_bad_sale_names_its_field_and_sells_nothing(app, clock, changes, field):
    voucher = issue(clock.now, amount_cents=5000)[0]
    sale = {"code": voucher.code, "buyer_name": "Léa", "paid_cents": 5000, "method": "cheque",
            **changes}

    with pytest.raises((Invalid, NotFound)) as refused:
        vouchers.record_sale(sale.pop("code"), **sale, actor=ACTOR, now=clock.now)

    assert refused.value.field == field
    db.session.expire_all()
    assert db.session.get(Voucher, voucher.id).sold_at is None


def test_an_expired_voucher_cannot_be_sold(app, clock):
    voucher = issue(clock.now, expires_on=date(2026, 11, 30))[0]
    clock.set("2026-12-01T09:00:00+01:00")

    with pytest.raises(Invalid) as refused:
        vouchers.record_sale(voucher.code, buyer_name="Léa", paid_cents=5000, method="cheque",
                             actor=ACTOR, now=clock.now)

    assert refused.value.code == "voucher_expired"
