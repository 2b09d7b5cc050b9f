"""One JSON line per request, with the route's template and a request id that the
response echoes and the work the request causes (a payment at the provider) carries."""
import json
import logging

import pytest

from app.ops.logs import JsonFormatter, RequestIdFilter, configure_logging
from tests.factories import checkout_payload, make_product, make_shop


class Lines(logging.Handler):
    """What the server's log handler receives, with the filter configure_logging puts
    on it."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record):
        self.records.append(record)

    def requests(self) -> list[dict]:
        return [json.loads(r.getMessage()) for r in self.records
                if r.name == "comptoir.request"]


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO)
    handler = Lines()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


def test_each_request_is_one_json_line_with_its_route_template(client, lines):
    shop = make_shop(slug="fromagerie-dupuy", name="Fromagerie Dupuy")

    response = client.get(f"/api/v1/shops/{shop.slug}")

    [line] = lines.requests()
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/shops/<slug>"  # the rule, not the shop's slug
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and 0 <= line["duration_ms"] < 10_000
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32


def test_an_unknown_address_is_logged_without_its_raw_path(client, lines):
    response = client.get("/api/v1/nothing-here/06-12-34-56-78")

    [line] = lines.requests()
    assert response.status_code == 404
    assert line["path"] == "<unmatched>" and line["status"] == 404


def test_a_sane_incoming_request_id_is_kept_and_echoed(client, lines):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a9c.01"})

    assert response.headers["X-Request-ID"] == "nginx-7f3a9c.01"
    assert lines.requests()[0]["request_id"] == "nginx-7f3a9c.01"


@pytest.mark.parametrize("forged", ['a" "status": 200', "x" * 129, "ok\r\nfake: line",
                                    "<script>", ""])
def test_an_insane_request_id_is_replaced(client, lines, forged):
    # Past the client's own checks, as a raw socket could send it.
    response = client.get("/healthz", environ_overrides={"HTTP_X_REQUEST_ID": forged})

    assert response.headers["X-Request-ID"] != forged
    assert len(response.headers["X-Request-ID"]) == 32
    assert lines.requests()[0]["request_id"] == response.headers["X-Request-ID"]


def test_the_payment_a_request_makes_logs_under_its_request_id(client, clock, lines):
    shop = make_shop()
    created = client.post("/api/v1/checkouts", json=checkout_payload(
        {shop: [(make_product(shop), 2)]}, clock.now))
    lines.records.clear()

    paid = client.post(f"/api/v1/checkouts/{created.get_json()['id']}/pay",
                       json={"payment_method": "test_ok"},
                       headers={"X-Request-ID": "till-42-pay",
                                "X-Tracking-Token":
                                    created.get_json()["orders"][0]["tracking_token"]})

    assert paid.status_code == 200, paid.get_json()
    payment_lines = [r for r in lines.records if r.name.startswith("comptoir.payments")]
    assert payment_lines, [r.getMessage() for r in lines.records]
    assert {r.request_id for r in payment_lines} == {"till-42-pay"}


def test_lines_outside_a_request_have_no_id(app, lines):
    logging.getLogger("comptoir.test").warning("between requests")

    assert lines.records[-1].request_id is None


def test_json_format_puts_every_line_in_one_object():
    formatter = JsonFormatter()
    plain = logging.LogRecord("comptoir.sms", logging.WARNING, __file__, 1,
                              "SMS #%s refused", (7,), None)
    plain.request_id = "abc"
    request = logging.LogRecord("comptoir.request", logging.INFO, __file__, 1, "{}", (), None)
    request.fields = {"event": "request", "method": "GET", "path": "/healthz",
                      "status": 200, "duration_ms": 1.2, "request_id": "abc"}

    first, second = json.loads(formatter.format(plain)), json.loads(formatter.format(request))

    assert first["message"] == "SMS #7 refused" and first["request_id"] == "abc"
    assert first["level"] == "WARNING" and first["logger"] == "comptoir.sms"
    assert second["path"] == "/healthz" and "message" not in second
    assert "\n" not in formatter.format(request)


def test_configure_logging_puts_the_filter_on_the_servers_handlers():
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        configure_logging("json")
        configure_logging("json")  # create_app runs many times in a test session

        assert sum(isinstance(f, RequestIdFilter) for f in handler.filters) == 1
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        root.removeHandler(handler)
