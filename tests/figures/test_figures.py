"""The manager's figures: daily aggregates kept by the jobs add up to the raw orders, in
every state, over any period; the evening share; the comparison with the period before;
the page, its CSV and its SVG with a hostile shop name."""
import csv
import io
import random
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.errors import Invalid
from app.extensions import db
from app.figures import charts
from app.figures.models import DailyHourFigure, DailyShopFigure
from app.figures.services import (Period, change, compare, parse_period, period_figures,
                                  refresh_daily_figures)
from app.orders.models import (CANCELLED, COLLECTED, NO_SHOW, ORDER_STATES, PLACED)
from app.timeutil import town_tz
from tests.factories import make_manager, make_merchant, make_product, make_shop
from tests.figures.helpers import customer, direct_counts, raw_order
from tests.web.merchant_helpers import log_in

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)  # the tests' clock: Tuesday


def paris(y, m, d, h=12, minute=0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=town_tz()).astimezone(timezone.utc)


def the_totals(figures) -> dict:
    return {(row.shop_id, s): n for row in figures.shops for s, n in row.by_status.items() if n}


def test_aggregates_match_a_direct_count_for_every_state_over_any_period(app):
    rng = random.Random(13)
    shops = [make_shop(slug=f"s{i}", name=f"Shop {i}") for i in range(3)]
    products = [make_product(shop, stock=10) for shop in shops]
    people = [customer(f"+3361234560{i}") for i in range(4)]
    for _ in range(160):
        i = rng.randrange(3)
        status = rng.choice(ORDER_STATES)
        placed = NOW - timedelta(days=rng.randrange(0, 40), minutes=rng.randrange(0, 1440))
        qty = rng.randint(1, 3)
        confirmed = rng.randint(0, qty) if status == COLLECTED else None
        raw_order(shops[i], products[i], rng.choice(people), status, placed,
                  lines=((rng.choice((130, 250, 1999)), qty, confirmed), (90, 1, None)))
    # Every state appears at least once, near a day boundary in town time.
    for status in ORDER_STATES:
        raw_order(shops[0], products[0], people[0], status, paris(2026, 11, 20, 23, 59))

    assert refresh_daily_figures(NOW, days=45) == 45
    assert refresh_daily_figures(NOW, days=45) == 45  # idempotent: the same rows again

    for start, end in [(date(2026, 10, 16), date(2026, 11, 24)), (date(2026, 11, 20),) * 2,
                       (date(2026, 11, 1), date(2026, 11, 15)),
                       (date(2026, 11, 21), date(2026, 11, 24))]:
        period = Period(start, end)
        figures = period_figures(period)
        counts, revenue = direct_counts(period)
        assert the_totals(figures) == counts
        assert {row.shop_id: row.revenue_cents for row in figures.shops if row.revenue_cents} \
            == {shop: cents for shop, cents in revenue.items() if cents}
        # Totals are the sum of their states, for each shop and for the town.
        assert figures.total.orders == sum(counts.values()) == figures.placed_orders
        assert all(row.orders == sum(row.by_status.values()) for row in figures.shops)
        assert figures.total.pickups == sum(n for (s, st), n in counts.items()
                                            if st == COLLECTED)


def test_the_sweep_recomputes_recent_days_only_and_follows_state_changes(app):
    shop = make_shop()
    bread = make_product(shop)
    who = customer()
    old = raw_order(shop, bread, who, PLACED, NOW - timedelta(days=60))
    recent = raw_order(shop, bread, who, PLACED, NOW - timedelta(days=2))
    refresh_daily_figures(NOW, days=90)
    db.session.execute(sa.update(type(recent)).where(type(recent).id.in_([old.id, recent.id]))
                       .values(status=NO_SHOW))
    refresh_daily_figures(NOW, days=10)

    rows = {d: (placed, no_show) for d, placed, no_show in db.session.execute(
        sa.select(DailyShopFigure.day, DailyShopFigure.placed, DailyShopFigure.no_show))}
    assert rows == {(NOW - timedelta(days=60)).date(): (1, 0),  # older: left as it was
                    (NOW - timedelta(days=2)).date(): (0, 1)}
    assert db.session.scalar(sa.select(sa.func.sum(DailyHourFigure.orders))) == 2


def test_evening_share_counts_orders_placed_20_to_23_town_time(app):
    shop = make_shop()
    bread = make_product(shop)
    who = customer()
    for hour, minute in [(19, 59), (20, 0), (22, 59), (23, 0), (8, 30)]:
        raw_order(shop, bread, who, CANCELLED, paris(2026, 11, 23, hour, minute))
    refresh_daily_figures(NOW)

    figures = period_figures(Period(date(2026, 11, 23), date(2026, 11, 23)))

    assert figures.evening_orders == 2
    assert figures.evening_share == 40.0
    assert figures.hours[0][20] == 1 and figures.hours[0][22] == 1  # Monday
    assert period_figures(Period(date(2026, 11, 22), date(2026, 11, 22))).evening_share is None


