"""A fake push service (what FCM or Mozilla's autopush are to a browser), an HTTP server
that pywebpush really posts to. Like a real one it checks the VAPID authorisation (RFC
8292: an ES256 JWT whose `aud` is this service's origin, signed by the key given in `k`,
which must be ours); unlike one, it holds the subscribers' private keys and decrypts each
message (aes128gcm, RFC 8291) with http_ece, so a test reads what the phone would show."""
import base64
import json
import threading
import time

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from http.server import BaseHTTPRequestHandler

from app.notify.web_push import b64url, b64url_decode
from tests import provider_guard
from tests.fake_server import LocalHttpFake


class Subscriber:
    """A browser's side of a subscription: its ECDH key pair and auth secret."""

    def __init__(self, fake: "FakePushService", name: str):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = bytes(range(16))
        self.endpoint = f"{fake.url}/push/{name}"

    def subscription(self) -> dict:
        """As the browser's PushSubscription.toJSON() gives it."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}


class FakePushService(LocalHttpFake):
    def __init__(self, vapid_public_key: str):
        self.vapid_public_key = vapid_public_key  # ours, base64url uncompressed point
        self.subscribers: dict[str, Subscriber] = {}
        self.received: list[dict] = []   # every message accepted: name, payload, headers
        self.refused: list[str] = []     # why a request was refused (401)
        self.answers: dict[str, int] = {}  # name -> the status to answer (410: gone)
        self.delay = 0.0
        self._lock = threading.Lock()
        self._serve_with(self._handler())

    def subscriber(self, name: str) -> Subscriber:
        self.subscribers[name] = Subscriber(self, name)
        return self.subscribers[name]

    def _check_vapid(self, authorization: str) -> str | None:
        """Why the Authorization header is not a valid VAPID one for us, or None."""
        if not authorization.startswith("vapid "):
            return "not vapid"
        params = dict(part.strip().split("=", 1) for part in authorization[6:].split(","))
        if params.get("k") != self.vapid_public_key:
            return "not the application server's key"
        public = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b64url_decode(params["k"]))
        try:
            claims = jwt.decode(params["t"], public, algorithms=["ES256"], audience=self.url)
        except jwt.PyJWTError as error:
            return f"JWT: {error}"
        if claims["exp"] > time.time() + 24 * 3600 or not claims.get("sub"):
            return "claims"
        return None

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, headers: dict | None = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                refusal = provider_guard.transaction_open_at_call(
                    "pywebpush", f"push POST {self.path}")
                if refusal:
                    return self._answer(400)
                name = self.path.rsplit("/", 1)[-1]
                why = fake._check_vapid(self.headers.get("Authorization", ""))
                if why:
                    fake.refused.append(why)
                    return self._answer(401)
                if name not in fake.subscribers or fake.answers.get(name) in (404, 410):
                    return self._answer(fake.answers.get(name, 404))
                if fake.answers.get(name):
                    return self._answer(fake.answers[name])
                if fake.delay:
                    time.sleep(fake.delay)
                subscriber = fake.subscribers[name]
                assert self.headers["Content-Encoding"] == "aes128gcm"
                plain = http_ece.decrypt(body, private_key=subscriber.private_key,
                                         auth_secret=subscriber.auth, version="aes128gcm")
                with fake._lock:
                    fake.received.append({"name": name, "payload": json.loads(plain),
                                          "ttl": self.headers.get("TTL"),
                                          "topic": self.headers.get("Topic")})
                    number = len(fake.received)
                self._answer(201, {"Location": f"{fake.url}/message/{number}"})

        return Handler
