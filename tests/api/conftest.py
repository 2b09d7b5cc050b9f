"""Given-helpers for the JSON API: a bakery with two products, a merchant's bearer token.

`client` here checks every /api/v1 answer against the OpenAPI document (an undocumented
status or a body off its schema fails the test); `unchecked_client` is the plain one, for
the rare test that provokes what no document lists (a 500)."""

import pytest
import sqlalchemy as sa

from app.accounts.services import issue_token
from app.extensions import db
from tests.factories import checkout_payload, make_merchant, make_product, make_shop
from tests.openapi_check import validating_client


@pytest.fixture
def client(app):
    return validating_client(app)


@pytest.fixture
def unchecked_client(app):
    return app.test_client()


@pytest.fixture
def shop(app):
    return make_shop()


@pytest.fixture
def bread(shop):
    return make_product(shop, "Baguette tradition", 130, stock=20)


@pytest.fixture
def cake(shop):
    return make_product(shop, "Tarte aux myrtilles", 2200, stock=3)


@pytest.fixture
def auth(shop):
    """Authorization header of the bakery's merchant."""
    return bearer(make_merchant(shop))


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def error_of(response) -> tuple[int, str, str | None]:
    """(status, code, field) of a contract error answer."""
    error = response.get_json()["error"]
    return response.status_code, error["code"], error.get("field")


def create_checkout(client, lines_by_shop: dict, now, *, key=None, **customer):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/checkouts", json=checkout_payload(lines_by_shop, now, **customer),
                       headers=headers)


def paid_checkout(client, lines_by_shop: dict, now) -> dict:
    """A checkout created and paid through the API: its creation answer (with tokens)."""
    created = create_checkout(client, lines_by_shop, now)
    assert created.status_code == 201, created.get_json()
    paid = client.post(f"/api/v1/checkouts/{created.json['id']}/pay",
                       json={"payment_method": "test_ok"})
    assert paid.status_code == 200, paid.get_json()
    return created.get_json()
