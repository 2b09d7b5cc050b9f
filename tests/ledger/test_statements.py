"""Monthly payout statements: CLI, manager page, CSV; every figure from the ledger."""
import csv
import io
import re

import sqlalchemy as sa

from app.extensions import db
from app.ledger.models import COMMISSION, REFUND_COMMISSION, REFUND_SHARE, SHARE, LedgerEntry
from app.ledger.refunds import refund_order
from app.money import euros
from tests.factories import make_manager, make_merchant, make_product, make_shop, place_order
from tests.ledger.helpers import bank, collect_all
from tests.web.merchant_helpers import log_in, page, text


def november_town(clock, payments):
    """Two shops; the bakery sells 25,90 € and refunds 2,20 €; the deli sells 6,95 €."""
    bakery = make_shop("boulangerie", "Boulangerie Martin", commission_bps=500)
    deli = make_shop("charcuterie", "Charcuterie Vidal", commission_bps=1000)
    bread, tart = make_product(bakery, "Baguette", 130), make_product(bakery, "Tarte", 2200)
    ham = make_product(deli, "Jambon", 695)
    checkout = place_order({bakery: [(bread, 3), (tart, 1)], deli: [(ham, 1)]}, clock.now,
                           payments)
    orders = collect_all(checkout, clock, payments)
    bakery_order = next(o for o in orders if o.shop_id == bakery.id)
    refund_order(bakery_order.id, actor="manager:1", reason="geste", now=clock.now,
                 provider=payments, amount_cents=220)
    return bakery, deli, bakery_order


def ledger_sum(shop, *kinds) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0))
                             .where(LedgerEntry.shop_id == shop.id, LedgerEntry.kind.in_(kinds)))


def test_cli_prints_each_shops_totals_and_lines(app, runner, clock, payments):
    bakery, deli, order = november_town(clock, payments)
    bank(bakery)

    result = runner.invoke(args=["payouts", "statement", "--period", "2026-11"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Statement 2026-11"
    # 25,90 € at 5 % = 1,30 €; refund of 2,20 € leaves 23,70 € net, commission(23,70)=1,19 €.
    assert ("boulangerie: gross 25,90\u00a0€ · refunds 2,20\u00a0€ · commission 1,19\u00a0€ · "
            "net 22,51\u00a0€ (payable)") in lines
    assert ("charcuterie: gross 6,95\u00a0€ · refunds 0,00\u00a0€ · commission 0,70\u00a0€ · "
            "net 6,25\u00a0€ (not payable: pas d'IBAN)") in lines
    assert any(re.search(rf"order {order.id} refund 2,20.*commission 0,11.*share 2,09", line)
               for line in lines)
    assert lines[-1].startswith("Total: gross 32,85")


def test_cli_for_one_shop_and_a_month_without_sales(app, runner, clock, payments):
    bakery, deli, _order = november_town(clock, payments)

    one = runner.invoke(args=["payouts", "statement", "--period", "2026-11", "--shop",
                              "charcuterie", "--no-lines"])
    empty = runner.invoke(args=["payouts", "statement", "--period", "2026-12"])
    bad = runner.invoke(args=["payouts", "statement", "--period", "2026-13"])

    assert one.exit_code == 0 and "boulangerie" not in one.output
    assert "charcuterie: gross 6,95" in one.output
    assert empty.exit_code == 0 and "Total: gross 0,00" in empty.output
    assert bad.exit_code == 1 and "[period]" in bad.output


def test_the_manager_page_matches_the_database_to_the_cent(app, client, clock, payments):
    bakery, deli, _order = november_town(clock, payments)
    make_manager()
    log_in(client, "manager@example.fr")

    html = page(client, "/gestion/reversements?period=2026-11")

    for shop in (bakery, deli):
        block = html.split(f'data-slug="{shop.slug}"', 2)[-1]
        gross = ledger_sum(shop, SHARE, COMMISSION)
        refunds = ledger_sum(shop, REFUND_SHARE, REFUND_COMMISSION)
        commission = ledger_sum(shop, COMMISSION) - ledger_sum(shop, REFUND_COMMISSION)
        net = ledger_sum(shop, SHARE) - ledger_sum(shop, REFUND_SHARE)
        for testid, cents in (("shop-gross", gross), ("shop-refunds", refunds),
                              ("shop-commission", commission), ("shop-net", net)):
            assert f'data-testid="{testid}">{euros(cents)}<' in block, (shop.slug, testid)
    assert f'data-testid="total-net">{euros(2251 + 625)}<' in html
    assert "Charcuterie Vidal" in text_of_not_payable(html)


def text_of_not_payable(html: str) -> str:
    return html.split('data-testid="not-payable"', 1)[1].split("</section>", 1)[0]


def test_the_page_refuses_a_bad_period_and_merchants(app, client, clock, payments):
    make_manager()
    log_in(client, "manager@example.fr")
    response = client.get("/gestion/reversements?period=novembre")
    assert response.status_code == 400
    assert "Période invalide" in text(response)


def test_csv_download_has_one_row_per_shop_in_cents(app, client, clock, payments):
    bakery, deli, _order = november_town(clock, payments)
    bank(bakery)
    make_manager()
    log_in(client, "manager@example.fr")

    response = client.get("/gestion/reversements.csv?period=2026-11")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "reversements-2026-11.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["shop"], r["gross_cents"], r["refunds_cents"], r["commission_cents"],
             r["net_cents"], r["payable"]) for r in rows] == [
        ("boulangerie", "2590", "220", "119", "2251", "yes"),
        ("charcuterie", "695", "0", "70", "625", "no")]
    assert rows[0]["iban"] == "FR7630006000011234567890189"
    assert rows[1]["problem"] == "pas d'IBAN"


def test_a_merchant_cannot_see_the_statements(app, client, clock, payments):
    shop = make_shop()
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")
    assert client.get("/gestion/reversements").status_code == 403
