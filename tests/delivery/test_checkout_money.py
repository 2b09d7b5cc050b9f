"""The money of a delivered basket, by the rule of the drive: the card is captured for the
confirmed amount of what was handed over, plus the fee only when the courier delivered;
the fee is the association's own line in the ledger, never in a shop's share. And the drop
goes back when the basket ends without a handover."""
import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.services import issue_token
from app.database import unit_of_work
from app.delivery.services import drops_taken
from app.extensions import db
from app.ledger.models import COMMISSION, SHARE, AssociationEntry, LedgerEntry
from app.ledger.statements import build_statements, parse_period
from app.orders import services as orders
from app.payments.models import CAPTURE, VOID, PaymentJob
from app.orders.requests import parse_checkout
from app.payments.services import captured_cents, card_due_cents
from app.pickup.models import SlotSeats
from app.pickup.services import take_seat
from tests.delivery.checkout_helpers import (courier_says, delivered_checkout,
                                             delivered_payload, request_of, town)  # noqa: F401
from tests.factories import later, make_merchant, stock_of
from tests.vouchers.helpers import sold_voucher
from tests.web.merchant_helpers import log_in, page

FEE = 490


def prepare(checkout, clock, payments, short=None):
    """Each shop confirms (a line short when asked) and marks its order ready."""
    for order in checkout.orders:
        confirmed = [(line.id, short.get(line.product_id, line.quantity) if short
                      else line.quantity) for line in order.lines]
        orders.confirm_lines(order.id, order.shop_id, confirmed, now=clock.now,
                             provider=payments)
        orders.mark_ready(order.id, order.shop_id, now=clock.now)


def hand_over(checkout, clock, payments):
    """The courier's page, after marking the request delivered: each order collected."""
    for order in checkout.orders:
        orders.collect(order.id, order.shop_id, now=clock.now, provider=payments)


def fee_entries(checkout):
    return [(entry.kind, entry.amount_cents, entry.source.split(":")[0]) for entry in
            db.session.scalars(sa.select(AssociationEntry)
                               .where(AssociationEntry.checkout_id == checkout.id))]


def shop_entries(checkout) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(LedgerEntry.kind, sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.order_id.in_([o.id for o in checkout.orders]))
        .group_by(LedgerEntry.kind))
    return dict(rows.all())


def test_delivered_captures_the_goods_and_the_fee_and_the_ledger_keeps_the_fee_apart(
        app, clock, town, payments):
    checkout = delivered_checkout(app, town, clock, payments)
    prepare(checkout, clock, payments)
    clock.set("2026-11-24T17:40:00+01:00")

    courier_says(checkout, "delivered")
    hand_over(checkout, clock, payments)

    assert captured_cents(checkout.id) == 900 + 1290 + FEE
    assert fee_entries(checkout) == [("delivery_fee", FEE, "capture")]
    shops = shop_entries(checkout)
    assert shops[SHARE] + shops[COMMISSION] == 900 + 1290  # no cent of the fee in a shop's
    statements = build_statements(parse_period("2026-11"))
    assert statements.total("gross_cents") == 900 + 1290
    assert statements.fees_cents == FEE


def test_a_short_confirmation_captures_what_was_confirmed_plus_the_fee(app, clock, town,
                                                                       payments):
    checkout = delivered_checkout(app, town, clock, payments)
    prepare(checkout, clock, payments, short={town["bread"].id: 1})
    clock.set("2026-11-24T17:40:00+01:00")

    courier_says(checkout, "delivered")
    hand_over(checkout, clock, payments)

    assert captured_cents(checkout.id) == 450 + 1290 + FEE
    assert fee_entries(checkout) == [("delivery_fee", FEE, "capture")]


def test_a_failed_delivery_charges_no_fee_and_nothing_for_goods_not_handed_over(
        app, clock, town, payments):
    checkout = delivered_checkout(app, town, clock, payments)
    prepare(checkout, clock, payments)
    clock.set("2026-11-24T19:30:00+01:00")

    courier_says(checkout, "failed")
    for order in checkout.orders:
        orders.cancel_by_shop(order.id, order.shop_id, "Personne à la porte", now=clock.now,
                              provider=payments)

    assert captured_cents(checkout.id) == 0
    job = db.session.scalar(sa.select(PaymentJob).where(PaymentJob.checkout_id == checkout.id))
    assert (job.kind, job.status) == (VOID, "done")
    assert fee_entries(checkout) == []
    # The courier went: the drop was used, it does not come back.
    assert request_of(checkout).status == "failed"
    assert drops_taken(town["window"].id, clock.now.date()) == 1


