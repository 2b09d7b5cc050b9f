"""The town brings a shop in: the manager creates it (unpublished), invites its merchant by a
one-time link, publishes it; the list says what each shop still lacks. Bad input is refused
on its field with nothing written."""
from datetime import timedelta

import re

import pytest
import sqlalchemy as sa
from flask import g

from app.accounts.invitations import token_hash
from app.accounts.models import ShopInvitation, User
from app.extensions import db
from app.shops.models import Shop
from tests.api.conftest import count
from tests.factories import make_manager, make_merchant, make_product, make_shop
from tests.web.merchant_helpers import csrf_token, log_in, page, submit, text

SIRET = "732 829 320 00074"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
NEW_SHOP = {"name": "Fromagerie Lenoir", "slug": "fromagerie-lenoir", "siret": SIRET,
            "commission_bps": "450", "iban": IBAN, "bic": "", "account_holder": ""}


@pytest.fixture
def manager(client):
    make_manager()
    log_in(client, "manager@example.fr")


def create(client, follow_redirects=False, **changes):
    return submit(client, "/gestion/boutiques/nouvelle", "/gestion/boutiques/nouvelle",
                  {**NEW_SHOP, **changes}, follow_redirects=follow_redirects)


def invite(client, slug="fromagerie-lenoir", email="claire@example.fr"):
    response = submit(client, f"/gestion/boutiques/{slug}",
                      f"/gestion/boutiques/{slug}/invitation", {"email": email})
    assert response.status_code == 200, text(response)
    assert response.headers["Cache-Control"] == "no-store"
    return response


def another_browser(app):
    """A client of its own. The tests' app context outlives requests, and Flask-WTF keeps the
    form token in `g`: without this, the next client would be handed the previous one's."""
    g.pop("csrf_token", None)
    return app.test_client()


def link_in(response) -> str:
    found = re.search(r'value="(http[^"]+/invitation/([^"]+))"', text(response))
    assert found, "no invitation link on the page"
    return "/invitation/" + found.group(2)


def test_the_manager_creates_an_unpublished_shop_shoppers_do_not_see(client, manager):
    response = create(client, follow_redirects=True)

    assert response.status_code == 200
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == "fromagerie-lenoir"))
    assert (shop.siret, shop.commission_bps, shop.iban, shop.account_holder, shop.active) == (
        "73282932000074", 450, "FR7630006000011234567890189", "Fromagerie Lenoir", False)
    assert "Non publiée" in text(response)
    assert client.get("/boutiques/fromagerie-lenoir").status_code == 404
    assert client.get("/api/v1/shops/fromagerie-lenoir").status_code == 404
    assert "fromagerie-lenoir" not in [s["slug"] for s in client.get("/api/v1/shops").json]


@pytest.mark.parametrize("changes, field, words", [
    ({"siret": "732 829 320 00075"}, "siret", "SIRET invalide"),
    ({"siret": ""}, "siret", "Le SIRET est obligatoire"),
    ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, "iban", "IBAN invalide"),
    ({"slug": "Fromagerie Lenoir"}, "slug", "lettres minuscules"),
    ({"slug": "boulangerie"}, "slug", "déjà cet identifiant"),
    ({"commission_bps": "10001"}, "commission_bps", ""),
])
def test_bad_input_is_said_on_its_field_and_nothing_is_written(client, manager, changes,
                                                                field, words):
    make_shop("boulangerie")
    shops = count(Shop)

    response = create(client, **changes)

    assert response.status_code == 422
    body = text(response)
    assert f'id="{field}-error"' in body and words in body
    assert f'aria-invalid="true" id="{field}"' in body or f'id="{field}" aria-invalid' in body \
        or 'aria-invalid="true"' in body
    assert count(Shop) == shops


def test_the_invited_merchant_sets_a_password_once_and_lands_on_the_queue(app, client,
                                                                         manager, clock):
    create(client)
    link = link_in(invite(client))
    client.post("/deconnexion", data={"csrf_token": csrf_token(page(client, "/gestion"))})
    merchant = another_browser(app)

    form = merchant.get(link)
    assert form.status_code == 200 and "Fromagerie Lenoir" in text(form)
    assert (form.headers["Referrer-Policy"], form.headers["Cache-Control"]) == (
        "no-referrer", "no-store")
    done = merchant.post(link, data={"csrf_token": csrf_token(text(form)),
                                     "password": "un-mot-de-passe", "confirm": "un-mot-de-passe"})

    assert done.status_code == 302 and done.headers["Location"].endswith("/marchand")
    assert merchant.get("/marchand").status_code == 200
    user = db.session.scalar(sa.select(User).where(User.email == "claire@example.fr"))
    assert user.role == "merchant" and user.shop.slug == "fromagerie-lenoir"
    again = another_browser(app).get(link)
    assert again.status_code == 410 and "déjà servi" in text(again)


