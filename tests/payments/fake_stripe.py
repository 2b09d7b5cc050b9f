"""A local stand-in for api.stripe.com that the real `stripe` SDK talks to over HTTP.

It implements what Comptoir calls (PaymentIntents: create, retrieve, update, confirm,
capture, cancel; refunds), keeps Stripe's idempotency rule (same Idempotency-Key, same
response, nothing done twice), and can be told to misbehave: the next request answers 500
without doing anything, or does its work but answers too late for the client (a timeout
whose effect happened); or fail at a steady rate (`fail_every = 10`: every tenth call answers
500 without doing anything, as a flaky network would); and one kind of call can be made to
take its time (`delays`: a capture that hangs at the bank). `confirm` plays the shopper's browser: a good card authorises, a
declined card fails, a 3-D Secure card waits for the challenge (requires_action). A call
made with a database transaction open is refused (400) and fails the test
(tests/provider_guard.py).
"""
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections import Counter
from urllib.parse import parse_qsl

from tests.fake_server import JsonHandler, LocalHttpFake

SEVEN_DAYS = 7 * 24 * 3600


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send for this payload."""
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def _nest(pairs):
    """Stripe's form encoding (metadata[checkout_id]=1, expand[0]=x) back into a dict."""
    out: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


class StripeError(Exception):
    def __init__(self, status, type_, code, message, **extra):
        self.status, self.body = status, {"error": {"type": type_, "code": code,
                                                    "message": message, **extra}}


