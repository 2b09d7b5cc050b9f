"""The figures added by issue 13, item 7, from orders, vouchers and SMS made through the real
services: short lines, vouchers sold and spent, SMS and their cost, returning shoppers; each
per shop adding up to the town's total, compared with a direct count; their CSV tables, the
page and the API."""
import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.database import unit_of_work
from app.extensions import db
from app.figures.models import DailyShopFigure, DailyShopper, FiguresState
from app.figures.services import (FIGURES_VERSION, RECENT_DAYS, Period, compare,
                                  period_figures, refresh_daily_figures)
from app.ledger.models import LedgerEntry
from app.notify.delivery import record_delivery_status
from app.notify.figures import ATTEMPTED
from app.notify.models import NOT_TOLD, SmsMessage
from app.notify.services import flush_outbox, queue_sms
from app.orders import services as orders
from app.orders.models import CANCELLED, ORDER_STATES, Order
from app.orders.requests import parse_checkout
from app.orders.services import expire_checkout
from app.timeutil import day_bounds
from tests.api.conftest import bearer
from tests.factories import checkout_payload, make_manager, make_product, make_shop
from tests.figures.test_figures import HOSTILE, NOW, paris
from tests.openapi_check import validating_client
from tests.vouchers.helpers import sold_voucher
from tests.web.merchant_helpers import log_in

WEEK = Period(date(2026, 11, 18), date(2026, 11, 24))
ANNE, BRUNO, CHLOE = "06 11 11 11 11", "06 22 22 22 22", "06 33 33 33 33"


class Town:
    """Two shops and their week, each step through the services at its own instant."""

    def __init__(self, payments, sms):
        self.payments, self.sms = payments, sms
        self.bakery = make_shop("boulangerie", "Boulangerie Martin")
        self.butcher = make_shop("boucherie", "Boucherie Vidal")
        self.bread = make_product(self.bakery, "Pain", 250, stock=100)
        self.cake = make_product(self.bakery, "Tarte", 1200, stock=100)
        self.roast = make_product(self.butcher, "Rôti", 2000, stock=100)

    def order(self, when, lines, phone, *, vouchers=(), pay=True):
        payload = checkout_payload(lines, when, phone=phone)
        payload["vouchers"] = list(vouchers)
        result = orders.create_checkout(parse_checkout(payload), now=when,
                                        provider=self.payments, payload=payload)
        if pay:
            orders.pay_checkout(result.checkout.id, "test_ok", now=when,
                                provider=self.payments)
        self.flush(when)
        return result.checkout

    def orders_of(self, checkout) -> dict:
        return {o.shop_id: o.id for o in db.session.scalars(
            sa.select(Order).where(Order.checkout_id == checkout.id))}

    def hand_over(self, order_id, when, keep=None):
        """The shop confirms (keep: {product id: units}, default all), prepares, hands over."""
        order = db.session.get(Order, order_id)
        keep = keep or {}
        orders.confirm_lines(order_id, order.shop_id,
                             [(line.id, keep.get(line.product_id, line.quantity))
                              for line in order.lines], now=when, provider=self.payments)
        orders.mark_ready(order_id, order.shop_id, now=when)
        orders.collect(order_id, order.shop_id, now=when, provider=self.payments)
        self.flush(when)

    def flush(self, when):
        flush_outbox(self.sms, when + timedelta(hours=1))


