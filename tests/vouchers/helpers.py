"""Given-helpers for the voucher tests: sold vouchers and bare checkouts to hold them for."""
from datetime import date, timedelta

import sqlalchemy as sa

from app.database import unit_of_work
from app.extensions import db
from app.orders.models import Checkout, Customer
from app.vouchers import services as vouchers
from app.vouchers.models import Voucher

ACTOR = "manager@example.fr"


def issue(now, amount_cents=5000, count=1, expires_on=None):
    expires_on = expires_on or date(2027, 12, 31)
    return vouchers.issue_vouchers(count, amount_cents, expires_on, actor=ACTOR, now=now)


def sold_voucher(now, amount_cents=5000, **kwargs) -> Voucher:
    voucher = issue(now, amount_cents, **kwargs)[0]
    vouchers.record_sale(voucher.code, buyer_name="Mairie", paid_cents=amount_cents,
                         method="cheque", actor=ACTOR, now=now)
    return voucher


def checkouts(n: int, now) -> list[int]:
    """Checkouts waiting for payment (their orders do not matter to the vouchers)."""
    customer = db.session.scalar(sa.select(Customer).limit(1))
    if customer is None:
        customer = Customer(phone="+33612345678", name="Claire Dupont", created_at=now)
        db.session.add(customer)
        db.session.flush()
    rows = [Checkout(customer_id=customer.id, status="pending_payment", total_cents=10000,
                     hold_expires_at=now + timedelta(minutes=15), payment_provider="offline",
                     created_at=now) for _ in range(n)]
    db.session.add_all(rows)
    db.session.flush()
    ids = [row.id for row in rows]
    db.session.commit()  # and no read after it: on SQLite, it would hold the write lock
    return ids


def available(voucher: Voucher) -> int:
    return db.session.scalar(sa.select(Voucher.available_cents).where(Voucher.id == voucher.id))


def hold(code, checkout_id, amount, now, **kwargs) -> int:
    with unit_of_work():
        return vouchers.hold(code, checkout_id, amount, now=now, **kwargs)


def consume(checkout_id, collected, now):
    with unit_of_work():
        return vouchers.consume_for_checkout(checkout_id, collected, now=now)


def release(checkout_id, now):
    with unit_of_work():
        return vouchers.release_for_checkout(checkout_id, now=now)
