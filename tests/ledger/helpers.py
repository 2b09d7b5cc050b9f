"""Given-helpers for the money tests: orders taken through the real services up to the
capture, bank details, and the ledger read back from the database."""
import sqlalchemy as sa

from app.extensions import db
from app.ledger.models import LedgerEntry
from app.ledger.services import set_bank_details, set_commission
from app.orders import services as orders
from tests.factories import make_product, make_shop, place_order

# Real, checksum-valid test IBANs (French format) and a real BIC.
SHOP_IBAN = "FR76 3000 6000 0112 3456 7890 189"
OTHER_IBAN = "FR14 2004 1010 0505 0001 3M0 2606"
ASSOCIATION_IBAN = "FR7630004000031234567890143"
BIC = "AGRIFRPP"


def collect_all(checkout, clock, payments, short: dict | None = None):
    """Each order confirmed (`short` {line id: confirmed quantity}), then handed over;
    the capture runs when the last one ends. Returns the orders, reloaded."""
    short = short or {}
    for order in checkout.orders:
        order_id, shop_id = order.id, order.shop_id
        confirmed = [(line.id, short.get(line.id, line.quantity)) for line in order.lines]
        done = orders.confirm_lines(order_id, shop_id, confirmed, now=clock.now,
                                    provider=payments)
        if done.status == "confirmed":
            orders.collect(order_id, shop_id, now=clock.now, provider=payments)
    db.session.expire_all()
    return checkout.orders


def bakery_sale(clock, payments, *, rate_bps=500, quantities=(3, 1)):
    """3 baguettes at 1,30 € and a tart at 22,00 € (25,90 €), collected and captured."""
    shop = make_shop(commission_bps=rate_bps)
    bread = make_product(shop, "Baguette", 130)
    tart = make_product(shop, "Tarte aux myrtilles", 2200)
    lines = [(p, q) for p, q in zip((bread, tart), quantities) if q]
    checkout = place_order({shop: lines}, clock.now, payments)
    order = collect_all(checkout, clock, payments)[0]
    return shop, order


def entries(order_id=None) -> list[tuple[str, int]]:
    query = sa.select(LedgerEntry.kind, LedgerEntry.amount_cents).order_by(LedgerEntry.id)
    if order_id is not None:
        query = query.where(LedgerEntry.order_id == order_id)
    return [tuple(row) for row in db.session.execute(query)]


def bank(shop, iban=SHOP_IBAN, holder=None, rate=None):
    set_bank_details(shop.slug, iban=iban, bic=BIC, account_holder=holder or shop.name)
    if rate is not None:
        set_commission(shop.slug, rate)