def test_only_the_tokens_hash_is_stored_and_a_new_invitation_revokes_the_old(client, manager):
    create(client)
    first = link_in(invite(client))
    second = link_in(invite(client, email="paul@example.fr"))

    token = second.rsplit("/", 1)[1]
    stored = db.session.scalars(sa.select(ShopInvitation.token_hash)).all()
    assert token not in stored and token_hash(token) in stored
    assert client.get(first).status_code == 410
    assert "un lien plus récent" in text(client.get(first))
    assert client.get(second).status_code == 200


def test_an_expired_invitation_is_refused_and_writes_nothing(app, client, manager, clock):
    create(client)
    link = link_in(invite(client))
    clock.now += timedelta(days=7, seconds=1)
    users = count(User)

    response = another_browser(app).get(link)

    assert response.status_code == 410 and "a expiré" in text(response)
    assert count(User) == users


def test_passwords_that_differ_or_are_short_are_said_on_their_field(app, client, manager):
    create(client)
    link = link_in(invite(client))
    merchant = another_browser(app)
    token = csrf_token(text(merchant.get(link)))

    short = merchant.post(link, data={"csrf_token": token, "password": "court",
                                      "confirm": "court"})
    differ = merchant.post(link, data={"csrf_token": token, "password": "un-mot-de-passe",
                                       "confirm": "un-autre-mot"})

    assert short.status_code == 422 and 'id="password-error"' in text(short)
    assert differ.status_code == 422 and 'id="confirm-error"' in text(differ)
    assert count(User) == 1  # the manager
    assert merchant.get(link).status_code == 200  # still usable


def test_an_email_that_has_an_account_is_refused(client, manager):
    create(client)

    response = submit(client, "/gestion/boutiques/fromagerie-lenoir",
                      "/gestion/boutiques/fromagerie-lenoir/invitation",
                      {"email": "manager@example.fr"})

    assert response.status_code == 422 and 'id="email-error"' in text(response)
    assert count(ShopInvitation) == 0


def test_a_shop_without_merchant_or_products_is_not_published(client, manager):
    create(client)

    refused = submit(client, "/gestion/boutiques/fromagerie-lenoir",
                     "/gestion/boutiques/fromagerie-lenoir/publier", follow_redirects=True)

    message = text(refused)
    assert "Pas encore publiable" in message and "aucun produit" in message
    assert "commerçant pas encore inscrit" in message and "pas d'IBAN" not in message
    assert client.get("/boutiques/fromagerie-lenoir").status_code == 404


def test_publish_then_unpublish(client, manager):
    create(client)
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == "fromagerie-lenoir"))
    make_merchant(shop)
    make_product(shop, "Comté 18 mois")

    submit(client, "/gestion/boutiques/fromagerie-lenoir",
           "/gestion/boutiques/fromagerie-lenoir/publier")
    assert client.get("/boutiques/fromagerie-lenoir").status_code == 200
    assert client.get("/api/v1/shops/fromagerie-lenoir").status_code == 200
    submit(client, "/gestion/boutiques/fromagerie-lenoir",
           "/gestion/boutiques/fromagerie-lenoir/depublier")
    assert client.get("/boutiques/fromagerie-lenoir").status_code == 404


def test_the_list_says_what_each_shop_lacks(client, manager):
    ready = make_shop("boulangerie", "Boulangerie Martin", iban="FR7630006000011234567890189")
    make_product(ready)
    make_merchant(ready)
    create(client, iban="")

    body = text(client.get("/gestion/boutiques"))

    lenoir = body.split('data-shop="fromagerie-lenoir"')[1].split("</li>")[0]
    martin = body.split('data-shop="boulangerie"')[1].split("</li>")[0]
    for code in ("merchant_not_joined", "no_products", "no_iban", "unpublished"):
        assert f'data-code="{code}"' in lenoir
    assert "no_hours" not in lenoir  # default hours on creation
    assert 'data-testid="shop-complete"' in martin
    assert body.index("fromagerie-lenoir") < body.index('data-shop="boulangerie"')


def test_a_merchant_cannot_open_the_onboarding_pages(client):
    make_merchant(make_shop())
    log_in(client, "boulangerie@example.fr")

    assert client.get("/gestion/boutiques").status_code == 403
    assert client.get("/gestion/boutiques/nouvelle").status_code == 403


def test_the_cli_still_creates_a_published_shop(runner):
    result = runner.invoke(args=["shops", "create", "--slug", "epicerie",
                                 "--name", "Épicerie Centrale"])

    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Shop.active).where(Shop.slug == "epicerie")) is True


def test_an_unpublished_shop_gets_its_iban_later_on_the_bank_page(client, manager):
    create(client, iban="")
    bank = "/gestion/boutiques/fromagerie-lenoir"
    assert 'data-testid="bank-link"' in page(client, bank)

    response = submit(client, "/gestion/boutiques/fromagerie-lenoir/banque",
                      "/gestion/boutiques/fromagerie-lenoir/banque",
                      {"iban": IBAN, "bic": "", "account_holder": "SARL Lenoir",
                       "commission_bps": "450"})

    assert response.status_code == 302, text(response)
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == "fromagerie-lenoir"))
    assert (shop.iban, shop.account_holder, shop.active) == (
        "FR7630006000011234567890189", "SARL Lenoir", False)
