"""Hole 7 of issue 12: POST /checkouts with "vouchers": [...] went round the look-up limit
(10 per 10 minutes per IP) and wrote no audit row: 30 random codes, 30 x 422. Each code a
checkout tries now counts against that same budget and is recorded in voucher_lookups."""
import secrets

import sqlalchemy as sa

from app.extensions import db
from app.vouchers import codes
from app.vouchers.models import VoucherLookup
from tests.factories import checkout_payload, make_product, make_shop
from tests.vouchers.helpers import sold_voucher
from tests.web.helpers import add_to_cart, checkout_count, checkout_form, csrf_token, page

LIMIT = 10  # COMPTOIR_VOUCHER_LOOKUP_LIMIT's default, per 10 minutes
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def random_code() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(4))


def lookups() -> list[tuple[str, bool]]:
    return [(row.ip, row.success) for row in db.session.scalars(
        sa.select(VoucherLookup).order_by(VoucherLookup.id))]


def test_thirty_random_codes_through_the_checkout_are_stopped_after_the_limit(client, clock):
    shop = make_shop()
    bread = make_product(shop, stock=50)

    answers = [client.post("/api/v1/checkouts", json={
        **checkout_payload({shop: [(bread, 1)]}, clock.now), "vouchers": [random_code()]})
        for _ in range(30)]

    assert [a.status_code for a in answers[:LIMIT]] == [422] * LIMIT
    assert {a.status_code for a in answers[LIMIT:]} == {429}
    refused = answers[-1]
    assert refused.json["error"]["code"] == "rate_limited"
    assert "Trop de vérifications de bons" in refused.json["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    assert lookups() == [("127.0.0.1", False)] * LIMIT  # one row per code tried
    # A checkout without a voucher is not a lookup: it still goes through.
    plain = client.post("/api/v1/checkouts", json=checkout_payload({shop: [(bread, 1)]},
                                                                   clock.now))
    assert plain.status_code == 201


def test_each_code_of_a_checkout_counts_and_the_balance_check_shares_the_budget(client,
                                                                                 clock):
    shop = make_shop()
    bread = make_product(shop, stock=50)
    voucher = sold_voucher(clock.now, 500)

    five = client.post("/api/v1/checkouts", json={
        **checkout_payload({shop: [(bread, 1)]}, clock.now),
        "vouchers": [random_code() for _ in range(4)] + [voucher.code]})
    assert five.status_code == 422
    assert sorted(success for _ip, success in lookups()) == [False] * 4 + [True]
    for _ in range(LIMIT - 5):
        assert client.get(f"/api/v1/vouchers/{random_code()}").status_code == 404

    assert client.get(f"/api/v1/vouchers/{voucher.code}").status_code == 429
    spent = client.post("/api/v1/checkouts", json={
        **checkout_payload({shop: [(bread, 1)]}, clock.now), "vouchers": [voucher.code]})
    assert spent.status_code == 429
    # Another address has its own budget, and the right code works there.
    other = client.post("/api/v1/checkouts", environ_base={"REMOTE_ADDR": "203.0.113.5"},
                        json={**checkout_payload({shop: [(bread, 1)]}, clock.now),
                              "vouchers": [codes.display(voucher.code)]})
    assert other.status_code == 201
    assert lookups()[-1] == ("203.0.113.5", True)


def test_the_checkout_pages_voucher_field_counts_too(client, clock):
    shop = make_shop()
    bread = make_product(shop, stock=50)
    add_to_cart(client, bread, 1)

    answers = [client.post("/commande", data=checkout_form(client, [shop],
                                                           voucher=random_code()))
               for _ in range(LIMIT + 2)]

    assert [a.status_code for a in answers[:LIMIT]] == [422] * LIMIT
    assert {a.status_code for a in answers[LIMIT:]} == {429}
    assert "Trop de vérifications de bons" in answers[-1].get_data(as_text=True)
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert len(lookups()) == LIMIT and checkout_count() == 0
    # Without a code the page still reserves.
    reserved = client.post("/commande", data=checkout_form(client, [shop]))
    assert reserved.status_code == 302


def test_redrawing_the_checkout_page_is_not_a_lookup(client, clock):
    shop = make_shop()
    bread = make_product(shop, stock=50)
    add_to_cart(client, bread, 1)
    html = page(client, "/commande")

    for _ in range(LIMIT + 2):
        redraw = client.post("/commande", data={"csrf_token": csrf_token(html),
                                                "voucher": random_code(), "use_window": "1"})
        assert redraw.status_code == 200
    assert lookups() == []
