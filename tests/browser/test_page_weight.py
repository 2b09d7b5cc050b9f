"""Each shopper page, loaded cold on a phone, weighs at most 100 KB of HTML, CSS and JS
and asks nothing of any other host."""
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import on_each_shopper_page

# How the pages look and are operated: the same on either database (tests/conftest.py).
pytestmark = pytest.mark.layout

BUDGET_BYTES = 100 * 1024
CODE_TYPES = {"document", "stylesheet", "script"}
NOT_RELOADABLE = {"checkout-errors"}  # the answer to a POST: weighed as the checkout page


def _cold_load(chromium, storage_state, url: str) -> tuple[list[tuple[str, int]], list[str]]:
    """Load url in a fresh context (empty cache, same cookies): the HTML, CSS and JS as
    received (compressed size) and every host asked."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True, locale="fr-FR", storage_state=storage_state)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(url, wait_until="networkidle")
    weights = [(r.url, r.sizes()["responseBodySize"]) for r in requests
               if r.resource_type in CODE_TYPES]
    hosts = [urlsplit(r.url).netloc for r in requests]
    context.close()
    return weights, hosts


@on_each_shopper_page
def cold_weight(name, page, chromium) -> tuple[int, str, list[str]] | None:
    """The page loaded cold in a fresh browser with the shopper's cookies: its bytes of
    HTML, CSS and JS, a line for the report, and the hosts asked other than the town's."""
    if name in NOT_RELOADABLE:
        return None
    weights, hosts = _cold_load(chromium, page.context.storage_state(), page.url)
    total = sum(size for _, size in weights)
    line = f"{name}: {total} bytes " + ", ".join(f"{urlsplit(url).path}={size}"
                                                 for url, size in weights)
    server_host = urlsplit(page.url).netloc
    return total, line, [f"{name}: {host}" for host in hosts if host != server_host]


def test_each_shopper_page_is_light_and_asks_no_other_host(shopper_pages):
    # Given the shopper's pages, each with the cookies of a shopper who has got that far;
    # when each is loaded in a fresh browser
    weighed = {name: found for name, found in shopper_pages[cold_weight].items()
               if found is not None}
    report = [line for _, line, _ in weighed.values()]
    over = [name for name, (total, _, _) in weighed.items() if total > BUDGET_BYTES]
    elsewhere = [host for _, _, hosts in weighed.values() for host in hosts]
    print("\n".join(report))

    # Then none weighs more than 100 KB, and no request leaves the town's server
    assert len(report) == 8
    assert not over, "Over 100 KB:\n" + "\n".join(report)
    assert not elsewhere, f"Requests to other hosts: {elsewhere}"