@pytest.fixture
def town(app, payments, sms):
    """Anne ordered at the bakery before the week; in the week, again (bakery: returning)
    and for the first time at the butcher's (returning to the town, new to the butcher);
    Bruno's first and second orders are both in the week (new), the bakery short of bread
    on the first; Chloé only left a basket unpaid before (new). Vouchers: one sold before
    the week, two in it, one spent on Anne's basket at both shops. One SMS undelivered,
    one of the association."""
    t = Town(payments, sms)
    first = t.order(paris(2026, 11, 10, 10), {t.bakery: [(t.bread, 1)]}, ANNE)
    t.hand_over(t.orders_of(first)[t.bakery.id], paris(2026, 11, 10, 15))
    basket = t.order(paris(2026, 11, 12, 10), {t.butcher: [(t.roast, 1)]}, CHLOE, pay=False)
    expire_checkout(basket.id, now=paris(2026, 11, 12, 11))
    sold_voucher(paris(2026, 11, 10, 9), 1000)

    voucher = sold_voucher(paris(2026, 11, 18, 9), 5000)
    sold_voucher(paris(2026, 11, 18, 9, 30), 2000)
    anne = t.order(paris(2026, 11, 19, 10), {t.bakery: [(t.cake, 1)], t.butcher: [(t.roast, 1)]},
                   ANNE, vouchers=[voucher.code])
    for order_id in t.orders_of(anne).values():
        t.hand_over(order_id, paris(2026, 11, 19, 16))
    bruno = t.order(paris(2026, 11, 19, 11), {t.bakery: [(t.bread, 2), (t.cake, 1)]}, BRUNO)
    t.hand_over(t.orders_of(bruno)[t.bakery.id], paris(2026, 11, 19, 17),
                keep={t.bread.id: 1})
    t.order(paris(2026, 11, 20, 10), {t.bakery: [(t.cake, 1)]}, BRUNO)  # bread: sold out
    t.order(paris(2026, 11, 21, 10), {t.butcher: [(t.roast, 1)]}, CHLOE)
    undelivered = db.session.scalar(sa.select(SmsMessage).where(SmsMessage.status == "sent")
                                    .order_by(SmsMessage.id.desc()).limit(1))
    record_delivery_status(provider_ref=undelivered.provider_ref,
                           provider_status="undelivered", error_code="30005",
                           message_id=undelivered.id, now=paris(2026, 11, 21, 12))
    with unit_of_work():
        queue_sms(to="+33611111111", body="Marché de Noël samedi ! STOP au 36111",
                  kind="promo", dedupe_key="campaign:1:+33611111111", shop_id=None,
                  now=paris(2026, 11, 23, 10))  # a Monday: promotions go out
    t.flush(paris(2026, 11, 23, 10))
    refresh_daily_figures(NOW)
    return t


def direct_sms(period: Period) -> dict:
    """{shop id or None: (sent, segments, failed)} over the outbox, as /gestion/sms counts."""
    start, end = day_bounds(period.start)[0], day_bounds(period.end)[1]
    at = sa.func.coalesce(SmsMessage.sent_at, SmsMessage.created_at)
    return {shop: (n, int(segments), int(failed)) for shop, n, segments, failed in
            db.session.execute(
                sa.select(SmsMessage.shop_id, sa.func.count(), sa.func.sum(SmsMessage.segments),
                          sa.func.sum(sa.case((SmsMessage.status.in_(NOT_TOLD), 1), else_=0)))
                .where(SmsMessage.status.in_(ATTEMPTED), at >= start, at < end)
                .group_by(SmsMessage.shop_id))}


def test_short_lines_vouchers_and_shoppers_of_the_week(town):
    figures = period_figures(WEEK, segment_price_cents=7)
    bakery, butcher = (next(r for r in figures.shops if r.shop_id == shop.id)
                       for shop in (town.bakery, town.butcher))

    # Bruno's bread: 2 ordered, 1 found.
    assert (bakery.short_lines, bakery.short_cents) == (1, 250)
    assert (butcher.short_lines, figures.total.short_lines, figures.total.short_cents) \
        == (0, 1, 250)
    # Two vouchers sold in the week (the one before it is not); Anne's 32 € spent at each
    # shop for what it handed over.
    assert (figures.vouchers_sold, figures.vouchers_sold_cents, figures.vouchers_paid_cents) \
        == (2, 7000, 7000)
    assert (bakery.vouchers_spent_cents, butcher.vouchers_spent_cents) == (1200, 2000)
    assert figures.total.vouchers_spent_cents == 3200 == db.session.scalar(
        sa.select(sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.source.like("voucher:%")))
    # Bakery: Anne (ordered there before) and Bruno (first order in the week, then a second);
    # butcher: Anne and Chloé, both new there; the town: Anne returning, Bruno and Chloé not
    # (Chloé's earlier basket was never paid).
    assert (bakery.shoppers, bakery.returning_shoppers, bakery.returning_share) == (2, 1, 50.0)
    assert (butcher.shoppers, butcher.returning_shoppers) == (2, 0)
    assert (figures.total.shoppers, figures.total.returning_shoppers,
            figures.total.returning_share) == (3, 1, 33.3)


