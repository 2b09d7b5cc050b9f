"""Settings, read from the environment (see ../shared/api-v1.md, "Running")."""
import os
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def database_url(raw: str | None) -> str:
    """Default to a SQLite file under instance/; accept plain postgresql:// URLs."""
    if not raw:
        return f"sqlite:///{BASE_DIR / 'instance' / 'comptoir.db'}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://"):]
    return raw


def engine_options(uri: str) -> dict:
    """A PostgreSQL restart must not cost one failed request per pooled connection, hence
    the ping; a SQLite file has no connection to lose, and the ping would cost every request."""
    return {} if uri.startswith("sqlite") else {"pool_pre_ping": True}


class Config:
    # Signs sessions and API tokens: no default. create_app refuses to start without a
    # strong one (app/security.py), except in the demo (bin/demo keeps its own under
    # instance/) and the tests.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    # Set by bin/demo only: a demo town on one machine, never served to others.
    DEMO = os.environ.get("COMPTOIR_DEMO") == "1"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    TOWN_NAME = os.environ.get("COMPTOIR_TOWN_NAME", "Le Puy-en-Velay")
    TIMEZONE = os.environ.get("COMPTOIR_TIMEZONE", "Europe/Paris")
    # Links in SMS must be absolute; requests are not around when the outbox is filled.
    PUBLIC_URL = os.environ.get("COMPTOIR_PUBLIC_URL", "http://127.0.0.1:5000")
    # How long a basket survives a closed tab and browser (the session cookie's life).
    PERMANENT_SESSION_LIFETIME = timedelta(
        days=int(os.environ.get("COMPTOIR_SESSION_LIFETIME_DAYS", "30")))
    # How often an open tracking page asks for its order's state (seconds).
    TRACKING_POLL_SECONDS = 15
    PAYMENTS = os.environ.get("COMPTOIR_PAYMENTS", "offline")
    SMS = os.environ.get("COMPTOIR_SMS", "log")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    # The SDK's own retries and timeout per call (README); payment jobs retry beyond that.
    STRIPE_MAX_NETWORK_RETRIES = int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2"))
    STRIPE_TIMEOUT_SECONDS = float(os.environ.get("STRIPE_TIMEOUT_SECONDS", "20"))
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN")
    TWILIO_FROM = os.environ.get("TWILIO_FROM")
    TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE")
    # The SDK gives up after this; the outbox retries later, looking the message up first.
    TWILIO_TIMEOUT_SECONDS = float(os.environ.get("TWILIO_TIMEOUT_SECONDS", "10"))
    # Web Push (app/notify/web_push.py): the free channel beside the SMS. Without a VAPID
    # private key every message goes by SMS; bin/demo makes and keeps one in instance/.
    VAPID_PRIVATE_KEY = os.environ.get("COMPTOIR_VAPID_PRIVATE_KEY") or None
    VAPID_SUBJECT = os.environ.get("COMPTOIR_VAPID_SUBJECT") or None
    # The push services a browser's subscription may name (comma-separated hosts).
    PUSH_SERVICES = os.environ.get("COMPTOIR_PUSH_SERVICES") or None
    PUSH_TIMEOUT_SECONDS = float(os.environ.get("COMPTOIR_PUSH_TIMEOUT_SECONDS", "10"))
    # What one SMS segment costs the association, in euro cents (the manager's figures
    # multiply the segments sent by it; Twilio's French rate is about 7 cents).
    SMS_SEGMENT_PRICE_CENTS = int(os.environ.get("COMPTOIR_SMS_SEGMENT_PRICE_CENTS", "7"))
    # Home delivery (app/delivery). Addresses: "streets" reads the town's street table
    # (STREET_TABLE, a CSV), "ban" asks the national address base at BAN_API_BASE.
    GEOCODER = os.environ.get("COMPTOIR_GEOCODER", "streets")
    STREET_TABLE = os.environ.get("COMPTOIR_STREET_TABLE",
                                  str(BASE_DIR / "app" / "demo" / "streets.csv"))
    BAN_API_BASE = os.environ.get("COMPTOIR_BAN_API_BASE", "https://api-adresse.data.gouv.fr")
    # A shopper is waiting on the suggestions: past this, "try again or choose pickup".
    GEOCODER_TIMEOUT_SECONDS = float(os.environ.get("COMPTOIR_GEOCODER_TIMEOUT_SECONDS", "3"))
    # The association's depot: zones' radius is measured from it, rounds start and end there.
    DELIVERY_DEPOT_LAT = float(os.environ.get("COMPTOIR_DELIVERY_DEPOT_LAT", "45.0421"))
    DELIVERY_DEPOT_LON = float(os.environ.get("COMPTOIR_DELIVERY_DEPOT_LON", "3.8845"))
    # Rounds are planned on straight lines: distance x detour factor, at the courier's speed.
    COURIER_KMH = float(os.environ.get("COMPTOIR_COURIER_KMH", "15"))
    DETOUR_FACTOR = float(os.environ.get("COMPTOIR_DETOUR_FACTOR", "1.3"))
    # The association's own account, debited by the payouts' SEPA transfer file.
    ASSOCIATION_NAME = os.environ.get("COMPTOIR_ASSOCIATION_NAME", "")
    ASSOCIATION_IBAN = os.environ.get("COMPTOIR_ASSOCIATION_IBAN", "")
    ASSOCIATION_BIC = os.environ.get("COMPTOIR_ASSOCIATION_BIC", "")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # a checkout is a few KB; CSV imports go by CLI
    # The pages and API calls that take a photo (or a ZIP of them) raise the request's own
    # limit to this (app/photos/uploads.py); every other request keeps the 2 MB above.
    PHOTO_UPLOAD_MAX_BYTES = 16 * 1024 * 1024  # one photo (15 MB) and its form
    PHOTO_ZIP_MAX_BYTES = int(os.environ.get("COMPTOIR_PHOTO_ZIP_MAX_MB", "100")) * 1024 * 1024
    # Where the photos' files go: "local" (PHOTOS_DIR, default instance/media/, served by
    # the app) or "s3" (an S3-compatible bucket, credentials the usual boto3 way).
    PHOTOS_STORAGE = os.environ.get("COMPTOIR_PHOTOS_STORAGE", "local")
    PHOTOS_DIR = os.environ.get("COMPTOIR_PHOTOS_DIR") or None
    PHOTOS_S3_BUCKET = os.environ.get("COMPTOIR_PHOTOS_S3_BUCKET")
    PHOTOS_S3_ENDPOINT_URL = os.environ.get("COMPTOIR_PHOTOS_S3_ENDPOINT_URL") or None
    PHOTOS_S3_REGION = os.environ.get("COMPTOIR_PHOTOS_S3_REGION") or None
    PHOTOS_S3_PREFIX = os.environ.get("COMPTOIR_PHOTOS_S3_PREFIX", "")
    # The bucket's public address (or a CDN's): pages point images there (and the CSP
    # allows it); unset, the app serves the bucket's files itself under /photos/.
    PHOTOS_PUBLIC_URL = os.environ.get("COMPTOIR_PHOTOS_PUBLIC_URL") or None
    WTF_CSRF_TIME_LIMIT = None  # a phone left on the checkout page overnight must still submit
    # Bearer tokens of the merchant API stay valid this long.
    API_TOKEN_MAX_AGE = 30 * 24 * 3600
    SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("COMPTOIR_SWEEP_SECONDS", "30"))
    # Flask-Limiter: "memory://" is per process; several workers need a shared store
    # (e.g. "redis://localhost:6379") for the limit to hold across them.
    RATELIMIT_STORAGE_URI = os.environ.get("COMPTOIR_RATELIMIT_STORAGE", "memory://")
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    # Voucher balance checks per IP: guessing an 80-bit code at this pace is hopeless.
    VOUCHER_LOOKUP_LIMIT = os.environ.get("COMPTOIR_VOUCHER_LOOKUP_LIMIT",
                                          "10 per 10 minutes")
    # Failed sign-ins (web and API share them), per IP and per account (e-mail tried).
    LOGIN_LIMIT_PER_IP = os.environ.get("COMPTOIR_LOGIN_LIMIT_PER_IP", "20 per 10 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("COMPTOIR_LOGIN_LIMIT_PER_ACCOUNT",
                                             "10 per 10 minutes")
    # Cookies are not sent along with cross-site posts; Secure is added when PUBLIC_URL is
    # https (app/security.py).
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # Checkouts waiting for payment that one phone number, and one address, may have at
    # once (beyond: 429). An address is shared more often (a family, a mobile carrier's
    # NAT), so it gets more.
    CHECKOUT_PENDING_PER_PHONE = int(os.environ.get("COMPTOIR_CHECKOUT_PENDING_PER_PHONE", "3"))
    CHECKOUT_PENDING_PER_IP = int(os.environ.get("COMPTOIR_CHECKOUT_PENDING_PER_IP", "10"))
    # Reverse proxies in front of the app (nginx: 1): ProxyFix takes the shopper's address,
    # scheme and host from that many X-Forwarded-* hops. 0: served directly.
    PROXIES = int(os.environ.get("COMPTOIR_PROXIES", "0"))
    # Who may show the embeddable catalogue (/integrer/<shop>) in a frame: the CSP's
    # frame-ancestors sources ("*": any site; e.g. "https://boulangerie-martin.fr
    # https://commerces-lepuy.fr" to name them). Every other page refuses any frame.
    EMBED_ANCESTORS = os.environ.get("COMPTOIR_EMBED_ANCESTORS", "*")
    # Addresses per sitemap file (the protocol allows 50,000): the products are split.
    SITEMAP_PAGE_SIZE = int(os.environ.get("COMPTOIR_SITEMAP_PAGE_SIZE", "10000"))
    # Bearer token of GET /metrics (Prometheus); unset, the endpoint answers 404.
    METRICS_TOKEN = os.environ.get("COMPTOIR_METRICS_TOKEN") or None
    # "text" (the demo) or "json": one JSON object per log line (bin/serve's default).
    LOG_FORMAT = os.environ.get("COMPTOIR_LOG_FORMAT", "text")
    # GET /readyz fails once no scheduler has run for this long (default: 4 sweep
    # intervals, at least 2 minutes).
    READY_SCHEDULER_MAX_AGE_SECONDS = int(os.environ.get("COMPTOIR_READY_SCHEDULER_SECONDS",
                                                         "0")) or None


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = True
    SECRET_KEY = "test"
    PUBLIC_URL = "http://comptoir.test"
    # Not the instance folder: a test that needs to see its files uses its own (photo_store).
    PHOTOS_DIR = str(Path(tempfile.gettempdir()) / "comptoir-test-photos")
