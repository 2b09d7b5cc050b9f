"""Onboarding on a 390x844 phone: the manager creates a shop (a wrong SIRET first, said on its
field), invites its merchant and copies the link; the merchant opens it, chooses a password,
lands on the shop's queue and adds a first product; the manager can then publish the shop
and shoppers see the product. axe-core finds nothing on any of these pages."""
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from tests.browser.conftest import phone_page, screenshot, sign_in
from tests.browser.test_accessibility import WCAG_AA, _report
from tests.factories import make_manager


def _axe(page, name: str) -> list:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                      "resultTypes": ["violations"]})
    return [_report(name, v) for v in result.response["violations"]]


def test_the_manager_invites_and_the_merchant_lands_on_the_queue(app, live_server, chromium):
    make_manager()
    db.session.commit()
    problems = []

    with phone_page(chromium) as manager:
        manager.goto(live_server + "/connexion")
        sign_in(manager, "manager@example.fr")
        manager.goto(live_server + "/gestion/boutiques")
        problems += _axe(manager, "shops")
        manager.get_by_test_id("new-shop").click()
        manager.get_by_label("Nom de la boutique").fill("Fromagerie <Lenoir>")
        manager.get_by_label("Identifiant dans l'adresse").fill("fromagerie-lenoir")
        manager.get_by_label("SIRET").fill("732 829 320 00075")
        manager.get_by_test_id("shop-submit").click()
        assert "SIRET invalide" in manager.locator("#siret-error").inner_text()
        problems += _axe(manager, "new shop, wrong SIRET")
        manager.get_by_label("SIRET").fill("732 829 320 00074")
        manager.get_by_test_id("shop-submit").click()
        assert manager.get_by_role("heading", level=1).inner_text() == "Fromagerie <Lenoir>"
        manager.get_by_label("E-mail du commerçant").fill("claire@example.fr")
        manager.get_by_test_id("invite").click()
        link = manager.get_by_test_id("invitation-link").input_value()
        assert link.startswith(live_server + "/invitation/")
        assert manager.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(manager, "onboarding-invitation-390")
        problems += _axe(manager, "shop with its invitation link")

    with phone_page(chromium) as merchant:
        merchant.goto(link)
        problems += _axe(merchant, "invitation")
        merchant.get_by_test_id("invitation-password").fill("un-mot-de-passe")
        merchant.get_by_test_id("invitation-confirm").fill("un-mot-de-passe")
        merchant.get_by_test_id("invitation-submit").click()
        merchant.wait_for_url(live_server + "/marchand")
        screenshot(merchant, "onboarding-queue-390")
        problems += _axe(merchant, "the new merchant's queue")
        merchant.goto(link)
        assert "déjà servi" in merchant.get_by_test_id("invitation-problem").inner_text()

        merchant.goto(live_server + "/marchand/produits/nouveau")
        merchant.get_by_test_id("name").fill("Saint-Nectaire fermier")
        merchant.get_by_test_id("price").fill("7,90")
        merchant.get_by_test_id("on-hand").fill("6")
        problems += _axe(merchant, "new product")
        merchant.get_by_test_id("add-product").click()
        merchant.wait_for_url(f"{live_server}/marchand/produits*")
        assert "Saint-Nectaire fermier" in merchant.locator("main").inner_text()

    with phone_page(chromium) as manager:
        manager.goto(live_server + "/connexion")
        sign_in(manager, "manager@example.fr")
        manager.goto(live_server + "/gestion/boutiques/fromagerie-lenoir")
        manager.get_by_test_id("publish").click()
        manager.goto(live_server + "/boutiques/fromagerie-lenoir")
        assert "Saint-Nectaire fermier" in manager.locator("main").inner_text()

    assert problems == []
