"""What the site does for every response and at start, so that it can be served to others:
a secret key of real strength, security headers (CSP and friends), cookie flags.

A strict Content-Security-Policy: scripts and styles come from this site's static files only
(no inline script, no inline style, no event handler attribute); pages cannot be framed.
The Stripe payment page alone may load Stripe.js and its frames (`allow_stripe()`); the
embeddable catalogue alone may be framed, by the sites COMPTOIR_EMBED_ANCESTORS names
(`allow_framing()`)."""
import logging
import math
import secrets
from collections import Counter
from urllib.parse import urlsplit

from flask import Flask, g, request

log = logging.getLogger(__name__)

MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128  # an estimate from the characters' spread: catches "aaaa…", "abab…"
# Keys that shipped in code or docs at some point, and what people type when asked for one.
KNOWN_WEAK_KEYS = {"dev-only-change-me", "dev", "test", "secret", "changeme", "change-me",
                   "secret-key", "secret_key", "your-secret-key", "development", "demo",
                   "please-change-me", "supersecret", "default"}
MAKE_SECRET = "python -c 'import secrets; print(secrets.token_hex(32))'"

STRIPE_JS = "https://js.stripe.com"
# Stripe's documented needs for Stripe.js and the Payment Element (3-D Secure included).
STRIPE_FRAMES = "https://js.stripe.com https://hooks.stripe.com"
STRIPE_API = "https://api.stripe.com"

PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",   # the QR codes and the CSS's small inline images
    "connect-src": "'self'",     # the tracking page's polling
    "frame-src": "'none'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# JSON, CSV and files: nothing in them is ever run or drawn by a browser.
DATA_POLICY = {"default-src": "'none'", "frame-ancestors": "'none'", "base-uri": "'none'",
               "form-action": "'none'"}
HSTS = "max-age=31536000"  # one year; no includeSubDomains: the town's other sites are not ours


class InsecureSecretKey(RuntimeError):
    """The app would sign sessions with a key anyone may know or guess."""


def secret_key_problem(key) -> str | None:
    """None when `key` can sign sessions and API tokens; otherwise why not, in plain words.
    The one rule: the app at start and `flask doctor` both ask it."""
    if not key:
        return "SECRET_KEY is not set."
    if not isinstance(key, str) or key.strip().lower() in KNOWN_WEAK_KEYS:
        return "SECRET_KEY is a known default: anyone can sign a session with it."
    if len(key) < MIN_SECRET_LENGTH:
        return (f"SECRET_KEY is too short ({len(key)} characters; at least "
                f"{MIN_SECRET_LENGTH}).")
    spread = -sum(n / len(key) * math.log2(n / len(key)) for n in Counter(key).values())
    if spread * len(key) < MIN_SECRET_BITS:
        return "SECRET_KEY repeats itself too much to be random."
    return None


def check_secret_key(app: Flask) -> None:
    """Refuse to start without a real key, except in the tests and the demo (bin/demo)."""
    if app.testing:
        return
    if app.config.get("DEMO"):
        if not app.config.get("SECRET_KEY"):  # bin/demo always gives one; a bare run may not
            app.config["SECRET_KEY"] = secrets.token_hex(32)
            log.warning("demo without SECRET_KEY: a key for this process only "
                        "(sessions end when it stops); bin/demo keeps one in instance/")
        return
    problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem:
        raise InsecureSecretKey(
            f"{problem} Comptoir refuses to start: sessions signed with a known or weak key "
            f"can be forged. Make one with\n    {MAKE_SECRET}\nand set it in the environment "
            f"as SECRET_KEY (the same for every process: web workers, scheduler, commands). "
            f"The demo (bin/demo) makes and keeps its own.")


STRIPE_PAGE = "comptoir.csp_allow_stripe"  # in the request's environ


def allow_stripe() -> None:
    """This response's page loads Stripe.js (payment_stripe.html)."""
    request.environ[STRIPE_PAGE] = True


FRAMED_PAGE = "comptoir.csp_allow_framing"  # in the request's environ


def allow_framing() -> None:
    """This response's page is made to be shown in another site's frame (app/seo: the
    embeddable catalogue). It still sets no cookie and holds no form."""
    request.environ[FRAMED_PAGE] = True


def content_security_policy(*, html: bool, stripe: bool = False,
                            image_origin: str | None = None,
                            frame_ancestors: str | None = None) -> str:
    """`image_origin`: where the photos are served from when not from this site (an S3
    bucket's public address, COMPTOIR_PHOTOS_PUBLIC_URL)."""
    policy = dict(PAGE_POLICY if html else DATA_POLICY)
    if html and image_origin:
        policy["img-src"] += f" {image_origin}"
    if html and stripe:
        policy["script-src"] += f" {STRIPE_JS}"
        policy["frame-src"] = STRIPE_FRAMES
        policy["connect-src"] += f" {STRIPE_API}"
        policy["img-src"] += " https://*.stripe.com"
    if html and frame_ancestors:
        policy["frame-ancestors"] = frame_ancestors
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def init_app(app: Flask) -> None:
    check_secret_key(app)
    https = str(app.config.get("PUBLIC_URL") or "").lower().startswith("https://")
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    image_origin = _origin(app.config.get("PHOTOS_PUBLIC_URL"))

    @app.before_request
    def user_from_this_request():
        """The signed-in user is read from this request's cookie, never kept from an earlier
        request: Flask-Login caches it on `g`, which a request shares with an app context
        already pushed (tests, CLI), so a session ended at sign-out would live on there."""
        g.pop("_login_user", None)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        html = response.mimetype in ("text/html", "image/svg+xml")
        framed = html and request.environ.get(FRAMED_PAGE, False)
        headers.setdefault("Content-Security-Policy", content_security_policy(
            html=html, stripe=html and request.environ.get(STRIPE_PAGE, False),
            image_origin=image_origin,
            frame_ancestors=app.config["EMBED_ANCESTORS"] if framed else None))
        if not framed:  # X-Frame-Options cannot name several sites: the CSP alone says it
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def _origin(url: str | None) -> str | None:
    """scheme://host[:port] of a URL, or None."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
