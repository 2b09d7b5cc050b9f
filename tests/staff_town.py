"""A town as the staff sees it on a busy morning, for the tests that walk every staff page
(in English, on a 360 px phone): two shops with products, bank details and a merchant each,
orders in every state the queue shows, one collected (the ledger and the figures have a
line), a basket waiting for payment, SMS sent, gift vouchers issued and one sold.

Names are English on purpose: whatever French is left on an English page is the site's."""
from datetime import date
from types import SimpleNamespace

from app.extensions import db
from app.figures.services import refresh_daily_figures
from app.notify.services import flush_outbox
from app.orders import services as orders
from app.vouchers import services as vouchers
from tests.factories import make_manager, make_merchant, make_product, make_shop, place_order
from tests.ledger.helpers import bank, collect_all
from tests.web.merchant_helpers import order_at

MANAGER = "manager@example.fr"
MERCHANT = "north-bakery@example.fr"


def make_staff_town(clock, payments, sms) -> SimpleNamespace:
    now = clock.now
    north = make_shop("north-bakery", "North Bakery", address="3 Market Street",
                      phone="04 71 09 12 34")
    south = make_shop("south-deli", "South Deli", address="12 Church Lane")
    rye, seeds, bun, tart = (make_product(north, name, cents, stock=40) for name, cents in (
        ("Rye loaf", 450), ("Seeded bread with pumpkin and sunflower seeds", 520),
        ("Cinnamon bun", 180), ("Blueberry tart", 2200)))
    ham, cheese = (make_product(south, name, cents, stock=30) for name, cents in (
        ("Smoked ham", 690), ("Aged cheddar", 1250)))
    bank(north)
    make_merchant(north, MERCHANT)
    make_merchant(south)
    make_manager(MANAGER)

    waiting = [order_at(north, [(rye, 2), (bun, 6)], now, payments, slot=0,
                        name="Sam Lee", phone="06 12 34 56 01"),
               order_at(north, [(seeds, 1), (tart, 1)], now, payments, slot=1,
                        name="Alex Morgan", phone="06 12 34 56 02")]
    ready = order_at(north, [(rye, 1)], now, payments, slot=2, name="Jo Park",
                     phone="06 12 34 56 03")
    orders.confirm_lines(ready.id, north.id, [(line.id, line.quantity) for line in ready.lines],
                         now=now, provider=payments)
    orders.mark_ready(ready.id, north.id, now=now)
    collected = collect_all(place_order({north: [(tart, 1), (bun, 2)], south: [(ham, 1)]},
                                        now, payments, name="Kim Hart", phone="06 12 34 56 04"),
                            clock, payments)
    place_order({south: [(cheese, 3)]}, now, payments, pay=False, name="Pat Quinn",
                 phone="06 12 34 56 05")  # a basket held, not paid yet

    batch = vouchers.issue_vouchers(3, 2000, date(2027, 12, 31), actor=MANAGER, now=now)
    vouchers.record_sale(batch[0].code, buyer_name="Town Hall", paid_cents=2000,
                         method="cheque", actor=MANAGER, now=now)
    db.session.commit()
    flush_outbox(sms, now)
    refresh_daily_figures(now)
    db.session.commit()  # end the read transaction: SQLite's write lock must be free
    return SimpleNamespace(north=north, south=south, waiting=waiting, ready=ready,
                           collected=collected, batch=batch[0].batch)


def staff_pages(town) -> dict[str, list[str]]:
    """Every staff page, by who sees it."""
    order = town.waiting[0].id
    return {
        MERCHANT: ["/marchand", f"/marchand/commandes/{order}",
                   f"/marchand/commandes/{town.ready.id}", "/marchand/produits",
                   "/marchand/produits/nouveau", "/marchand/import", "/marchand/reglages"],
        MANAGER: ["/gestion", "/gestion/boutiques", "/gestion/boutiques/north-bakery",
                  "/gestion/boutiques/nouvelle", "/gestion/chiffres", "/gestion/sms",
                  "/gestion/paniers", "/gestion/connexions", "/gestion/bons",
                  f"/gestion/bons?lot={town.batch}", "/gestion/bons/emettre",
                  "/gestion/bons/vente", f"/gestion/bons/lots/{town.batch}/imprimer",
                  "/bons/verifier", "/gestion/reversements",
                  f"/gestion/commandes/{town.collected[0].id}",
                  "/gestion/boutiques/north-bakery/banque"],
    }
