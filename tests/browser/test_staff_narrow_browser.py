"""Every staff page on a 360 px phone, in French and in English: nothing wider than the
screen (a table too wide scrolls inside its own labelled box, never the page), and axe-core
finds nothing, with a busy morning's data in every table and every <details> opened."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import WCAG_AA, _report
from tests.factories import PASSWORD
from tests.staff_town import make_staff_town, staff_pages

# How the pages look and are operated: the same on either database (tests/conftest.py).
pytestmark = pytest.mark.layout

WIDTH = 360

# What a reader could not reach without scrolling the page sideways: the page's own width,
# and every element sticking out of it (a table scrolling in its box does not).
SIDEWAYS_JS = """() => {
  const wide = [...document.querySelectorAll('body *')].filter((el) => {
    const box = el.getBoundingClientRect();
    return el.checkVisibility() && box.right > document.documentElement.clientWidth + 0.5
           && !el.closest('[role=region]');
  }).slice(0, 5).map((el) => el.outerHTML.slice(0, 100));
  return {width: document.documentElement.scrollWidth, wide};
}"""


def log_in(page, base: str, email: str, language: str) -> None:
    page.goto(base + "/connexion")
    if language == "en":
        page.get_by_test_id("lang-switch").click()
        page.wait_for_url(base + "/connexion")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill("not the password")  # a refused sign-in,
    page.get_by_test_id("login-submit").click()                      # for its page's table
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: "/connexion" not in url)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_staff_page_fits_a_360_px_phone_without_violations(
        app, live_server, chromium, clock, payments, sms, language):
    # Given a busy morning in the town, on a 360 px phone
    town = make_staff_town(clock, payments, sms)
    problems, seen = [], 0
    for who, urls in staff_pages(town).items():
        context = chromium.new_context(viewport={"width": WIDTH, "height": 740},
                                       is_mobile=True, has_touch=True, locale="fr-FR",
                                       timezone_id="Europe/Paris")
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            log_in(page, live_server, who, language)
            for url in urls:
                # When a member of staff opens each of their pages, every fold opened
                page.goto(live_server + url)
                assert page.locator("html").get_attribute("lang") == language
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                sideways = page.evaluate(SIDEWAYS_JS)
                if sideways["width"] > WIDTH:
                    problems.append(f"  [{url}] {sideways['width']} px wide: {sideways['wide']}")
                    screenshot(page, f"staff-360-{language}{url.replace('/', '-')}")
                result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                                  "resultTypes": ["violations"]})
                problems += [_report(url, v) for v in result.response["violations"]]
                seen += 1
        finally:
            context.close()

    # Then none is wider than the screen, and none breaks a WCAG 2.2 AA rule
    assert seen == sum(len(urls) for urls in staff_pages(town).values())
    assert problems == [], "\n" + "\n".join(problems)
