"""The manager's figures on a 360 px phone: nothing wider than the screen (tables scroll in
their own box), the charts and a hostile shop name as text, the short lines among the
figures added since, axe-core finds nothing."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.extensions import db
from app.figures.services import refresh_daily_figures
from app.orders.models import CANCELLED, COLLECTED, NO_SHOW
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import WCAG_AA, _report
from tests.factories import make_manager, make_product, make_shop
from tests.figures.helpers import customer, raw_order
from tests.figures.test_figures import HOSTILE, NOW, paris

# How the pages look and are operated: the same on either database (tests/conftest.py).
pytestmark = pytest.mark.layout


def test_figures_fit_a_360_px_phone_without_violations(app, live_server, chromium):
    shops = [make_shop(slug="hostile", name=HOSTILE),
             make_shop(slug="epicerie-du-marche-couvert",
                       name="Épicerie fine du marché couvert et des halles")]
    who = customer()
    for i, shop in enumerate(shops):
        bread = make_product(shop)
        for hour, status in ((9, COLLECTED), (21, COLLECTED), (18, CANCELLED), (12, NO_SHOW)):
            raw_order(shop, bread, who, status, paris(2026, 11, 20 + i, hour),
                      lines=((1250, 2, 2),))
        # One line confirmed short at each shop: 1 of 3, 12,50 € a unit.
        raw_order(shop, bread, who, COLLECTED, paris(2026, 11, 20 + i, 10),
                  lines=((1250, 3, 1),))
    refresh_daily_figures(NOW)
    make_manager()
    db.session.commit()

    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR",
                                   timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server + "/connexion")
        sign_in(page, "manager@example.fr")
        page.goto(live_server + "/gestion/chiffres?from=2026-11-18&to=2026-11-24")

        assert page.get_by_test_id("figure-orders").inner_text() == "10"
        assert page.get_by_test_id("figure-short-lines").inner_text() == "2"
        short = page.get_by_test_id("short-table")
        assert HOSTILE in short.inner_text() and "50,00" in short.inner_text()
        expect(page.get_by_test_id("shopper-definition")).to_be_visible()
        expect(page.get_by_test_id("shops-chart")).to_be_visible()
        expect(page.get_by_test_id("hours-chart")).to_be_visible()
        assert HOSTILE in page.get_by_test_id("shops-table").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(page, "figures-360")
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                          "resultTypes": ["violations"]})
        assert [_report("figures", v) for v in result.response["violations"]] == []
    finally:
        context.close()
