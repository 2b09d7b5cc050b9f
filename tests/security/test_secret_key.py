"""Hole 1 of issue 12: with no SECRET_KEY the app signed sessions with a known default and
started anyway, so a cookie signed with that default opened /gestion. Outside the demo and
the tests it now refuses to start without a key of real strength, and says how to make one."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from app.security import InsecureSecretKey
from tests.conftest import app_on
from tests.factories import make_manager, make_merchant, make_shop

ROOT = Path(__file__).resolve().parents[2]
OLD_DEFAULT = "dev-only-change-me"
STRONG = "3f1c9a0d5be84e27a6c1f09d7e52b4a88c0d6e1f2a3b4c5d6e7f8091a2b3c4d5"
HOW_TO = "python -c 'import secrets; print(secrets.token_hex(32))'"


def served(tmp_path, **settings):
    """create_app as a real deployment runs it: not testing, not the demo."""
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}",
                       "TESTING": False, "DEMO": False, **settings})


@pytest.mark.parametrize("key", [None, "", OLD_DEFAULT, "short-key", "a" * 64],
                         ids=["unset", "empty", "old-default", "short", "not-random"])
def test_the_site_refuses_to_start_without_a_strong_key(tmp_path, key):
    with pytest.raises(InsecureSecretKey) as refused:
        served(tmp_path, SECRET_KEY=key)

    assert HOW_TO in str(refused.value)
    assert "SECRET_KEY" in str(refused.value)


def test_a_strong_key_starts_the_site(tmp_path):
    app = served(tmp_path, SECRET_KEY=STRONG)

    assert app.config["SECRET_KEY"] == STRONG


def test_the_demo_starts_and_makes_a_key_when_run_bare(tmp_path):
    app = served(tmp_path, SECRET_KEY=None, DEMO=True)

    assert len(app.config["SECRET_KEY"]) >= 32


def test_config_has_no_default_key_any_more():
    assert OLD_DEFAULT not in (ROOT / "config.py").read_text()
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "COMPTOIR_DEMO")}
    shown = subprocess.run([sys.executable, "-c", "from config import Config; "
                            "print(Config.SECRET_KEY, Config.DEMO)"],
                           cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["None", "False"]


def _flask(args, tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "COMPTOIR_DEMO")}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env={**base, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
                               **env}, capture_output=True, text=True, timeout=120)


def test_operator_commands_refuse_without_a_key_and_work_with_one(tmp_path):
    refused = _flask(["db", "upgrade"], tmp_path)
    assert refused.returncode != 0
    assert HOW_TO in refused.stderr + refused.stdout

    migrated = _flask(["db", "upgrade"], tmp_path, SECRET_KEY=STRONG)
    assert migrated.returncode == 0, migrated.stderr

    demo = _flask(["routes"], tmp_path, COMPTOIR_DEMO="1")
    assert demo.returncode == 0, demo.stderr


def _forged_cookie(app, secret: str, session: dict) -> str:
    """A session cookie as Flask would sign it with `secret`."""
    signer = SecureCookieSessionInterface().get_signing_serializer(
        type("FakeApp", (), {"secret_key": secret, "config": app.config})())
    return signer.dumps(session)


@pytest.fixture
def strong_app(database_uri, clock):
    with app_on(database_uri, clock, SECRET_KEY=STRONG) as app:
        yield app


def test_a_cookie_signed_with_the_old_default_opens_nothing(strong_app):
    manager = make_manager()
    merchant = make_merchant(make_shop())
    for user, url in [(manager, "/gestion"), (manager, "/gestion/reversements.csv"),
                      (merchant, "/marchand")]:
        for user_id in (str(user.id), user.get_id()):  # before and after session nonces
            client = strong_app.test_client()
            client.set_cookie("session", _forged_cookie(
                strong_app, OLD_DEFAULT, {"_user_id": user_id, "_fresh": True}))

            response = client.get(url)

            assert response.status_code == 302, (url, user_id)
            assert response.headers["Location"].startswith("/connexion")

    # The same session signed with the app's own key does open it: the forgery was right.
    client = strong_app.test_client()
    client.set_cookie("session", _forged_cookie(
        strong_app, STRONG, {"_user_id": manager.get_id(), "_fresh": True}))
    assert client.get("/gestion").status_code == 200
