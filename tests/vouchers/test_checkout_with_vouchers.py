"""Paying with the town's gift vouchers: the voucher pays first, the card the rest, and
only for what was handed over; the ledger owes the shops their voucher-paid sales."""
import sqlalchemy as sa

from app.catalog.models import Product
from app.extensions import db
from app.jobs.sweeps import run_once
from app.ledger.models import LedgerEntry
from app.orders import services as orders
from app.orders.models import Checkout, Order
from app.payments.models import PaymentTransaction
from app.vouchers.models import Voucher
from tests.factories import checkout_payload, later, make_product, make_shop
from tests.vouchers.helpers import sold_voucher


def _basket(app):
    bakery, butcher = make_shop("boulangerie"), make_shop("boucherie", "Boucherie Vidal")
    cake = make_product(bakery, "Tarte aux myrtilles", 3000, stock=5)
    roast = make_product(butcher, "Rôti de porc (1 kg)", 4000, stock=5)
    return bakery, butcher, cake, roast


def _checkout(client, clock, lines, voucher_codes):
    body = checkout_payload(lines, clock.now)
    body["vouchers"] = voucher_codes
    return client.post("/api/v1/checkouts", json=body)


def _hand_over(order_id, shop_id, clock, payments, keep=None):
    """The shop confirms (`keep` units of each line, default all), prepares, hands over."""
    order = db.session.get(Order, order_id)
    confirmed = [(line.id, line.quantity if keep is None else keep) for line in order.lines]
    orders.confirm_lines(order_id, shop_id, confirmed, now=clock.now, provider=payments)
    if keep != 0:
        orders.mark_ready(order_id, shop_id, now=clock.now)
        orders.collect(order_id, shop_id, now=clock.now, provider=payments)


def _available(code):
    return db.session.scalar(sa.select(Voucher.available_cents).where(Voucher.code == code))


def _money(kind):
    return db.session.execute(sa.select(PaymentTransaction.amount_cents, PaymentTransaction.status)
                              .where(PaymentTransaction.kind == kind)).all()


def _sales_by_source(order_id):
    return dict(db.session.execute(
        sa.select(LedgerEntry.source, sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.order_id == order_id).group_by(LedgerEntry.source)).all())


def test_a_voucher_pays_first_and_the_card_only_the_rest_of_what_was_collected(
        app, client, clock, payments):
    bakery, butcher, cake, roast = _basket(app)
    voucher = sold_voucher(clock.now, 5000)

    # Given a 70 € basket and a 50 € voucher: the card is asked for 20 €
    created = _checkout(client, clock, {bakery: [(cake, 1)], butcher: [(roast, 1)]},
                        [voucher.code.lower()])
    assert created.status_code == 201, created.json
    assert created.json["vouchers_cents"] == 5000
    assert created.json["payment"]["card_cents"] == 2000
    paid = client.post(f"/api/v1/checkouts/{created.json['id']}/pay",
                       json={"payment_method": "test_ok"})
    assert paid.status_code == 200
    assert [c for c in payments.calls if c[0] == "authorize"][-1][2] == 2000

    # When the bakery hands over its 30 € tart and the butcher has no roast after all
    by_shop = {o["shop"]: o["id"] for o in created.json["orders"]}
    _hand_over(by_shop["boulangerie"], bakery.id, clock, payments)
    _hand_over(by_shop["boucherie"], butcher.id, clock, payments, keep=0)

    # Then the voucher pays the 30 € collected, keeps 20 €, and the card is charged nothing
    assert _available(voucher.code) == 2000
    assert _money("capture") == []
    assert _money("void") == [(0, "succeeded")]
    assert _sales_by_source(by_shop["boulangerie"]) == {f"voucher:{created.json['id']}": 3000}


def _all_collected_with_a_50_euro_voucher(app, client, clock, payments):
    """A 30 € tart and a 40 € roast paid with a 50 € voucher and the card; both handed over."""
    bakery, butcher, cake, roast = _basket(app)
    voucher = sold_voucher(clock.now, 5000)
    created = _checkout(client, clock, {bakery: [(cake, 1)], butcher: [(roast, 1)]},
                        [voucher.code])
    client.post(f"/api/v1/checkouts/{created.json['id']}/pay", json={"payment_method": "test_ok"})
    by_shop = {o["shop"]: o["id"] for o in created.json["orders"]}
    _hand_over(by_shop["boulangerie"], bakery.id, clock, payments)
    _hand_over(by_shop["boucherie"], butcher.id, clock, payments)
    return bakery, voucher, created.json["id"], by_shop