def test_sms_per_sender_add_up_to_the_outbox_and_cost_segments_times_the_price(town):
    figures = period_figures(WEEK, segment_price_cents=7)
    direct = direct_sms(WEEK)
    rows = {row.shop_id: row for row in figures.shops}

    assert {shop: (rows[shop].sms_sent, rows[shop].sms_segments, rows[shop].sms_failed)
            for shop in (town.bakery.id, town.butcher.id)} == \
        {shop: direct.get(shop, (0, 0, 0)) for shop in (town.bakery.id, town.butcher.id)}
    association = figures.association
    assert (association.sms_sent, association.sms_segments, association.sms_failed) \
        == direct[None] == (1, 1, 0)
    total = figures.total
    assert total.sms_sent == sum(n for n, _s, _f in direct.values()) > 4
    assert total.sms_failed == 1
    assert total.sms_cost_cents == 7 * total.sms_segments \
        == sum(row.sms_cost_cents for row in [*figures.shops, association])
    assert period_figures(WEEK, segment_price_cents=10).total.sms_cost_cents \
        == 10 * total.sms_segments


def test_per_shop_rows_add_up_to_the_total_over_every_state(town):
    # A week with every kind of end: one cancelled by the shop, one expired basket.
    cancelled = town.order(paris(2026, 11, 23, 10), {town.bakery: [(town.cake, 1)]}, BRUNO)
    orders.cancel_by_shop(town.orders_of(cancelled)[town.bakery.id], town.bakery.id,
                          "Fermé pour inventaire", now=paris(2026, 11, 23, 11),
                          provider=town.payments)
    basket = town.order(paris(2026, 11, 23, 12), {town.butcher: [(town.roast, 1)]}, ANNE,
                        pay=False)
    expire_checkout(basket.id, now=paris(2026, 11, 23, 13))
    refresh_daily_figures(NOW, days=RECENT_DAYS)

    for period in (WEEK, Period(date(2026, 11, 1), date(2026, 11, 24)),
                   Period(date(2026, 11, 10), date(2026, 11, 10))):
        figures = period_figures(period, segment_price_cents=7)
        for name in ("short_lines", "short_cents", "vouchers_spent_cents", "sms_sent",
                     "sms_segments", "sms_failed", "sms_cost_cents", "revenue_cents"):
            assert getattr(figures.total, name) == sum(
                getattr(row, name) for row in [*figures.shops, figures.association]), name
        for state in ORDER_STATES:
            assert figures.total.by_status[state] == sum(r.by_status[state]
                                                         for r in figures.shops)
        # Shoppers: each once in the town, in each shop they ordered at.
        assert figures.total.shoppers <= sum(r.shoppers for r in figures.shops)
        assert figures.total.returning_shoppers <= figures.total.shoppers
    week = period_figures(WEEK)
    assert week.total.by_status[CANCELLED] == 1 and week.total.by_status["expired"] == 1


def test_a_cancelled_orders_sms_still_count_as_sent(app, payments, sms):
    t = Town(payments, sms)
    checkout = t.order(paris(2026, 11, 23, 10), {t.bakery: [(t.bread, 1)]}, ANNE)
    refresh_daily_figures(NOW)
    before = period_figures(WEEK).total.sms_sent
    order_id = t.orders_of(checkout)[t.bakery.id]

    orders.cancel_by_shop(order_id, t.bakery.id, "Four en panne", now=paris(2026, 11, 23, 11),
                          provider=payments)
    t.flush(paris(2026, 11, 23, 11))
    refresh_daily_figures(NOW, days=RECENT_DAYS)

    sent = db.session.scalar(sa.select(sa.func.count()).select_from(SmsMessage).where(
        SmsMessage.order_id == order_id, SmsMessage.status.in_(ATTEMPTED)))
    assert before >= 1
    assert period_figures(WEEK).total.sms_sent == sent > before


def test_a_first_order_in_the_period_is_not_returning_and_the_next_period_sees_it(
        app, payments, sms):
    t = Town(payments, sms)
    t.order(paris(2026, 11, 19, 10), {t.bakery: [(t.bread, 1)]}, ANNE)
    t.order(paris(2026, 11, 20, 10), {t.bakery: [(t.bread, 1)]}, ANNE)
    t.order(paris(2026, 11, 23, 10), {t.butcher: [(t.roast, 1)]}, ANNE)
    refresh_daily_figures(NOW)

    week = period_figures(WEEK)
    assert (week.total.shoppers, week.total.returning_shoppers) == (1, 0)
    # From the 20th: she had ordered on the 19th, at the bakery (not at the butcher's).
    later = period_figures(Period(date(2026, 11, 20), date(2026, 11, 24)))
    rows = {r.shop_id: r for r in later.shops}
    assert (later.total.shoppers, later.total.returning_shoppers) == (1, 1)
    assert (rows[t.bakery.id].returning_shoppers, rows[t.butcher.id].returning_shoppers) \
        == (1, 0)


