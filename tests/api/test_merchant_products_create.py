"""A till or a town app adds products, archives them and imports a catalogue file through the
API: the same rules as the shop's pages, every refusal on its field, nothing written."""
import io

import pytest

from app.catalog.models import Product
from app.extensions import db
from tests.api.conftest import bearer, count, error_of
from tests.factories import make_merchant, make_product, make_shop

NEW = {"name": "Fougasse aux olives", "price_cents": 320, "stock": 4, "sku": "PAIN-9",
       "ean": "3017620422003", "category": "Pains", "description": "Huile d'olive"}


def test_a_product_is_created_with_its_ean_and_listed(client, auth):
    created = client.post("/api/v1/merchant/products", json=NEW, headers=auth)

    assert created.status_code == 201
    body = created.get_json()
    assert (body["name"], body["price_cents"], body["on_hand"], body["held"], body["ean"],
            body["category"], body["active"], body["archived_at"]) == (
        "Fougasse aux olives", 320, 4, 0, "3017620422003", "Pains", True, None)
    listed = client.get("/api/v1/merchant/products", headers=auth).get_json()
    assert [p["sku"] for p in listed] == ["PAIN-9"]


@pytest.mark.parametrize("change, status, field", [
    ({"name": "  "}, 422, "name"),
    ({"name": "<script>x</script>"}, 422, "name"),
    ({"name": "=HYPERLINK(1)"}, 422, "name"),
    ({"price_cents": -1}, 422, "price_cents"),
    ({"price_cents": "3,20"}, 422, "price_cents"),
    ({"stock": True}, 422, "stock"),
    ({"ean": "3017620422004"}, 422, "ean"),
    ({"ean": "30176204220"}, 422, "ean"),
    ({"sku": "S" * 65}, 422, "sku"),
    ({"description": "a\x00b"}, 422, "description"),
    ({"colour": "red"}, 422, "colour"),
    ({"active": "yes"}, 422, "active"),
], ids=lambda v: str(v))
def test_bad_values_are_refused_on_their_field_and_nothing_is_written(client, auth, change,
                                                                      status, field):
    refused = client.post("/api/v1/merchant/products", json={**NEW, **change}, headers=auth)

    assert error_of(refused)[0::2] == (status, field)
    assert count(Product) == 0


def test_a_sku_or_ean_already_in_the_shop_is_409_on_its_field(client, auth):
    client.post("/api/v1/merchant/products", json=NEW, headers=auth)

    assert error_of(client.post("/api/v1/merchant/products", headers=auth,
                                json={**NEW, "ean": None})) == (409, "duplicate", "sku")
    assert error_of(client.post("/api/v1/merchant/products", headers=auth,
                                json={**NEW, "sku": "AUTRE"})) == (409, "duplicate", "ean")
    assert count(Product) == 1


def test_an_archived_product_leaves_the_catalogue_and_cannot_be_sold_or_edited(client, auth,
                                                                               shop, bread):
    archived = client.post(f"/api/v1/merchant/products/{bread.id}/archive", headers=auth)

    assert archived.status_code == 200
    assert archived.get_json()["archived_at"] and archived.get_json()["active"] is False
    assert client.get("/api/v1/merchant/products", headers=auth).get_json() == []
    assert client.get("/api/v1/products", query_string={"shop": shop.slug}
                      ).get_json()["items"] == []
    assert error_of(client.patch(f"/api/v1/merchant/products/{bread.id}", headers=auth,
                                 json={"active": True}))[0] == 404
    again = client.post(f"/api/v1/merchant/products/{bread.id}/archive", headers=auth)
    assert again.get_json()["archived_at"] == archived.get_json()["archived_at"]


def test_another_shops_product_cannot_be_archived(client, auth):
    other = make_product(make_shop("fromagerie", "Fromagerie Vidal"), "Comté", 900)

    assert error_of(client.post(f"/api/v1/merchant/products/{other.id}/archive",
                                headers=auth))[0] == 404
    db.session.refresh(other)
    assert other.archived_at is None and other.active


def _import(client, auth, content: bytes, **query):
    return client.post("/api/v1/merchant/products/import", headers=auth, query_string=query,
                       data={"file": (io.BytesIO(content), "catalogue.csv")},
                       content_type="multipart/form-data")


def test_an_import_dry_run_answers_every_lines_fate_and_error_and_writes_nothing(client, auth,
                                                                                  bread):
    content = ("name;price;stock;sku\nBaguette tradition;1,30;20;\nBaguette tradition;1,40;20;\n"
               "Pâté en croûte;4,50;3;TRAI-1\nÉclair;deux;1;\n").encode("cp1252")

    answer = _import(client, auth, content)

    assert answer.status_code == 200
    body = answer.get_json()
    assert body["dry_run"] is True
    assert [(line["line"], line["fate"], line["name"]) for line in body["lines"]] == [
        (2, "unchanged", "Baguette tradition"), (4, "create", "Pâté en croûte")]
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(3, "name"), (5, "price")]
    assert count(Product) == 1


def test_an_import_applies_and_withdraws_what_the_file_no_longer_lists(client, auth, bread,
                                                                       cake):
    answer = _import(client, auth, b"name;price;stock\nBaguette tradition;1,40;20\n",
                     dry_run="false", withdraw_missing="true")

    assert answer.status_code == 200
    assert answer.get_json()["counts"] == {"create": 0, "update": 1, "unchanged": 0,
                                           "withdraw": 1}
    db.session.refresh(bread), db.session.refresh(cake)
    assert (bread.price_cents, bread.active, cake.active) == (140, True, False)


def test_an_import_with_an_error_is_refused_whole_on_its_column(client, auth, bread):
    refused = _import(client, auth, b"name;price;stock\nBaguette tradition;1,40;20\nX;;1\n",
                      dry_run="false")

    assert error_of(refused) == (422, "invalid", "price")
    db.session.refresh(bread)
    assert bread.price_cents == 130


@pytest.mark.parametrize("query, body, field", [
    ({"dry_run": "peut-être"}, True, "dry_run"),
    ({"withdraw_missing": "1"}, True, "withdraw_missing"),
    ({}, False, "file"),
])
def test_bad_import_requests_are_refused_on_their_field(client, auth, query, body, field):
    data = {"file": (io.BytesIO(b"name;price\nPain;1\n"), "c.csv")} if body else {}
    refused = client.post("/api/v1/merchant/products/import", headers=auth,
                          query_string=query, data=data, content_type="multipart/form-data")

    assert error_of(refused)[0::2] == (422, field)
    assert count(Product) == 0
