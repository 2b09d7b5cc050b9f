"""GET /api/v1/manager/figures: the manager's token only; the period and the one before."""
from app.figures.services import refresh_daily_figures
from app.orders.models import COLLECTED, NO_SHOW, ORDER_STATES
from tests.api.conftest import bearer, error_of
from tests.factories import make_manager, make_merchant, make_product, make_shop
from tests.figures.helpers import customer, raw_order
from tests.figures.test_figures import NOW, paris
from tests.openapi_check import validating_client

def test_manager_reads_the_figures_of_a_period_and_the_one_before(app):
    client = validating_client(app)
    shop = make_shop()
    bread = make_product(shop)
    who = customer()
    raw_order(shop, bread, who, COLLECTED, paris(2026, 11, 23, 21), lines=((400, 2, 1),))
    raw_order(shop, bread, who, NO_SHOW, paris(2026, 11, 23, 9))
    raw_order(shop, bread, who, COLLECTED, paris(2026, 11, 16, 10), lines=((400, 1, 1),))
    refresh_daily_figures(NOW)

    response = client.get("/api/v1/manager/figures?from=2026-11-18&to=2026-11-24",
                          headers=bearer(make_manager()))

    assert response.status_code == 200
    current, previous = response.json["current"], response.json["previous"]
    assert (current["from"], current["to"]) == ("2026-11-18", "2026-11-24")
    assert (previous["from"], previous["to"]) == ("2026-11-11", "2026-11-17")
    assert current["totals"]["orders"] == 2 == sum(current["totals"]["by_status"].values())
    assert set(current["totals"]["by_status"]) == set(ORDER_STATES)
    assert current["totals"]["revenue_cents"] == 400
    assert current["totals"]["no_shows"] == 1 and current["totals"]["pickups"] == 1
    assert current["evening_share"] == 50.0 and current["hours"][0][21] == 1
    assert current["shops"] == [{"shop": "boulangerie", "name": shop.name,
                                 **current["totals"]}]
    assert previous["totals"]["orders"] == 1 and previous["evening_share"] == 0.0

def test_merchant_token_is_forbidden_and_no_token_unauthorized(app):
    client = validating_client(app)
    shop = make_shop()
    assert client.get("/api/v1/manager/figures").status_code == 401
    response = client.get("/api/v1/manager/figures", headers=bearer(make_merchant(shop)))
    assert response.status_code == 403

def test_bad_period_is_422_on_its_field(app):
    client = validating_client(app)
    auth = bearer(make_manager())
    assert error_of(client.get("/api/v1/manager/figures?from=2026-11-25&to=2026-11-24",
                               headers=auth)) == (422, "invalid_period", "to")
    assert error_of(client.get("/api/v1/manager/figures?from=nope", headers=auth)) \
        == (422, "invalid_date", "from")
