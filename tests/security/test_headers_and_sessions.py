"""Hole 6 of issue 12: no security headers, cookies without SameSite or Secure, and a
session cookie copied before sign-out still opened /gestion after it."""
import re
from pathlib import Path

import pytest

from app.security import content_security_policy
from tests.conftest import app_on
from tests.factories import PASSWORD, make_manager, make_merchant, make_shop
from tests.web.merchant_helpers import csrf_token, log_in, page

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EVERYWHERE = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
              "Referrer-Policy": "strict-origin-when-cross-origin"}


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in policy.split("; ")}


def assert_safe_headers(response):
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, (name, response.request.path)
    assert csp(response)["frame-ancestors"] == "'none'"


def test_every_kind_of_response_carries_the_headers(client):
    make_shop()
    for url in ["/", "/boutiques/boulangerie", "/connexion", "/nulle-part", "/api/v1/shops",
                "/api/v1/nulle-part", "/static/css/app.css", "/gestion"]:
        assert_safe_headers(client.get(url))
    assert_safe_headers(client.post("/api/v1/auth/token", json={}))


def test_pages_allow_no_inline_script_or_style_and_no_other_site(client):
    policy = csp(client.get("/"))

    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert "unsafe" not in client.get("/").headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in client.get("/").headers  # http: no HSTS
    assert csp(client.get("/api/v1/shops"))["default-src"] == "'none'"


def test_only_the_stripe_page_may_load_stripe():
    stripe = dict(d.split(" ", 1) for d in content_security_policy(html=True, stripe=True)
                  .split("; "))
    assert stripe["script-src"] == "'self' https://js.stripe.com"
    assert stripe["frame-src"] == "https://js.stripe.com https://hooks.stripe.com"
    assert "stripe" not in content_security_policy(html=True)


def test_templates_hold_no_inline_script_handler_or_style():
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        # A JSON-LD block (app/seo) is data: browsers never run it, the CSP does not apply.
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")"
                             r"[^>]*>", source), template
        assert not re.search(r"\son[a-z]+\s*=", source), template
        assert not re.search(r"\sstyle\s*=|<style\b", source), template


@pytest.fixture
def https_app(database_uri, clock):
    with app_on(database_uri, clock, PUBLIC_URL="https://comptoir.example.fr") as app:
        yield app


def test_over_https_hsts_and_secure_cookies(https_app):
    client = https_app.test_client()
    make_manager("mairie@example.fr")

    site = "https://comptoir.example.fr"
    form = client.get("/connexion", base_url=site).get_data(as_text=True)
    signed_in = client.post("/connexion", base_url=site, headers={"Referer": f"{site}/connexion"},
                            data={"csrf_token": csrf_token(form), "email": "mairie@example.fr",
                                  "password": PASSWORD})

    assert signed_in.status_code == 302
    assert signed_in.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookie = signed_in.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_session_cookie_is_samesite_lax_and_httponly(client):
    make_manager("mairie@example.fr")

    cookie = log_in(client, "mairie@example.fr").headers["Set-Cookie"]

    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


@pytest.mark.parametrize("who,home", [("manager", "/gestion"), ("merchant", "/marchand")])
def test_a_cookie_copied_before_sign_out_opens_nothing_after(app, who, home):
    if who == "manager":
        make_manager("staff@example.fr")
    else:
        make_merchant(make_shop(), email="staff@example.fr")
    browser = app.test_client()
    log_in(browser, "staff@example.fr")
    copied = browser.get_cookie("session").value
    assert app.test_client().get(home).status_code == 302  # sanity: a stranger is sent away
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get(home).status_code == 200  # the copy works while signed in

    browser.post("/deconnexion", data={"csrf_token": csrf_token(page(browser, home))})

    thief = app.test_client()
    thief.set_cookie("session", copied)
    refused = thief.get(home)
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/connexion")
    assert browser.get(home).status_code == 302
    # Signing in again works, with a new session.
    assert log_in(browser, "staff@example.fr").status_code == 302
    assert browser.get(home).status_code == 200
