"""The manager's voucher pages at /gestion/bons: issue a batch, record a sale, list, print."""
import re

import sqlalchemy as sa

from app.extensions import db
from app.vouchers import codes
from app.vouchers.models import Voucher, VoucherSale
from tests.factories import make_manager, make_merchant, make_shop
from tests.vouchers.helpers import checkouts, hold, issue, sold_voucher
from tests.web.helpers import field_error, text
from tests.web.merchant_helpers import csrf_token, log_in, page, submit


def as_manager(client):
    make_manager()
    log_in(client, "manager@example.fr")


def voucher_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Voucher))


def test_the_manager_issues_a_batch_and_finds_it_listed(app, client, clock):
    as_manager(client)

    response = submit(client, "/gestion/bons/emettre", "/gestion/bons/emettre",
                      {"amount": "20,50", "expires_on": "2027-12-31", "count": "3"},
                      follow_redirects=True)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "3 bons de 20,50" in text(html)
    stored = list(db.session.scalars(sa.select(Voucher)))
    assert len(stored) == 3 and {v.amount_cents for v in stored} == {2050}
    rows = re.findall(r'data-testid="voucher-row" data-code="(\w+)"', html)
    assert sorted(rows) == sorted(v.code for v in stored)
    assert text(html).count("pas encore vendu") == 3
    assert f"/gestion/bons/lots/{stored[0].batch}/imprimer" in html


def test_a_bad_batch_shows_each_error_next_to_its_field(app, client, clock):
    as_manager(client)

    response = submit(client, "/gestion/bons/emettre", "/gestion/bons/emettre",
                      {"amount": "vingt", "expires_on": "", "count": "0"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Un montant en euros" in field_error(html, "amount")
    assert field_error(html, "expires_on") == "Indiquez la date de fin de validité."
    assert field_error(html, "count") == "Entre 1 et 500 bons par lot."
    past = submit(client, "/gestion/bons/emettre", "/gestion/bons/emettre",
                  {"amount": "20", "expires_on": "2026-11-01", "count": "2"})
    assert past.status_code == 400
    assert "après aujourd'hui" in field_error(past.get_data(as_text=True), "expires_on")
    assert voucher_count() == 0


def test_a_form_without_its_token_issues_nothing(app, client, clock):
    as_manager(client)

    response = client.post("/gestion/bons/emettre",
                           data={"amount": "20", "expires_on": "2027-12-31", "count": "2"})

    assert response.status_code == 400
    assert voucher_count() == 0


def test_the_manager_records_a_sale_and_the_list_shows_the_buyer(app, client, clock):
    as_manager(client)
    voucher = issue(clock.now, 3000)[0]
    printed = codes.display(voucher.code)

    form = page(client, f"/gestion/bons/vente?code={printed}")
    assert f'value="{printed}"' in form
    response = client.post("/gestion/bons/vente", data={
        "csrf_token": csrf_token(form), "code": printed.lower(), "buyer_name": "Léa Martin",
        "paid": "30", "method": "cheque"}, follow_redirects=True)

    assert response.status_code == 200
    assert f"Vente du bon {printed} enregistrée" in text(response.get_data(as_text=True))
    sale = db.session.scalar(sa.select(VoucherSale))
    assert (sale.buyer_name, sale.paid_cents, sale.method) == ("Léa Martin", 3000, "cheque")
    listed = text(page(client, "/gestion/bons"))
    assert "Léa Martin" in listed and "valable" in listed

    again = submit(client, "/gestion/bons/vente", "/gestion/bons/vente", {
        "code": printed, "buyer_name": "Paul", "paid": "30", "method": "carte"})
    assert again.status_code == 400
    assert field_error(again.get_data(as_text=True), "code") == "Ce bon a déjà été vendu."


def test_the_list_shows_each_balance(app, client, clock):
    as_manager(client)
    voucher = sold_voucher(clock.now, 5000)
    [checkout] = checkouts(1, clock.now)
    hold(voucher.code, checkout, 1200, clock.now)

    html = page(client, "/gestion/bons")

    row = re.search(rf'data-code="{voucher.code}">(.*?)</tr>', html, re.S)[1]
    assert "38,00" in text(row) and "50,00" in text(row)


def test_the_print_page_has_the_code_and_its_qr_code_inline(app, client, clock):
    as_manager(client)
    first, second = issue(clock.now, 2500, count=2)

    single = page(client, f"/gestion/bons/{first.id}/imprimer")

    assert codes.display(first.code) in single
    assert single.count("<svg") == 1 and "xlink:href=\"http" not in single
    assert re.search(r"<svg[^>]*>.*</svg>", single, re.S)
    assert "25,00" in text(single)
    batch = page(client, f"/gestion/bons/lots/{first.batch}/imprimer")
    assert batch.count("<svg") == 2
    assert codes.display(first.code) in batch and codes.display(second.code) in batch
    assert client.get("/gestion/bons/999999/imprimer").status_code == 404
    assert client.get("/gestion/bons/lots/nope/imprimer").status_code == 404


def test_only_the_manager_opens_the_voucher_pages(app, client, clock):
    make_merchant(make_shop())
    assert client.get("/gestion/bons").status_code == 302  # to the sign-in page
    log_in(client, "boulangerie@example.fr")

    assert client.get("/gestion/bons").status_code == 403
    assert client.get("/gestion/bons/emettre").status_code == 403