def test_a_period_without_data_shows_zeros(app, client):
    make_shop()
    refresh_daily_figures(NOW)
    figures = period_figures(Period(date(2030, 1, 1), date(2030, 1, 31)))
    total = figures.total
    assert (total.shoppers, total.returning_shoppers, total.returning_share) == (0, 0, None)
    assert (total.short_lines, total.vouchers_spent_cents, total.sms_sent,
            total.sms_cost_cents, figures.vouchers_sold) == (0, 0, 0, 0, 0)

    make_manager()
    log_in(client, "manager@example.fr")
    response = client.get("/gestion/chiffres?from=2030-01-01&to=2030-01-31")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="figure-returning">0<' in html
    assert 'data-testid="figure-sms-sent">0<' in html
    for table in ("short_lines", "vouchers", "shoppers", "sms", "totals"):
        rows = list(csv.reader(io.StringIO(client.get(
            f"/gestion/chiffres.csv?table={table}&from=2030-01-01&to=2030-01-31")
            .get_data(as_text=True))))
        assert rows[-1][1] in ("0", "", "Total") or rows[-1][0] == "sms_segment_price_cents"


def test_the_sweep_after_the_upgrade_rebuilds_every_day_once(app, payments, sms):
    t = Town(payments, sms)
    t.order(paris(2026, 8, 4, 10), {t.bakery: [(t.bread, 1)]}, ANNE)  # 112 days before
    t.order(paris(2026, 11, 19, 10), {t.bakery: [(t.bread, 1)]}, ANNE)

    assert refresh_daily_figures(NOW) == 113  # no figures_state yet: from the first order
    assert db.session.get(FiguresState, 1).version == FIGURES_VERSION
    figures = period_figures(WEEK)
    assert (figures.total.shoppers, figures.total.returning_shoppers) == (1, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DailyShopper)) == 2
    # Then, the same day, only what was touched since; the next day's first, 45 days.
    assert refresh_daily_figures(NOW + timedelta(minutes=1)) == 1
    assert refresh_daily_figures(NOW + timedelta(days=1)) == RECENT_DAYS


def test_the_jobs_sweep_recomputes_the_days_touched_since_its_last_run(app, payments, sms):
    """Each step happens after the sweep before it, as in the town: the sweep finds the
    order placed since, the older order whose state moved, the older SMS reported
    undelivered, and recomputes from the first day touched."""
    t = Town(payments, sms)
    monday = t.order(paris(2026, 11, 16, 10), {t.bakery: [(t.cake, 1)]}, ANNE)
    thursday = t.order(paris(2026, 11, 19, 10), {t.butcher: [(t.roast, 1)]}, BRUNO)
    sweep = paris(2026, 11, 24, 9)
    assert refresh_daily_figures(sweep) == RECENT_DAYS  # the first: no figures_state yet
    sweep += timedelta(minutes=5)
    assert refresh_daily_figures(sweep) == 1  # nothing happened: today only

    # A new order today: still today only, and it is counted.
    t.order(sweep + timedelta(minutes=1), {t.bakery: [(t.cake, 1)]}, CHLOE)
    sweep += timedelta(hours=3)  # sweeps run every 30 s; further apart than TOUCH_MARGIN here
    assert refresh_daily_figures(sweep) == 1
    assert period_figures(Period(date(2026, 11, 24), date(2026, 11, 24))).total.orders == 1

    # Monday's order collected now, short of nothing; Thursday's SMS reported undelivered.
    t.hand_over(t.orders_of(monday)[t.bakery.id], sweep + timedelta(minutes=1))
    sweep += timedelta(hours=3)
    assert refresh_daily_figures(sweep) == 9  # from Monday 16th to today
    monday_figures = period_figures(Period(date(2026, 11, 16), date(2026, 11, 16)))
    assert monday_figures.total.pickups == 1 and monday_figures.total.revenue_cents == 1200

    message = db.session.scalar(sa.select(SmsMessage).where(
        SmsMessage.order_id == t.orders_of(thursday)[t.butcher.id]).limit(1))
    record_delivery_status(provider_ref=message.provider_ref, provider_status="undelivered",
                           error_code="30005", message_id=message.id,
                           now=sweep + timedelta(minutes=1))
    sweep += timedelta(hours=3)
    assert refresh_daily_figures(sweep) == 6  # from Thursday 19th
    assert period_figures(WEEK).total.sms_failed == 1


