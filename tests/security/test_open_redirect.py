"""Hole 3 of issue 12: GET /langue/en?next=/%09/evil.com answered Location: //evil.com, and a
line break in `next` was a 500. Every hostile `next` now lands on the fallback, on this site."""
from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import g

from app.redirects import same_site
from tests.factories import make_manager
from tests.web.helpers import csrf_token, page, shopper_town
from tests.web.merchant_helpers import log_in

HOSTILE = [
    "/\t/evil.com", "/\n/evil.com", "/\r/evil.com", "/\r\n/x", "/\n/x", "\t//evil.com",
    "//evil.com", "///evil.com", "////evil.com", "/\\evil.com", "\\/evil.com", "\\\\evil.com",
    "/\\/evil.com", "/\t\\evil.com", "https://evil.com", "http:evil.com", "https:/evil.com",
    "//evil.com/%2e%2e", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
    " //evil.com", "\x00//evil.com", "/\x00/evil.com", "/\x0b/evil.com", "/\x0c/evil.com",
    "/\u2028/evil.com", "/\u200b/evil.com", "/\x7f/evil.com", "evil.com", "@evil.com",
    "/" + "a" * 3000,
]
SAFE = ["/", "/panier", "/boutiques/boulangerie?q=pain&page=2", "/recherche?q=%2F%2Fx#top",
        "/suivi/abc", "/a/b\\c"]


def lands_here(location: str) -> bool:
    """Where a browser goes from this Location (backslashes as slashes, tabs and line
    breaks dropped, as browsers do): still on this host."""
    as_read = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/")
    return urlsplit(urljoin("http://localhost/page", as_read)).netloc == "localhost"


@pytest.mark.parametrize("target", HOSTILE)
def test_same_site_refuses_every_way_off_the_site(target):
    assert same_site(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", SAFE)
def test_same_site_keeps_this_sites_paths(target):
    assert same_site(target, "/fallback") == target


def test_the_language_switch_never_sends_the_browser_away(client):
    for target in HOSTILE:
        response = client.get(f"/langue/en?next={quote(target, safe='')}")

        assert response.status_code == 302, repr(target)
        assert response.headers["Location"] == "/", repr(target)
    # The reproducers of the issue, as typed.
    assert client.get("/langue/en?next=/%09/evil.com").headers["Location"] == "/"
    assert client.get("/langue/en?next=/%0a/x").status_code == 302
    assert client.get("/langue/fr?next=/panier").headers["Location"] == "/panier"


def test_adding_to_the_cart_goes_back_to_this_site_only(client):
    town = shopper_town()
    token = csrf_token(page(client, f"/boutiques/{town.bakery.slug}"))
    for target in [*HOSTILE, "/\n/x"]:
        response = client.post("/panier/ajouter", data={
            "csrf_token": token, "product_id": town.bread.id, "quantity": 1, "next": target})

        assert response.status_code == 302, repr(target)
        assert lands_here(response.headers["Location"]), repr(target)
        assert response.headers["Location"] in ("/panier", "http://localhost/panier")


def test_signing_in_goes_to_a_page_of_this_site_only(app):
    make_manager("mairie@example.fr")
    for target in HOSTILE[:12]:
        client = app.test_client()
        g.pop("csrf_token", None)  # Flask-WTF keeps it on the test's app context: a new browser
        response = log_in(client, "mairie@example.fr",
                          query_string={"next": target})

        assert response.status_code == 302, repr(target)
        assert response.headers["Location"] == "/gestion", repr(target)
