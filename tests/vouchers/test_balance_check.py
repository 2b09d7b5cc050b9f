"""A shopper checks a voucher's balance at /bons/verifier (or GET /api/v1/vouchers/CODE);
guessing codes runs into the per-IP limit, and every lookup is on record."""
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.vouchers import codes
from app.vouchers.models import VoucherLookup
from tests.vouchers.helpers import checkouts, consume, hold, issue, sold_voucher
from tests.web.helpers import csrf_token, field_error, page, text

URL = "/bons/verifier"


def check(client, code, **kwargs):
    return client.post(URL, data={"csrf_token": csrf_token(page(client, URL)), "code": code},
                       **kwargs)


def read(response) -> str:
    return text(response.get_data(as_text=True))


def lookups() -> list[tuple[str, bool]]:
    return [(row.ip, row.success) for row in db.session.scalars(
        sa.select(VoucherLookup).order_by(VoucherLookup.id))]


def test_a_shopper_sees_what_is_left_on_a_voucher(app, client, clock):
    voucher = sold_voucher(clock.now, 5000, expires_on=date(2027, 6, 30))
    [checkout] = checkouts(1, clock.now)
    hold(voucher.code, checkout, 1850, clock.now)
    consume(checkout, 1850, clock.now)
    typed = codes.display(voucher.code).lower().replace("-", " ")

    response = check(client, typed)

    assert response.status_code == 200
    shown = read(response)
    assert "Solde 31,50 €" in shown
    assert "Valeur d'origine 50,00 €" in shown
    assert "Valable jusqu'au 30/06/2027" in shown and "valable" in shown
    assert codes.display(voucher.code) in shown
    assert lookups() == [("127.0.0.1", True)]


def test_an_unsold_voucher_says_so(app, client, clock):
    voucher = issue(clock.now)[0]

    shown = read(check(client, voucher.code))

    assert "pas encore vendu" in shown


def test_a_wrong_code_is_refused_next_to_the_field_and_logged(app, client, clock, caplog):
    response = check(client, "ABCD-EFGH-JKLM-NPQR")

    assert response.status_code == 404
    assert field_error(response.get_data(as_text=True), "code") == "Aucun bon ne porte ce code."
    typo = check(client, "ABCD-EFGH")
    assert typo.status_code == 422
    assert "16 caractères" in field_error(typo.get_data(as_text=True), "code")
    assert lookups() == [("127.0.0.1", False), ("127.0.0.1", False)]
    assert sum("voucher lookup failed from 127.0.0.1" in r.getMessage()
               for r in caplog.records) == 2


def test_guessing_is_stopped_after_ten_tries_per_ip(app, client, clock):
    voucher = sold_voucher(clock.now, 5000)
    for i in range(10):
        assert check(client, f"ABCD-EFGH-JKLM-{i:04d}").status_code in (404, 422)

    stopped = check(client, voucher.code)  # even the right code, now

    assert stopped.status_code == 429
    assert "Trop de vérifications de bons" in read(stopped)
    assert int(stopped.headers["Retry-After"]) > 0
    assert len(lookups()) == 10  # the refused try looked nothing up
    # The JSON API draws on the same budget.
    api = client.get(f"/api/v1/vouchers/{voucher.code}")
    assert api.status_code == 429
    assert api.json["error"]["code"] == "rate_limited"  # the contract's code for every 429
    assert "Trop de vérifications" in api.json["error"]["message"]
    # Another IP is not affected.
    other = check(client, voucher.code, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert other.status_code == 200
    assert lookups()[-1] == ("203.0.113.7", True)


def test_the_api_gives_the_balance(app, client, clock):
    voucher = sold_voucher(clock.now, 2000, expires_on=date(2027, 1, 31))

    response = client.get(f"/api/v1/vouchers/{codes.display(voucher.code).lower()}")

    assert response.status_code == 200
    assert response.json == {"code": codes.display(voucher.code), "amount_cents": 2000,
                             "available_cents": 2000, "expires_on": "2027-01-31",
                             "state": "active"}
    unknown = client.get("/api/v1/vouchers/ABCDEFGHJKLMNPQR")
    assert unknown.status_code == 404
    assert unknown.json["error"] == {"code": "unknown_voucher", "field": "code",
                                     "message": "Aucun bon ne porte ce code."}
    assert lookups() == [("127.0.0.1", True), ("127.0.0.1", False)]
