"""A local stand-in for api.twilio.com that the real `twilio` SDK talks to over HTTP, and
the fixtures of an app sending through it (COMPTOIR_SMS=twilio, TWILIO_API_BASE).

It implements what Comptoir calls (Messages: create; list with To and DateSent> filters),
checks Basic auth, records every create, stamps messages with the test's clock, and can be
told to misbehave: the next request answers 429, 500 or 503 without doing anything, or a
Twilio error about the message (21211, 21610...), or does its work but answers too late for
the client (a timeout whose effect happened), or hangs and does nothing (a timeout whose
effect did not happen). `post_status` plays Twilio calling our status callback. A call
made with a database transaction open is refused (400) and fails the test
(tests/provider_guard.py).

To reuse it: import `fake_twilio` and `twilio_app` from here into a test module and make
`app` the latter (`@pytest.fixture def app(twilio_app): return twilio_app`)."""
import base64
import itertools
import threading
import time
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from twilio.request_validator import RequestValidator

from tests.conftest import app_on
from tests.fake_server import JsonHandler, LocalHttpFake

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "twilio-test-auth-token"
FROM = "+33757000000"
TIMEOUT_SECONDS = 2.0  # the app's TWILIO_TIMEOUT_SECONDS in these tests: room for a loaded CI
SLOW_SECONDS = 3.0     # a "slow" or "hang" answer comes after the client has given up
ERRORS = {  # code -> (HTTP status, Twilio's message)
    "21211": (400, "The 'To' number is not a valid phone number."),
    "21610": (400, "Attempt to send to unsubscribed recipient"),
    "21614": (400, "'To' number is not a valid mobile number"),
    "429": (429, "Too Many Requests"),
    "500": (500, "Internal Server Error"),
    "503": (503, "Service Unavailable"),
}


def rfc2822(at: datetime | None) -> str | None:
    return format_datetime(at, usegmt=True) if at else None