def test_comparison_with_the_period_just_before(app):
    shop = make_shop()
    bread = make_product(shop)
    who = customer()
    for day in (17, 18, 24):  # two last week, one this week
        raw_order(shop, bread, who, COLLECTED, paris(2026, 11, day, 9),
                  lines=((500, 2, 2),))
    refresh_daily_figures(NOW)

    comparison = compare(Period(date(2026, 11, 21), date(2026, 11, 27)))

    assert comparison.previous.period == Period(date(2026, 11, 14), date(2026, 11, 20))
    assert (comparison.current.total.orders, comparison.previous.total.orders) == (1, 2)
    assert (comparison.current.total.revenue_cents,
            comparison.previous.total.revenue_cents) == (1000, 2000)
    assert change(1, 2) == -50.0 and change(3, 0) is None


@pytest.mark.parametrize("start, end, field", [
    ("2026-13-01", None, "from"), ("24/11/2026", None, "from"), (None, "1999-12-31", "to"),
    ("2026-11-24", "2026-11-23", "to"), ("2020-01-01", "2026-11-24", "from")])
def test_bad_periods_are_refused_on_their_field(app, start, end, field):
    with pytest.raises(Invalid) as refused:
        parse_period(start, end, NOW)
    assert refused.value.field == field


def test_default_period_is_the_last_seven_days(app):
    assert parse_period(None, "", NOW) == Period(date(2026, 11, 18), date(2026, 11, 24))


HOSTILE = '=HYPERLINK("http://x")<script>alert(1)</script>&"\''


def test_page_csv_and_svg_keep_a_hostile_shop_name_as_text(app, client):
    shop = make_shop(slug="hostile", name=HOSTILE)
    bread = make_product(shop)
    raw_order(shop, bread, customer(), COLLECTED, paris(2026, 11, 23, 21), lines=((700, 1, 1),))
    refresh_daily_figures(NOW)
    make_manager()
    log_in(client, "manager@example.fr")

    response = client.get("/gestion/chiffres?from=2026-11-18&to=2026-11-24")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    svg = re.search(r'<svg[^>]*data-testid="shops-chart".*?</svg>', html, re.S).group(0)
    assert "<title id=\"shops-chart-title\">" in svg and "<desc id=" in svg
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert re.search(r'data-testid="figure-orders">1<', html)
    assert 'data-testid="state-total">1<' in html

    for table, first in (("shops", "shop"), ("hours", "weekday")):
        response = client.get(f"/gestion/chiffres.csv?table={table}&from=2026-11-18"
                              "&to=2026-11-24")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert rows[0][0] == first
    rows = list(csv.reader(io.StringIO(client.get(
        "/gestion/chiffres.csv?from=2026-11-18&to=2026-11-24").get_data(as_text=True))))
    assert rows[1][0] == "'" + HOSTILE  # kept as text in a spreadsheet
    assert rows[-1][1] == "1" and rows[-1][rows[0].index("collected")] == "1"
    assert rows[-1][rows[0].index("revenue_cents")] == "700"


def test_bad_period_on_the_page_says_so_and_shows_the_last_week(app, client):
    make_manager()
    log_in(client, "manager@example.fr")
    response = client.get("/gestion/chiffres?from=hier")
    assert response.status_code == 400
    assert "AAAA-MM-JJ" in response.get_data(as_text=True)
    assert client.get("/gestion/chiffres.csv?to=x").status_code == 400


def test_a_merchant_cannot_open_the_figures(app, client):
    make_merchant(make_shop())
    log_in(client, "boulangerie@example.fr")
    assert client.get("/gestion/chiffres").status_code == 403


def test_heatmap_levels_and_bars():
    hours = [[0] * 24 for _ in range(7)]
    hours[2][10] = 8
    hours[2][11] = 1
    chart = charts.heatmap(hours, ["lundi", "mardi", "mercredi", "jeudi", "vendredi",
                                   "samedi", "dimanche"])
    fills = {r.label: r.fill for r in chart.rects}
    assert fills["mercredi 10h"] == charts.LEVELS[-1]
    assert fills["mercredi 11h"] == charts.LEVELS[1] and fills["lundi 00h"] == charts.LEVELS[0]
    bars = charts.bars([("a", 3), ("b", 0), ("c", 6)])
    assert [r.label for r in bars.rects] == ["c", "a"]