def test_csv_tables_keep_a_hostile_shop_name_as_text_and_add_up(app, client, payments, sms):
    t = Town(payments, sms)
    hostile = make_shop("hostile", HOSTILE)
    pie = make_product(hostile, "Tourte", 900, stock=10)
    checkout = t.order(paris(2026, 11, 19, 10), {hostile: [(pie, 3)]}, ANNE)
    t.hand_over(t.orders_of(checkout)[hostile.id], paris(2026, 11, 19, 15),
                keep={pie.id: 1})
    refresh_daily_figures(NOW)
    make_manager()
    log_in(client, "manager@example.fr")

    tables = {}
    for table in ("short_lines", "vouchers", "shoppers", "sms", "totals"):
        response = client.get(f"/gestion/chiffres.csv?table={table}&from=2026-11-18"
                              "&to=2026-11-24")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        tables[table] = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    short = tables["short_lines"]
    assert short[0] == ["shop", "short_lines", "short_cents", "previous_short_lines",
                        "previous_short_cents"]
    by_name = {row[0]: row for row in short[1:]}
    assert by_name["'" + HOSTILE][1:3] == ["1", "1800"]  # kept as text in a spreadsheet
    assert by_name["Total"][1:3] == ["1", "1800"]
    assert sum(int(row[1]) for row in short[1:-1]) == int(short[-1][1])
    sms_rows = tables["sms"]
    assert [row[0] for row in sms_rows[-2:]] == ["Association", "Total"]
    assert sum(int(row[1]) for row in sms_rows[1:-1]) == int(sms_rows[-1][1]) > 0
    shoppers = {row[0]: row for row in tables["shoppers"][1:]}
    assert shoppers["'" + HOSTILE][1:4] == ["1", "0", "0.0"]
    totals = {row[0]: row[1:] for row in tables["totals"][1:]}
    assert totals["short_cents"] == ["1800", "0"] and totals["shoppers"] == ["1", "0"]
    assert totals["sms_segment_price_cents"] == ["7", "7"]

    html = client.get("/gestion/chiffres?from=2026-11-18&to=2026-11-24").get_data(as_text=True)
    assert "<script>alert" not in html
    assert 'data-testid="figure-short-lines">1<' in html
    assert 'data-testid="shopper-definition"' in html


def test_api_gives_the_new_figures_added_to_the_old(app, town):
    client = validating_client(app)
    response = client.get("/api/v1/manager/figures?from=2026-11-18&to=2026-11-24",
                          headers=bearer(make_manager()))

    assert response.status_code == 200
    current = response.json["current"]
    assert (current["vouchers_sold"], current["vouchers_sold_cents"]) == (2, 7000)
    assert current["totals"]["short_cents"] == 250
    assert (current["totals"]["shoppers"], current["totals"]["returning_shoppers"],
            current["totals"]["returning_share"]) == (3, 1, 33.3)
    assert current["association_sms"]["sms_sent"] == 1
    assert current["sms_segment_price_cents"] == 7
    assert current["totals"]["sms_cost_cents"] == 7 * current["totals"]["sms_segments"]
    shops = {row["shop"]: row for row in current["shops"]}
    assert shops["boulangerie"]["vouchers_spent_cents"] == 1200
    assert sum(row["sms_sent"] for row in current["shops"]) \
        + current["association_sms"]["sms_sent"] == current["totals"]["sms_sent"]
    # The week before (11th-17th): only Chloé's basket, never paid: nobody.
    assert response.json["previous"]["totals"]["shoppers"] == 0
    assert compare(WEEK, 7).previous.total.returning_shoppers == 0
    assert db.session.scalar(sa.select(sa.func.sum(DailyShopFigure.short_lines))) == 1