class FakeStripe(LocalHttpFake):
    def __init__(self, secret_key="sk_test_fake"):
        self.secret_key = secret_key
        self.intents: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.captures: Counter = Counter()  # PaymentIntent id -> captures done
        self.requests: list[tuple[str, str]] = []  # (method, path) as received
        self.faults: list[str] = []
        self.slow_seconds = 0.0
        # Seconds a call takes before Stripe does it, by the end of its path ("/capture").
        self.delays: dict[str, float] = {}
        self.capture_before: int | None = None  # card's own capture_before, when set
        self.fail_every = 0  # every n-th call answers 500 and does nothing (0: never)
        self.failed_calls = 0
        self._calls = itertools.count(1)
        self._idempotent: dict[str, tuple[int, dict]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._serve_with(self._handler())

    def fail_next(self, fault: str, times: int = 1, slow_seconds: float = 0.0):
        """"500": answer 500, do nothing. "slow": do it, answer after slow_seconds."""
        self.faults.extend([fault] * times)
        self.slow_seconds = slow_seconds or self.slow_seconds

    def forget_idempotency_keys(self):
        """What Stripe does after 24 hours."""
        with self._lock:
            self._idempotent.clear()

    def count(self, method: str, suffix: str) -> int:
        return sum(1 for m, path in self.requests if m == method and path.endswith(suffix))

    # --- the shopper's browser and Stripe's events ------------------------------------------

    def confirm(self, intent_id: str, card: str = "ok") -> dict:
        """What Stripe.js does with the card: "ok", "declined", "3ds" (challenge pending),
        or "3ds_done" (the challenge passed)."""
        with self._lock:
            pi = self.intents[intent_id]
            if card in ("ok", "3ds_done"):
                charge_id = f"ch_{next(self._ids)}"
                pi.update(status="requires_capture", amount_capturable=pi["amount"],
                          latest_charge=charge_id, last_payment_error=None, next_action=None)
                pi["_charge"] = {"id": charge_id, "object": "charge", "payment_method_details": {
                    "type": "card", "card": {"capture_before": self.capture_before
                                             or int(time.time()) + SEVEN_DAYS}}}
            elif card == "declined":
                pi.update(status="requires_payment_method", last_payment_error={
                    "type": "card_error", "code": "card_declined",
                    "decline_code": "generic_decline", "message": "Your card was declined."})
            elif card == "3ds":
                pi.update(status="requires_action", next_action={"type": "use_stripe_sdk"})
            return self._public(pi)

    def event(self, type_: str, intent_id: str, event_id: str | None = None) -> str:
        """The JSON body of the event Stripe would post, the PaymentIntent as it is now."""
        with self._lock:
            body = {"id": event_id or f"evt_{next(self._ids)}", "object": "event",
                    "api_version": "2025-01-27.acacia", "created": int(time.time()),
                    "livemode": False, "pending_webhooks": 1, "type": type_,
                    "request": {"id": None, "idempotency_key": None},
                    "data": {"object": self._public(self.intents[intent_id])}}
        return json.dumps(body)

    # --- the API ------------------------------------------------------------------------

    def _public(self, pi: dict, expand=()) -> dict:
        out = {k: v for k, v in pi.items() if not k.startswith("_")}
        if "latest_charge" in expand and pi.get("_charge"):
            out["latest_charge"] = pi["_charge"]
        return out

    def handle(self, method: str, path: str, params: dict, key: str | None):
        if key is not None and method == "POST":
            with self._lock:
                if key in self._idempotent:
                    return self._idempotent[key]
            answer = self._answer(method, path, params)
            with self._lock:
                return self._idempotent.setdefault(key, answer)
        return self._answer(method, path, params)

    def _answer(self, method, path, params):
        try:
            with self._lock:
                return 200, self._route(method, path, params)
        except StripeError as error:
            return error.status, error.body

    def _route(self, method, path, params):
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "payment_intents"]:
            if len(parts) == 2 and method == "POST":
                return self._create(params)
            pi = self.intents.get(parts[2]) if len(parts) > 2 else None
            if pi is None:
                raise StripeError(404, "invalid_request_error", "resource_missing",
                                  "No such payment_intent")
            action = parts[3] if len(parts) > 3 else None
            if action is None and method == "GET":
                return self._public(pi, tuple((params.get("expand") or {}).values()))
            if action is None and method == "POST":
                pi["metadata"].update(params.get("metadata") or {})
                return self._public(pi)
            if action == "capture":
                return self._capture(pi, params)
            if action == "cancel":
                return self._cancel(pi)
        if parts == ["v1", "refunds"] and method == "POST":
            return self._refund(params)
        raise StripeError(404, "invalid_request_error", "unknown_path", f"{method} {path}")

    def _create(self, params):
        if params.get("capture_method") != "manual" or params.get("currency") != "eur":
            raise StripeError(400, "invalid_request_error", "parameter_invalid",
                              "this fake expects manual capture in EUR")
        n = next(self._ids)
        pi = {"id": f"pi_{n}", "object": "payment_intent", "amount": int(params["amount"]),
              "amount_capturable": 0, "amount_received": 0, "currency": "eur",
              "capture_method": "manual", "client_secret": f"pi_{n}_secret_{n * 7919}",
              "status": "requires_payment_method", "metadata": params.get("metadata") or {},
              "latest_charge": None, "last_payment_error": None, "next_action": None,
              "livemode": False}
        self.intents[pi["id"]] = pi
        return self._public(pi)

    def _capture(self, pi, params):
        if pi["status"] != "requires_capture":
            raise StripeError(400, "invalid_request_error", "payment_intent_unexpected_state",
                              f"This PaymentIntent could not be captured because it has a "
                              f"status of {pi['status']}.")
        amount = int(params.get("amount_to_capture") or pi["amount_capturable"])
        if amount > pi["amount_capturable"]:
            raise StripeError(400, "invalid_request_error", "amount_too_large",
                              "amount_to_capture is greater than amount_capturable")
        pi.update(status="succeeded", amount_received=amount, amount_capturable=0)
        self.captures[pi["id"]] += 1
        return self._public(pi)

    def _cancel(self, pi):
        if pi["status"] in ("succeeded", "canceled"):
            raise StripeError(400, "invalid_request_error", "payment_intent_unexpected_state",
                              f"status of {pi['status']}")
        pi.update(status="canceled", amount_capturable=0)
        return self._public(pi)

    def _refund(self, params):
        pi = self.intents.get(params.get("payment_intent"))
        if pi is None or pi["status"] != "succeeded":
            raise StripeError(400, "invalid_request_error", "charge_not_captured",
                              "nothing captured to refund")
        refund = {"id": f"re_{next(self._ids)}", "object": "refund",
                  "amount": int(params["amount"]), "payment_intent": pi["id"],
                  "status": "succeeded", "currency": "eur"}
        self.refunds.append(refund)
        return refund

    def _handler(self):
        fake = self

        class Handler(JsonHandler):
            sdk = "stripe"

            def extra_headers(self):
                return {"Request-Id": f"req_{next(fake._ids)}"}

            def serve(self, method, url, body):
                fake.requests.append((method, url.path))
                refusal = self.transaction_open(method, url)
                if refusal:
                    return self._send(400, {"error": {"type": "invalid_request_error",
                                                      "code": "transaction_open",
                                                      "message": refusal}})
                delay = next((s for end, s in fake.delays.items()
                              if url.path.endswith(end)), 0)
                if delay:
                    time.sleep(delay)
                if self.headers.get("Authorization") != f"Bearer {fake.secret_key}":
                    return self._send(401, {"error": {"type": "invalid_request_error",
                                                      "message": "Invalid API Key"}})
                fault = fake.faults.pop(0) if fake.faults else None
                if fake.fail_every and next(fake._calls) % fake.fail_every == 0:
                    fault = "500"
                    fake.failed_calls += 1
                if fault == "500":
                    return self._send(500, {"error": {"type": "api_error",
                                                      "message": "fake outage"}})
                params = _nest(parse_qsl(url.query if method == "GET" else body,
                                         keep_blank_values=True))
                status, answer = fake.handle(method, url.path, params,
                                             self.headers.get("Idempotency-Key"))
                if fault == "slow":
                    time.sleep(fake.slow_seconds)  # done, but the client has given up
                self._send(status, answer)

        return Handler
