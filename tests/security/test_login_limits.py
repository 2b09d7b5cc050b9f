"""Hole 4 of issue 12: 40 wrong passwords on /api/v1/auth/token were 40 x 401, and 40 on
/connexion 40 x 422: no limit. Failures are now limited per IP and per account (web and
API share both budgets), answered 429 with Retry-After, and recorded for the manager."""
import sqlalchemy as sa
from flask import g

from app.accounts.models import FailedLogin
from app.extensions import db
from tests.factories import PASSWORD, make_manager, make_merchant, make_shop
from tests.web.merchant_helpers import log_in, text

PER_ACCOUNT, PER_IP = 10, 20  # config.py's defaults, per 10 minutes


def token(client, email, password, ip="198.51.100.7"):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def failed_logins() -> list[tuple[str, str, str]]:
    return [(f.email, f.ip, f.via) for f in db.session.scalars(
        sa.select(FailedLogin).order_by(FailedLogin.id))]


def test_guessing_a_password_through_the_api_is_stopped(client):
    make_merchant(make_shop(), email="martin@example.fr")

    answers = [token(client, "martin@example.fr", f"guess-{i}") for i in range(40)]

    assert [a.status_code for a in answers[:PER_ACCOUNT]] == [401] * PER_ACCOUNT
    assert {a.status_code for a in answers[PER_ACCOUNT:]} == {429}
    refused = answers[-1]
    assert refused.json["error"]["code"] == "rate_limited"
    assert "Trop de tentatives de connexion" in refused.json["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    # Even the right password waits now: the account is closed to guessing for a while.
    assert token(client, "martin@example.fr", PASSWORD).status_code == 429
    # Tried ten times, recorded ten times (the refused tries checked no password).
    assert failed_logins() == [("martin@example.fr", "198.51.100.7", "api")] * PER_ACCOUNT


def test_the_account_limit_holds_whatever_the_address(client):
    make_merchant(make_shop(), email="martin@example.fr")
    for i in range(PER_ACCOUNT):
        assert token(client, "Martin@Example.fr ", "wrong", ip=f"203.0.113.{i}").status_code == 401

    assert token(client, "martin@example.fr", "wrong", ip="192.0.2.1").status_code == 429
    # Another account is not affected.
    make_merchant(make_shop("fromagerie", "Fromagerie"), email="fromages@example.fr")
    assert token(client, "fromages@example.fr", PASSWORD, ip="192.0.2.1").status_code == 200


def test_one_address_trying_many_accounts_is_stopped(client):
    make_merchant(make_shop(), email="martin@example.fr")
    answers = [token(client, f"user{i}@example.fr", "wrong").status_code for i in range(PER_IP + 5)]

    assert answers[:PER_IP] == [401] * PER_IP
    assert set(answers[PER_IP:]) == {429}
    # Another address still signs in.
    assert token(client, "martin@example.fr", PASSWORD, ip="192.0.2.9").status_code == 200


def test_signing_in_rightly_never_uses_the_budget(client):
    make_merchant(make_shop(), email="martin@example.fr")

    assert {token(client, "martin@example.fr", PASSWORD).status_code for _ in range(30)} == {200}


def test_guessing_on_the_sign_in_page_is_stopped_with_a_clear_page(app, client):
    make_merchant(make_shop(), email="martin@example.fr")

    answers = [log_in(client, "martin@example.fr", f"guess-{i}") for i in range(40)]

    assert [a.status_code for a in answers[:PER_ACCOUNT]] == [422] * PER_ACCOUNT
    assert {a.status_code for a in answers[PER_ACCOUNT:]} == {429}
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) > 0
    assert "Trop de tentatives" in text(refused)
    assert 'data-testid="too-many"' in text(refused)
    assert refused.mimetype == "text/html"
    assert failed_logins() == [("martin@example.fr", "127.0.0.1", "web")] * PER_ACCOUNT


def test_the_page_and_the_api_share_the_budget(app, client):
    make_merchant(make_shop(), email="martin@example.fr")
    for i in range(PER_ACCOUNT // 2):
        assert log_in(client, "martin@example.fr", "wrong").status_code == 422
        assert token(client, "martin@example.fr", "wrong", ip="127.0.0.1").status_code == 401

    assert log_in(client, "martin@example.fr", PASSWORD).status_code == 429
    assert token(client, "martin@example.fr", PASSWORD).status_code == 429


def test_the_manager_sees_the_failed_sign_ins(app, client):
    make_manager("mairie@example.fr")
    make_merchant(make_shop(), email="martin@example.fr")
    token(client, "martin@example.fr", "wrong", ip="203.0.113.66")
    token(client, "<b>x</b>@example.fr", "wrong", ip="203.0.113.67")
    assert log_in(client, "mairie@example.fr").status_code == 302

    html = client.get("/gestion/connexions").get_data(as_text=True)

    assert "martin@example.fr" in html and "203.0.113.66" in html
    assert "&lt;b&gt;x&lt;/b&gt;@example.fr" in html and "<b>x</b>" not in html
    assert html.count('data-testid="failed-login"') == 2
    assert 'href="/gestion/connexions"' in client.get("/gestion").get_data(as_text=True)


def test_merchants_do_not_see_the_failed_sign_ins(app, client):
    make_merchant(make_shop(), email="martin@example.fr")
    log_in(client, "martin@example.fr")

    assert client.get("/gestion/connexions").status_code == 403
    g.pop("_login_user", None)
    assert app.test_client().get("/gestion/connexions").status_code == 302


def test_a_nul_in_the_email_is_a_plain_refusal_and_recorded_readably(app, client):
    for attempt in (log_in(client, "martin\x00@example.fr", "wrong"),):
        assert attempt.status_code == 422
    assert token(client, "martin\x00@example.fr", "wrong").status_code in (400, 422)
    assert failed_logins() == [("martin\ufffd@example.fr", "127.0.0.1", "web")]