def test_the_card_pays_what_the_voucher_does_not_cover(app, client, clock, payments):
    bakery, voucher, checkout_id, by_shop = _all_collected_with_a_50_euro_voucher(
        app, client, clock, payments)

    assert _available(voucher.code) == 0
    assert _money("capture") == [(2000, "succeeded")]
    # The bakery's order came first: the voucher paid it all, then 20 € of the roast.
    assert _sales_by_source(by_shop["boulangerie"]) == {f"voucher:{checkout_id}": 3000}
    capture_id = db.session.scalar(sa.select(PaymentTransaction.id)
                                   .where(PaymentTransaction.kind == "capture"))
    assert _sales_by_source(by_shop["boucherie"]) == {f"voucher:{checkout_id}": 2000,
                                                      f"capture:{capture_id}": 2000}
    # Only card money can go back to a card.
    refund = client.post(f"/api/v1/merchant/orders/{by_shop['boulangerie']}/refunds",
                         json={"amount_cents": 100, "reason": "tarte abîmée"},
                         headers=_merchant_auth(client, bakery))
    assert refund.status_code == 409, refund.json


def _merchant_auth(client, shop):
    from tests.factories import PASSWORD, make_merchant
    make_merchant(shop)
    token = client.post("/api/v1/auth/token", json={"email": f"{shop.slug}@example.fr",
                                                    "password": PASSWORD}).json["token"]
    return {"Authorization": f"Bearer {token}"}


def test_vouchers_covering_everything_need_no_card(app, client, clock, payments):
    bakery, butcher, cake, roast = _basket(app)
    first, second = sold_voucher(clock.now, 5000), sold_voucher(clock.now, 5000)
    created = _checkout(client, clock, {bakery: [(cake, 1)], butcher: [(roast, 1)]},
                        [first.code, second.code])
    assert created.json["payment"] == {"provider": "voucher", "card_cents": 0}

    paid = client.post(f"/api/v1/checkouts/{created.json['id']}/pay", json={"payment_method": "-"})
    assert paid.status_code == 200 and paid.json["status"] == "placed"
    assert [c for c in payments.calls if c[0] == "authorize"] == []

    by_shop = {o["shop"]: o["id"] for o in created.json["orders"]}
    _hand_over(by_shop["boulangerie"], bakery.id, clock, payments)
    _hand_over(by_shop["boucherie"], butcher.id, clock, payments)
    assert _money("capture") == [] and _money("void") == []
    assert sorted([_available(first.code), _available(second.code)]) == [0, 3000]
    owed = db.session.scalar(sa.select(sa.func.sum(LedgerEntry.amount_cents)))
    assert owed == 7000  # shares + commissions: the two sales, in full


def test_an_expired_hold_gives_the_voucher_back(app, client, clock, payments, sms):
    bakery, _, cake, _ = _basket(app)
    voucher = sold_voucher(clock.now, 5000)
    created = _checkout(client, clock, {bakery: [(cake, 1)]}, [voucher.code])
    assert _available(voucher.code) == 2000

    run_once(later(clock.now, minutes=16), sms=sms, payments=payments)

    assert db.session.get(Checkout, created.json["id"]).status == "expired"
    assert _available(voucher.code) == 5000


def test_a_wrong_voucher_code_is_named_and_nothing_is_held(app, client, clock):
    bakery, _, cake, _ = _basket(app)
    answer = _checkout(client, clock, {bakery: [(cake, 1)]}, ["ABCD-EFGH-JKLM-NPQR"])

    assert answer.status_code == 422
    assert answer.json["error"]["field"] == "vouchers[0].code"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Checkout)) == 0
    assert db.session.scalar(sa.select(Product.stock).where(Product.id == cake.id)) == 5


def test_the_months_statement_shows_what_vouchers_paid_each_shop(app, client, clock, payments,
                                                                 runner):
    _all_collected_with_a_50_euro_voucher(app, client, clock, payments)

    out = runner.invoke(args=["payouts", "statement", "--period", "2026-11", "--no-lines"]).output

    assert "boulangerie: gross 30,00\u00a0€ (vouchers 30,00\u00a0€)" in out
    assert "boucherie: gross 40,00\u00a0€ (vouchers 20,00\u00a0€)" in out
