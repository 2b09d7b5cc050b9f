"""Each shopper page, loaded cold on a phone, weighs at most 100 KB of HTML, CSS and JS
and asks nothing of any other host."""
from urllib.parse import urlsplit

from tests.browser.conftest import walk_shopper_pages

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


def test_each_shopper_page_is_light_and_asks_no_other_host(live_server, phone, chromium,
                                                           two_shop_town):
    # Given the shopper's pages, each with the cookies of a shopper who has got that far
    server_host = urlsplit(live_server).netloc
    report, over, elsewhere = [], [], []

    def weigh(name):
        if name in NOT_RELOADABLE:
            return
        weights, hosts = _cold_load(chromium, phone.context.storage_state(), phone.url)
        total = sum(size for _, size in weights)
        report.append(f"{name}: {total} bytes " + ", ".join(
            f"{urlsplit(url).path}={size}" for url, size in weights))
        if total > BUDGET_BYTES:
            over.append(name)
        elsewhere.extend(f"{name}: {host}" for host in hosts if host != server_host)

    # When each is loaded in a fresh browser
    walk_shopper_pages(phone, live_server, two_shop_town, weigh)
    print("\n".join(report))

    # Then none weighs more than 100 KB, and no request leaves the town's server
    assert len(report) == 8
    assert not over, "Over 100 KB:\n" + "\n".join(report)
    assert not elsewhere, f"Requests to other hosts: {elsewhere}"
