"""Web Push, the free channel beside the SMS: pywebpush signs each request with our VAPID
key (RFC 8292) and encrypts the payload for the browser's keys (aes128gcm, RFC 8291).

Settings: COMPTOIR_VAPID_PRIVATE_KEY (the private key, base64url of its 32 raw bytes, or
PEM/DER as py_vapid reads them) and COMPTOIR_VAPID_SUBJECT (mailto: or https: address the
push services may contact). Without a private key there is no push: every message goes
by SMS. COMPTOIR_PUSH_SERVICES names the push services a browser's subscription may point
at (hosts, https only; or whole origins, for a test's local fake): the server posts to
that address, so a shopper must not be able to make it post anywhere else."""
import base64
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

log = logging.getLogger("comptoir.push")

# The browsers' push services: Chrome/Edge (FCM), Firefox (Mozilla autopush), Windows
# (WNS), Safari (Apple).
DEFAULT_SERVICES = ("fcm.googleapis.com", "updates.push.services.mozilla.com",
                    "notify.windows.com", "push.apple.com")
GONE = (404, 410)  # the subscription no longer exists: end it, the SMS takes over
TTL_SECONDS = 24 * 3600  # a phone off for a day still gets it when it comes back


@dataclass
class PushResult:
    ok: bool
    ref: str | None = None     # the push service's Location for the message, when given
    gone: bool = False         # 404/410: the subscription is dead
    error: str | None = None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def allowed_endpoint(endpoint: str, services) -> bool:
    """True when `endpoint` is at one of the push services we accept."""
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return False
    if not parts.hostname:
        return False
    for service in services:
        if "://" in service:  # a whole origin (a test's local fake)
            if f"{parts.scheme}://{parts.netloc}" == service.rstrip("/"):
                return True
        elif parts.scheme == "https" and (parts.hostname == service
                                          or parts.hostname.endswith("." + service)):
            return True
    return False


class WebPushSender:
    def __init__(self, private_key: str, subject: str, *, services=DEFAULT_SERVICES,
                 public_url: str = "", timeout: float = 10):
        self.vapid = Vapid.from_string(private_key=private_key)
        self.subject = subject
        self.services = tuple(services)
        self.public_url = public_url.rstrip("/")
        self.timeout = timeout

    @classmethod
    def from_config(cls, config) -> "WebPushSender | None":
        key = config.get("VAPID_PRIVATE_KEY")
        if not key:
            return None
        services = config.get("PUSH_SERVICES") or DEFAULT_SERVICES
        if isinstance(services, str):
            services = [s.strip() for s in services.split(",") if s.strip()]
        return cls(key, config.get("VAPID_SUBJECT") or config.get("PUBLIC_URL", ""),
                   services=services, public_url=config.get("PUBLIC_URL", ""),
                   timeout=float(config.get("PUSH_TIMEOUT_SECONDS", 10)))

    @property
    def public_key(self) -> str:
        """The browser's applicationServerKey: our public key, uncompressed, base64url."""
        return b64url(self.vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def send(self, *, endpoint: str, p256dh: str, auth: str, payload: dict,
             topic: str) -> PushResult:
        """One push. `topic` (the outbox row): a second try replaces the first at the push
        service if that one is still waiting for the phone, rather than adding to it."""
        if not allowed_endpoint(endpoint, self.services):
            return PushResult(ok=False, gone=True, error="service de notification refusé")
        try:
            response = webpush({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                               data=json.dumps(payload), vapid_private_key=self.vapid,
                               vapid_claims={"sub": self.subject}, ttl=TTL_SECONDS,
                               timeout=self.timeout,
                               headers={"Topic": topic, "Urgency": "high"})
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in GONE:
                return PushResult(ok=False, gone=True, error=f"service de notification : {status}")
            return PushResult(ok=False, error=f"service de notification : {status or error}"[:300])
        except (requests.RequestException, ValueError) as error:
            return PushResult(ok=False, error=f"service de notification injoignable ({type(error).__name__})")
        return PushResult(ok=True, ref=(response.headers.get("Location") or "")[:80] or None)
