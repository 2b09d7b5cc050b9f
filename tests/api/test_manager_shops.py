"""The town's API for onboarding: /api/v1/manager/shops… with a manager's bearer token; a
merchant's token does not open it, nor a manager's the merchant's operations."""
import pytest
import sqlalchemy as sa

from app.accounts.models import ShopInvitation, User
from app.extensions import db
from app.shops.models import Shop
from tests.api.conftest import bearer, count, error_of
from tests.factories import make_manager, make_merchant, make_product, make_shop

NEW = {"slug": "fromagerie-lenoir", "name": "Fromagerie Lenoir", "siret": "73282932000074",
       "commission_bps": 450, "iban": "FR7630006000011234567890189"}


@pytest.fixture
def town():
    return bearer(make_manager())


def test_the_manager_creates_a_shop_unpublished_then_publishes_it(client, town):
    created = client.post("/api/v1/manager/shops", json=NEW, headers=town)

    assert created.status_code == 201
    assert created.json["published"] is False and created.json["siret"] == "73282932000074"
    assert created.json["missing"] == ["merchant_not_joined", "no_products", "unpublished"]
    assert client.get("/api/v1/shops/fromagerie-lenoir").status_code == 404

    # Nobody to prepare the orders, nothing to sell: not yet
    early = client.post("/api/v1/manager/shops/fromagerie-lenoir/publish", headers=town)
    assert error_of(early) == (409, "not_ready", "published")
    assert "aucun produit" in early.json["error"]["message"]
    assert client.get("/api/v1/shops/fromagerie-lenoir").status_code == 404

    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == "fromagerie-lenoir"))
    make_merchant(shop)
    make_product(shop, "Comté 18 mois")
    published = client.post("/api/v1/manager/shops/fromagerie-lenoir/publish", headers=town)
    assert published.status_code == 200 and published.json["published"] is True
    assert client.get("/api/v1/shops/fromagerie-lenoir").status_code == 200
    assert "fromagerie-lenoir" in [s["slug"] for s in client.get("/api/v1/shops").json]

    client.post("/api/v1/manager/shops/fromagerie-lenoir/unpublish", headers=town)
    assert client.get("/api/v1/shops/fromagerie-lenoir").status_code == 404


@pytest.mark.parametrize("changes, status, code, field", [
    ({"siret": "73282932000075"}, 422, "invalid_siret", "siret"),
    ({"iban": "FR7630006000011234567890188"}, 422, "invalid_iban", "iban"),
    ({"slug": "boulangerie"}, 409, "duplicate_slug", "slug"),
    ({"commission_bps": 10001}, 422, "invalid", "commission_bps"),
    ({"name": 12}, 422, "invalid", "name"),
])
def test_bad_input_names_its_field_and_writes_nothing(client, town, changes, status, code,
                                                      field):
    make_shop("boulangerie")
    shops = count(Shop)

    response = client.post("/api/v1/manager/shops", json={**NEW, **changes}, headers=town)

    assert error_of(response) == (status, code, field)
    assert count(Shop) == shops


def test_the_list_gives_each_shops_state(client, town):
    ready = make_shop("boulangerie", iban="FR7630006000011234567890189")
    make_product(ready)
    make_merchant(ready)
    client.post("/api/v1/manager/shops", json={**NEW, "iban": None}, headers=town)

    shops = {s["slug"]: s for s in client.get("/api/v1/manager/shops", headers=town).json}

    assert shops["boulangerie"]["missing"] == [] and shops["boulangerie"]["merchant_joined"]
    assert shops["fromagerie-lenoir"]["missing"] == [
        "merchant_not_joined", "no_products", "no_iban", "unpublished"]


def test_an_invitation_link_works_once(app, client, town):
    client.post("/api/v1/manager/shops", json=NEW, headers=town)

    invited = client.post("/api/v1/manager/shops/fromagerie-lenoir/invitation",
                          json={"email": "Claire@Example.fr"}, headers=town)

    assert invited.status_code == 201 and invited.json["email"] == "claire@example.fr"
    token = invited.json["url"].rsplit("/invitation/", 1)[1]
    assert invited.json["url"].startswith(app.config["PUBLIC_URL"])
    assert db.session.scalar(sa.select(ShopInvitation.token_hash)) != token
    listed = client.get("/api/v1/manager/shops", headers=town).json
    assert listed[0]["invitation_expires_at"] == invited.json["expires_at"]


def test_a_merchant_token_does_not_open_the_town_api_nor_a_manager_token_the_shops(client):
    shop = make_shop()
    merchant, manager = bearer(make_merchant(shop)), bearer(make_manager())

    assert error_of(client.get("/api/v1/manager/shops", headers=merchant))[:2] == (
        403, "forbidden")
    assert error_of(client.post("/api/v1/manager/shops/boulangerie/unpublish",
                                headers=merchant))[0] == 403
    assert error_of(client.get("/api/v1/merchant/orders", headers=manager))[0] == 403
    assert error_of(client.get("/api/v1/manager/shops"))[:2] == (401, "missing_token")
    assert db.session.scalar(sa.select(Shop.active)) is True


def test_an_email_with_an_account_is_refused(client, town):
    client.post("/api/v1/manager/shops", json=NEW, headers=town)

    response = client.post("/api/v1/manager/shops/fromagerie-lenoir/invitation",
                           json={"email": "manager@example.fr"}, headers=town)

    assert error_of(response) == (409, "duplicate_email", "email")
    assert count(ShopInvitation) == 0 and count(User) == 1


def test_an_unpublished_shop_is_out_of_search_and_its_checkout_refused(client, town, clock):
    from tests.factories import checkout_payload
    shop = make_shop()
    bread = make_product(shop)
    payload = checkout_payload({shop: [(bread, 1)]}, clock.now)

    client.post("/api/v1/manager/shops/boulangerie/unpublish", headers=town)

    assert client.get("/api/v1/products", query_string={"q": "baguette"}).json["items"] == []
    response = client.post("/api/v1/checkouts", json=payload,
                           headers={"Idempotency-Key": "essai-1"})
    assert error_of(response)[:2] == (422, "unknown_shop")
