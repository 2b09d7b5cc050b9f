"""The OpenAPI document describes the whole API: every path of the contract, every route."""
import re

from flask import current_app

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
