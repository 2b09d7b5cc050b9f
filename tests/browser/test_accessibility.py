"""WCAG 2.2 AA on the shopper's pages, on a phone: axe-core finds nothing, the keyboard
alone orders, and every control is big enough for a thumb."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import on_each_shopper_page

# How the pages look and are operated: the same on either database (tests/conftest.py).
pytestmark = pytest.mark.layout

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MIN_TARGET = 44  # CSS px, each way

# Every visible control and every link that is not inside running text, with its size.
# A radio or checkbox is hit through its label, so the label is what is measured.
TARGETS_JS = """() => {
  const controls = [...document.querySelectorAll(
    'button, input:not([type=hidden]), select, textarea, summary, a[href]')];
  const inRunningText = (a) => [...a.parentElement.childNodes].some(
    (n) => n !== a && n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  return controls.filter((el) => el.checkVisibility() && !el.closest('.skip-link')
                                && !(el.tagName === 'A' && inRunningText(el)))
    .map((el) => {
      const label = ['radio', 'checkbox'].includes(el.type) && el.closest('label');
      const box = (label || el).getBoundingClientRect();
      return {what: el.outerHTML.slice(0, 120), width: Math.round(box.width),
              height: Math.round(box.height)};
    });
}"""


def _report(page_name: str, violation: dict) -> str:
    nodes = "\n".join(f"      {' '.join(node['target'])}: {node['html'][:160]}"
                      for node in violation["nodes"][:5])
    return (f"  [{page_name}] {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"{nodes}")


@on_each_shopper_page
def controls_under_a_thumb(name, page, _chromium) -> list[str]:
    return [f"  [{name}] {target['width']}x{target['height']}: {target['what']}"
            for target in page.evaluate(TARGETS_JS)
            if target["width"] < MIN_TARGET or target["height"] < MIN_TARGET]


@on_each_shopper_page
def wcag_violations(name, page, _chromium) -> list[str]:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                      "resultTypes": ["violations"]})
    return [_report(name, v) for v in result.response["violations"]]


def test_axe_finds_no_wcag_violation_on_the_shopper_pages(shopper_pages):
    # Given a town of two shops; when the shopper goes from the home page to the tracking
    # page, axe-core is run on every page with the WCAG 2.0, 2.1 and 2.2 A and AA rules
    checked = shopper_pages[wcag_violations]
    problems = [problem for found in checked.values() for problem in found]

    # Then no page breaks a rule
    assert len(checked) == 9
    assert not problems, "WCAG violations:\n" + "\n".join(problems)


def test_every_control_is_big_enough_for_a_thumb(shopper_pages):
    # Given the shopper's pages at 390 px wide; when each control is measured
    measured = shopper_pages[controls_under_a_thumb]
    too_small = [target for found in measured.values() for target in found]

    # Then every button, field, select and navigation link is at least 44x44 CSS px
    assert len(measured) == 9
    assert not too_small, "Targets under 44x44 px:\n" + "\n".join(too_small)


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_keyboard_alone_adds_to_the_basket_and_reaches_the_checkout(
        live_server, chromium, two_shop_town):
    # Given a keyboard user (no touch, no mouse) on the home page
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server + "/")

    # The first Tab lands on the skip link, which takes the focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    expect(page.get_by_test_id("nav-cart")).to_be_visible()

    # When Tab and Enter open the bakery, add its first product, open the basket and go on
    _tab_to(page, f"a[href='/boutiques/{two_shop_town['bakery']}']")
    page.keyboard.press("Enter")
    page.get_by_test_id("shop-name").wait_for()
    _tab_to(page, "[data-testid=add-to-cart]")
    page.keyboard.press("Enter")
    page.get_by_test_id("cart-count").wait_for()
    assert page.get_by_test_id("cart-count").inner_text() == "1"
    _tab_to(page, "[data-testid=nav-cart]")
    page.keyboard.press("Enter")
    page.get_by_test_id("cart-shop").wait_for()
    _tab_to(page, "[data-testid=checkout-link]")
    page.keyboard.press("Enter")

    # Then the checkout is open, with the slots to choose from
    page.get_by_test_id("checkout-form").wait_for()
    assert page.url == live_server + "/commande"
    # … and the focus is visible wherever it goes: an outline is drawn
    _tab_to(page, "[data-testid=slot-radio]")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    context.close()
