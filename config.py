"""Settings, read from the environment (see ../shared/api-v1.md, "Running")."""
import os
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
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    TOWN_NAME = os.environ.get("COMPTOIR_TOWN_NAME", "Le Puy-en-Velay")
    TIMEZONE = os.environ.get("COMPTOIR_TIMEZONE", "Europe/Paris")
    # Links in SMS must be absolute; requests are not around when the outbox is filled.
    PUBLIC_URL = os.environ.get("COMPTOIR_PUBLIC_URL", "http://127.0.0.1:5000")
    PAYMENTS = os.environ.get("COMPTOIR_PAYMENTS", "offline")
    SMS = os.environ.get("COMPTOIR_SMS", "log")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN")
    TWILIO_FROM = os.environ.get("TWILIO_FROM")
    TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # a checkout is a few KB; CSV imports go by CLI
    WTF_CSRF_TIME_LIMIT = None  # a phone left on the checkout page overnight must still submit
    # Bearer tokens of the merchant API stay valid this long.
    API_TOKEN_MAX_AGE = 30 * 24 * 3600
    SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("COMPTOIR_SWEEP_SECONDS", "30"))


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = True
    SECRET_KEY = "test"
    PUBLIC_URL = "http://comptoir.test"
