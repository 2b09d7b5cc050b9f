"""Whatever goes wrong under /api/v1, the answer is the contract's JSON error, never HTML,
never a 500."""
import pytest

from tests.api.conftest import error_of


@pytest.mark.parametrize("method, url", [
    ("get", "/api/v1/nulle-part"),
    ("get", "/api/v1"),
    ("post", "/api/v1/merchant/orders/1/teleport"),
    ("get", "/api/v1/orders/abc"),
    ("get", "/api/v1/orders/0"),
    ("get", "/api/v1/orders/99999999999999999999999"),
    ("post", "/api/v1/checkouts/99999999999/pay"),
])
def test_an_unknown_api_address_is_a_json_404(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert response.is_json and response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("method, url", [("post", "/api/v1/shops"),
                                         ("delete", "/api/v1/checkouts"),
                                         ("get", "/api/v1/merchant/orders/1/ready")])
def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(client, method, url):
    response = getattr(client, method)(url)

    assert error_of(response)[:2] == (405, "method_not_allowed")
    assert response.headers["Allow"]


@pytest.mark.parametrize("url, field", [("/api/v1/products?q=pa%00te", "q"),
                                        ("/api/v1/shops/boul%00angerie", "slug")])
def test_a_nul_byte_in_the_address_is_refused_before_any_sql(client, shop, url, field):
    assert error_of(client.get(url)) == (422, "invalid_text", field)


def test_an_overlong_search_is_refused(client, shop):
    assert error_of(client.get("/api/v1/products?q=" + "a" * 201)) == (422, "invalid", "q")



def test_an_unexpected_failure_still_answers_json(app, unchecked_client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    def broken():
        raise RuntimeError("the database went away")
    monkeypatch.setattr("app.api.shopper.list_shops", broken)

    response = unchecked_client.get("/api/v1/shops")

    assert error_of(response)[:2] == (500, "server_error")
    assert "database" not in response.json["error"]["message"]


@pytest.mark.parametrize("url", ["/api/v1/merchant/orders/0/messages",
                                 "/api/v1/merchant/orders/2147483648/ready"])
def test_an_id_out_of_range_is_a_404_whatever_the_method(client, url):
    assert error_of(client.get(url))[:2] == (404, "not_found")
    assert error_of(client.post(url))[:2] == (404, "not_found")