def test_goods_collected_without_the_delivery_done_are_charged_without_the_fee(
        app, clock, town, payments):
    checkout = delivered_checkout(app, town, clock, payments)
    prepare(checkout, clock, payments)
    clock.set("2026-11-24T17:40:00+01:00")

    hand_over(checkout, clock, payments)  # the request never marked delivered

    job = db.session.scalar(sa.select(PaymentJob).where(PaymentJob.checkout_id == checkout.id))
    assert (job.kind, job.amount_cents) == (CAPTURE, 900 + 1290)
    assert captured_cents(checkout.id) == 900 + 1290
    assert fee_entries(checkout) == []


def test_an_unpaid_delivered_checkout_gives_its_drop_back_when_it_expires(app, clock, town,
                                                                         payments):
    checkout = delivered_checkout(app, town, clock, payments, pay=False)
    assert drops_taken(town["window"].id, clock.now.date()) == 1

    assert orders.expire_checkout(checkout.id, now=later(clock.now, minutes=16))

    assert drops_taken(town["window"].id, clock.now.date()) == 0
    assert request_of(checkout).status == "cancelled"
    assert stock_of(town["bread"]) == 20


def test_the_drop_goes_back_once_every_order_ended_without_a_handover(app, clock, town,
                                                                      payments):
    checkout = delivered_checkout(app, town, clock, payments)
    first, second = checkout.orders

    orders.cancel_by_shopper(first.id, first.tracking_token, now=clock.now, provider=payments)
    assert drops_taken(town["window"].id, clock.now.date()) == 1  # the cheese still comes
    orders.cancel_by_shop(second.id, second.shop_id, "Plus de fourme", now=clock.now,
                          provider=payments)

    assert drops_taken(town["window"].id, clock.now.date()) == 0
    assert request_of(checkout).status == "cancelled"
    assert captured_cents(checkout.id) == 0


def test_an_expired_delivery_leaves_the_shops_pickup_seats_alone(app, clock, town, payments):
    checkout = delivered_checkout(app, town, clock, payments, pay=False)
    start = checkout.orders[0].slot_start  # 17:00, also a pickup slot of the bakery
    with unit_of_work():
        take_seat(town["bakery"], start, field="slot")  # a shopper collecting at 17:00

    orders.expire_checkout(checkout.id, now=later(clock.now, minutes=16))

    seats = db.session.scalar(sa.select(SlotSeats.taken).where(
        SlotSeats.shop_id == town["bakery"].id, SlotSeats.slot_start == start))
    assert seats == 1


def test_the_shop_sees_a_delivered_order_as_a_delivery_with_its_window(app, clock, town,
                                                                       payments):
    checkout = delivered_checkout(app, town, clock, payments)
    bakery_order = next(o for o in checkout.orders if o.shop_id == town["bakery"].id)
    make_merchant(town["bakery"])
    client = app.test_client()
    log_in(client, "boulangerie@example.fr")

    queue = page(client, "/marchand?date=2026-11-24")
    order = page(client, f"/marchand/commandes/{bakery_order.id}")

    assert 'data-testid="delivery-badge"' in queue and "17:00 – 19:00" in queue
    assert "Livraison mardi 24 novembre à 17:00 – 19:00" in order
    assert "Changer le créneau" not in order
    moved = client.post(f"/api/v1/merchant/orders/{bakery_order.id}/slot",
                        json={"slot": "2026-11-24T16:00:00+01:00"},
                        headers=_bearer(town["bakery"]))
    assert (moved.status_code, moved.json["error"]["code"]) == (409, "delivered_order")


def _bearer(shop):
    user = db.session.scalar(sa.select(User).where(User.shop_id == shop.id))
    return {"Authorization": f"Bearer {issue_token(user)}"}


def test_a_voucher_pays_the_goods_then_the_fee_and_the_fee_stays_the_associations(
        app, clock, town, payments):
    voucher = sold_voucher(clock.now, amount_cents=2500)  # goods 21.90 €, fee 4.90 €
    payload = delivered_payload(town, clock)
    payload["vouchers"] = [voucher.code]
    result = orders.create_checkout(parse_checkout(payload), now=clock.now, provider=payments,
                                    payload=payload,
                                    geocoder=app.extensions["comptoir.geocoder"])
    checkout = orders.get_checkout(result.checkout_id)
    assert card_due_cents(checkout) == 900 + 1290 + FEE - 2500
    orders.pay_checkout(checkout.id, "test_ok", now=clock.now, provider=payments)
    prepare(checkout, clock, payments)
    clock.set("2026-11-24T17:40:00+01:00")

    courier_says(checkout, "delivered")
    hand_over(checkout, clock, payments)

    assert captured_cents(checkout.id) == 900 + 1290 + FEE - 2500
    # The voucher paid the goods (21.90 €) and 3.10 € of the fee; the card the last 1.80 €.
    assert sorted(fee_entries(checkout)) == [("delivery_fee", 180, "capture"),
                                             ("delivery_fee", 310, "voucher")]
    shops = shop_entries(checkout)
    assert shops[SHARE] + shops[COMMISSION] == 900 + 1290
