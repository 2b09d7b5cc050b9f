"""The OpenAPI document describes the whole API: every path of the contract, every route."""
import re

import pytest
from flask import current_app
from openapi_spec_validator import validate

from app.errors import Conflict

CONTRACT_PATHS = {
    "/shops", "/shops/{slug}", "/products", "/shops/{slug}/slots", "/checkouts",
    "/checkouts/{id}/pay", "/webhooks/stripe", "/orders/{id}", "/orders/{id}/cancel",
    "/webhooks/twilio/status", "/webhooks/twilio/inbound", "/auth/token",
    "/merchant/orders", "/merchant/orders/{id}/confirm", "/merchant/orders/{id}/ready",
    "/merchant/orders/{id}/collect", "/merchant/orders/{id}/cancel",
    "/merchant/products/{id}",
}
EXTENSIONS = {"/checkouts/{id}", "/merchant/products", "/openapi.json",
              "/vouchers/{code}"}
EXTENSIONS |= {"/merchant/orders/{id}/refunds"}  # issue 4: refunds
EXTENSIONS |= {"/merchant/orders/{id}/slot"}  # issue 5: the shop moves an order's slot
EXTENSIONS |= {"/merchant/orders/{id}/messages"}  # issue 5: the shop writes to its shopper
EXTENSIONS |= {"/checkouts/{id}/payment"}  # issue 11: no GET opens a PaymentIntent
EXTENSIONS |= {"/merchant/products/{id}/archive",  # issue 13: the catalogue's life
               "/merchant/products/import"}
EXTENSIONS |= {"/merchant/shop/hours", "/merchant/shop/closures",  # issue 13: settings
               "/merchant/shop/closures/{id}", "/merchant/shop/pickup"}
EXTENSIONS |= {"/manager/figures"}  # issue 13: the town manager's figures
EXTENSIONS |= {"/merchant/orders/state"}  # issue 13: the live queue's poll
EXTENSIONS |= {"/manager/shops", "/manager/shops/{slug}/invitation",  # issue 13: onboarding
               "/manager/shops/{slug}/publish", "/manager/shops/{slug}/unpublish"}
EXTENSIONS |= {"/merchant/products/{id}/photo"}  # issue 13: photos
EXTENSIONS |= {"/courier/rounds/{token}", "/courier/rounds/{token}/stops/{id}/pickup",  # 14
               "/courier/rounds/{token}/stops/{id}/deliver",
               "/courier/rounds/{token}/stops/{id}/fail"}
EXTENSIONS |= {"/delivery/addresses", "/delivery/windows"}  # issue 14: home delivery


def _shape(path: str) -> str:
    """'/orders/<int(min=1):order_id>' and '/orders/{id}' -> '/orders/{}'."""
    return re.sub(r"<[^>]*>|\{[^}]*\}", "{}", path)


def test_the_document_lists_every_path_of_the_contract(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "/api/v1"}]
    assert set(document["paths"]) == CONTRACT_PATHS | EXTENSIONS


def test_every_route_of_the_api_is_documented_with_its_methods(client):
    documented = {(_shape(path), method.upper())
                  for path, operations in client.get("/api/v1/openapi.json").json["paths"].items()
                  for method in operations}

    routes = {(_shape(rule.rule[len("/api/v1"):]), method)
              for rule in current_app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}

    assert routes - documented == set()


def test_every_reference_in_the_document_resolves(client):
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    text = str(document)

    refs = set(re.findall(r"#/components/schemas/(\w+)", text))

    assert refs and refs <= set(schemas)
    secured = [op for ops in document["paths"].values() for op in ops.values()
               if op.get("security")]
    assert {op["summary"] for op in secured} and all(
        op["security"] == [{"bearer": []}] for op in secured)


def test_the_document_is_valid_openapi_3_0(client):
    document = client.get("/api/v1/openapi.json").json

    validate(document)  # raises with the first thing wrong


def test_every_error_answer_has_the_shared_error_shape(client):
    document = client.get("/api/v1/openapi.json").json

    odd = [f"{method.upper()} {path} {status}"
           for path, operations in document["paths"].items()
           for method, operation in operations.items()
           for status, answer in operation["responses"].items() if int(status) >= 400
           if answer["content"] != {"application/json": {
               "schema": {"$ref": "#/components/schemas/Error"}}}]

    assert odd == []


def test_the_checking_client_refuses_an_undocumented_status(app, client, shop, monkeypatch):
    def teapot(_slug):
        raise Conflict("occupé")
    monkeypatch.setattr("app.api.shopper.get_shop", teapot)

    with pytest.raises(AssertionError, match=r"GET /shops/\{slug\} answered 409, which the "
                                             r"document does not list \(it lists 200, 404, "
                                             r"422\)"):
        client.get(f"/api/v1/shops/{shop.slug}")


def test_the_checking_client_names_what_is_off_schema(app, client, shop, monkeypatch):
    monkeypatch.setattr("app.api.shopper.shop_json",
                        lambda shop: {"slug": shop.slug, "name": 12, "address": ""})

    with pytest.raises(AssertionError) as failure:
        client.get("/api/v1/shops")

    assert "body[0].name: 12 is not of type 'string'" in str(failure.value)
    assert "body[0]: 'phone' is a required property" in str(failure.value)


def test_the_checking_client_holds_routing_answers_to_404_and_405(app, client):
    assert client.get("/api/v1/nulle-part").status_code == 404
    assert client.get("/api/v1/orders/abc").status_code == 404
    assert client.delete("/api/v1/checkouts").status_code == 405
    assert app.test_client().get("/hors-api").status_code == 404  # not the API: not checked