class FakeTwilio(LocalHttpFake):
    def __init__(self, clock, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN):
        self.clock = clock
        self.account_sid, self.auth_token = account_sid, auth_token
        self.messages: list[dict] = []  # every message created, in order
        self.requests: list[tuple[str, str]] = []  # (method, path) as received
        self.faults: list[tuple[str, str]] = []  # (method, fault), first come first used
        self.hold_in_queue = False  # created messages stay "queued", without date_sent
        self.create_delay = 0.0     # seconds each create takes (lets racing flushes overlap)
        self._sids = itertools.count(1)
        self._lock = threading.Lock()
        self._serve_with(self._handler())

    def fail_next(self, fault: str, times: int = 1, method: str = "POST"):
        """The next `times` requests with `method` (a create, or "GET": a lookup) misbehave.
        "429", "500", "503", "21211", "21610", "21614": answer that error, do nothing.
        "slow": do it, answer after the client gave up. "hang": the same, without doing it.
        "garbled": do it, answer 200 with a body the SDK cannot read (a broken proxy)."""
        self.faults.extend([(method, fault)] * times)

    def count(self, method: str) -> int:
        """Requests received to the Messages resource with this method."""
        return sum(1 for m, path in self.requests if m == method and "/Messages" in path)

    def message(self, sid: str) -> dict:
        return next(m for m in self.messages if m["sid"] == sid)

    # --- the API ------------------------------------------------------------------------

    def _create(self, form: dict) -> tuple[int, dict]:
        if not form.get("To") or not form.get("Body") or form.get("From") != FROM:
            return _error(400, 21604, "'To', 'From' and 'Body' are required")
        now = self.clock()
        with self._lock:
            sid = f"SM{next(self._sids):032x}"
            queued = self.hold_in_queue
            message = {
                "sid": sid, "account_sid": self.account_sid, "to": form["To"],
                "from": form["From"], "body": form["Body"], "direction": "outbound-api",
                "status": "queued" if queued else "sent", "num_segments": "1",
                "date_created": rfc2822(now), "date_updated": rfc2822(now),
                "date_sent": None if queued else rfc2822(now), "_sent_at": None if queued else now,
                "error_code": None, "error_message": None, "price": None, "price_unit": "EUR",
                "api_version": "2010-04-01", "messaging_service_sid": None, "num_media": "0",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
                "subresource_uris": {}, "_status_callback": form.get("StatusCallback")}
            self.messages.append(message)
        return 201, _public(message, status="queued")

    def _list(self, query: dict) -> tuple[int, dict]:
        # DateSent> to the second (Twilio counts whole days); unsent messages never match.
        after = query.get("DateSent>")
        after = datetime.fromisoformat(after.replace("Z", "+00:00")) if after else None
        with self._lock:
            found = [m for m in reversed(self.messages)  # newest first, as Twilio lists
                     if (not query.get("To") or m["to"] == query["To"])
                     and (after is None or (m["_sent_at"] and m["_sent_at"] >= after))]
        size = int(query.get("PageSize") or 50)
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        page = [_public(m) for m in found[:size]]
        return 200, {"messages": page, "start": 0, "end": len(page) - 1, "page": 0,
                     "page_size": size, "first_page_uri": path, "next_page_uri": None,
                     "previous_page_uri": None, "uri": path}

    def _answer(self, method: str, path: str, form: dict, query: dict) -> tuple[int, dict]:
        messages = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if path == messages and method == "POST":
            return self._create(form)
        if path == messages and method == "GET":
            return self._list(query)
        return _error(404, 20404, f"The requested resource {path} was not found")

    def _handler(self):
        fake = self

        class Handler(JsonHandler):
            sdk = "twilio"

            def serve(self, method, url, body):
                with fake._lock:
                    fake.requests.append((method, url.path))
                refusal = self.transaction_open(method, url)
                if refusal:
                    return self._send(*_error(400, 20001, refusal))
                with fake._lock:
                    fault = next((f for f in fake.faults if f[0] == method), None)
                    if fault is not None:
                        fake.faults.remove(fault)
                        fault = fault[1]
                expected = "Basic " + base64.b64encode(
                    f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._send(*_error(401, 20003, "Authenticate"))
                if fault in ERRORS:
                    status, text = ERRORS[fault]
                    code = int(fault) if status == 400 else 20000 + status
                    return self._send(*_error(status, code, text))
                if fault == "hang":
                    time.sleep(SLOW_SECONDS)  # the client has given up; nothing was done
                    return self._send(*_error(503, 20503, "Service Unavailable"))
                if method == "POST" and fake.create_delay:
                    time.sleep(fake.create_delay)
                status, answer = fake._answer(method, url.path, dict(parse_qsl(body)),
                                              dict(parse_qsl(url.query)))
                if fault == "slow":
                    time.sleep(SLOW_SECONDS)  # done, but the client has given up
                if fault == "garbled":
                    return self._send(200, "<html>Bad Gateway</html>")
                self._send(status, answer)

        return Handler


def _public(message: dict, **override) -> dict:
    return {**{k: v for k, v in message.items() if not k.startswith("_")}, **override}


def _error(status: int, code: int, message: str) -> tuple[int, dict]:
    return status, {"code": code, "message": message, "status": status,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}"}


def post_status(client, message: dict, status: str, *, error_code: str | None = None,
                token: str = AUTH_TOKEN, signature: str | None = None):
    """Twilio calling the StatusCallback the app gave with `message` (one the fake holds),
    signed over that URL and form as Twilio signs it; `signature` forges one."""
    callback = urlsplit(message["_status_callback"])
    form = {"MessageSid": message["sid"], "SmsSid": message["sid"],
            "AccountSid": message["account_sid"], "From": message["from"],
            "To": message["to"], "MessageStatus": status, "SmsStatus": status,
            "ApiVersion": "2010-04-01"}
    if error_code:
        form["ErrorCode"] = error_code
    if signature is None:
        signature = RequestValidator(token).compute_signature(message["_status_callback"], form)
    return client.post(f"{callback.path}?{callback.query}", data=form,
                       headers={"X-Twilio-Signature": signature})


@pytest.fixture
def fake_twilio(clock):
    fake = FakeTwilio(clock).start()
    yield fake
    fake.stop()


@pytest.fixture
def twilio_app(database_uri, clock, fake_twilio):
    """The app with COMPTOIR_SMS=twilio, its SDK pointed at the fake."""
    with app_on(database_uri, clock, SMS="twilio", TWILIO_ACCOUNT_SID=ACCOUNT_SID,
                TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_FROM=FROM, TWILIO_API_BASE=fake_twilio.url,
                TWILIO_TIMEOUT_SECONDS=TIMEOUT_SECONDS) as app:
        yield app
