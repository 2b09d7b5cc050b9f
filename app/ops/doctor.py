"""`flask --app wsgi doctor`: are the settings those of a real deployment? Each check
prints OK or FAIL with what to do, in plain words; any FAIL exits 1.

The checks read a config mapping (the app's, or config.Config's) and the environment,
never need a running app, and talk to the outside only to see that it answers: the
database, Redis, Stripe and Twilio, each with a short timeout. `python -m app.ops.doctor`
runs the same checks without loading the app (for when it refuses to start)."""
import ipaddress
import os
import sys
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.ops.readiness import schema_problem
from app.security import MAKE_SECRET, secret_key_problem

TIMEOUT_SECONDS = 5


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def default_workers(cores: int | None = None) -> int:
    """bin/serve's WEB_CONCURRENCY when unset: 2 x cores + 1, at least 2, at most 12."""
    cores = cores or os.cpu_count() or 1
    return max(2, min(12, 2 * cores + 1))


def workers_from(env: Mapping) -> int:
    raw = env.get("WEB_CONCURRENCY", "")
    return int(raw) if raw.strip().isdigit() and int(raw) > 0 else default_workers()


# --- the secret key -------------------------------------------------------------------

def check_secret_key(config: Mapping, _env) -> Check:
    problem = secret_key_problem(config.get("SECRET_KEY"))
    if problem:
        return Check("secret key", False, problem,
                     f"make one with `{MAKE_SECRET}` and set it as SECRET_KEY (keep it "
                     f"out of the repository; changing it signs everyone out)")
    return Check("secret key", True, f"set, {len(config['SECRET_KEY'])} characters")


# --- the public address ---------------------------------------------------------------

def check_public_url(config: Mapping, _env) -> Check:
    url = config.get("PUBLIC_URL") or ""
    fix = ("set COMPTOIR_PUBLIC_URL to the https address shoppers and webhooks reach, "
           "e.g. https://comptoir.example-town.fr (SMS links and Twilio's signatures use it)")
    parts = urlsplit(url)
    if parts.scheme != "https":
        return Check("public URL", False, f"{url or '(empty)'} is not https", fix)
    host = (parts.hostname or "").lower()
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".test")):
        return Check("public URL", False, f"{url} is not reachable from outside", fix)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and (address.is_loopback or address.is_private
                                or address.is_unspecified or address.is_link_local):
        return Check("public URL", False, f"{url} is not reachable from outside", fix)
    return Check("public URL", True, url)


# --- the database ---------------------------------------------------------------------

def check_database(config: Mapping, _env) -> Check:
    uri = config.get("SQLALCHEMY_DATABASE_URI") or ""
    try:
        url = sa.engine.make_url(uri)
    except sa.exc.ArgumentError:
        return Check("database", False, "DATABASE_URL is not a database URL",
                     "set DATABASE_URL=postgresql://comptoir@localhost/comptoir")
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() != "postgresql":
        return Check("database", False, f"{shown} is not PostgreSQL",
                     "SQLite is for the demo (one process, one file): create a PostgreSQL "
                     "database and set DATABASE_URL=postgresql://comptoir@localhost/comptoir")
    engine = sa.create_engine(url, connect_args={"connect_timeout": TIMEOUT_SECONDS},
                              poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            problem = schema_problem(connection)
    except sa.exc.SQLAlchemyError as error:
        first = (str(getattr(error, "orig", error)).strip().splitlines() or ["?"])[0]
        return Check("database", False, f"{shown} does not answer: {first[:200]}",
                     "start PostgreSQL, check the host, user and password in DATABASE_URL, "
                     "and that the database exists (createdb comptoir)")
    finally:
        engine.dispose()
    if problem:
        return Check("database", False, f"{shown}: {problem}",
                     "run `flask --app wsgi db upgrade` (bin/serve does it at each start)")
    return Check("database", True, f"{shown}, PostgreSQL, schema up to date")


# --- the rate limits' store -----------------------------------------------------------

def check_rate_limit_store(config: Mapping, env: Mapping) -> Check:
    storage = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    workers = workers_from(env)
    if storage.startswith("memory://"):
        if workers > 1:
            return Check("rate limits", False,
                         f"{workers} workers each keep their own counts (memory://): a "
                         f"limit of 10 lets {workers * 10} through",
                         "install Redis (apt install redis-server) and set "
                         "COMPTOIR_RATELIMIT_STORAGE=redis://127.0.0.1:6379/0")
        return Check("rate limits", True, "one worker, memory:// is enough")
    if not storage.startswith(("redis://", "rediss://", "unix://")):
        return Check("rate limits", True, f"{storage.split('://')[0]}:// store (not checked)")
    problem = redis_problem(storage)
    shown = _hide_password(storage)
    if problem:
        return Check("rate limits", False, f"Redis at {shown} does not answer: {problem}",
                     "start Redis (systemctl start redis-server) or correct "
                     "COMPTOIR_RATELIMIT_STORAGE")
    return Check("rate limits", True, f"Redis at {shown} answers, shared by {workers} workers")


def redis_problem(url: str, timeout: float = 3) -> str | None:
    import redis
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                      socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as error:
        return str(error)[:200] or type(error).__name__
    return None


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


# --- payments and SMS -----------------------------------------------------------------

def check_payments(config: Mapping, _env) -> Check:
    choice = config.get("PAYMENTS") or "offline"
    if choice == "offline":
        return Check("payments", False,
                     "COMPTOIR_PAYMENTS=offline: the 'test_ok' method pays any order for free",
                     "set COMPTOIR_PAYMENTS=stripe with STRIPE_SECRET_KEY, "
                     "STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET")
    if choice != "stripe":
        return Check("payments", False, f"COMPTOIR_PAYMENTS={choice} is not known",
                     "set COMPTOIR_PAYMENTS=stripe")
    missing = [name for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY",
                                 "STRIPE_WEBHOOK_SECRET") if not config.get(name)]
    if missing:
        return Check("payments", False, f"Stripe without {', '.join(missing)}",
                     "copy them from the Stripe dashboard (Developers > API keys, and the "
                     "webhook endpoint's signing secret)")
    problem = stripe_problem(config)
    if problem:
        return Check("payments", False, f"Stripe: {problem}",
                     "check STRIPE_SECRET_KEY (and STRIPE_API_BASE if set) and that this "
                     "server reaches the Internet over https")
    mode = "test mode" if config["STRIPE_SECRET_KEY"].startswith("sk_test_") else "live"
    return Check("payments", True, f"Stripe answers, key accepted ({mode})")


def stripe_problem(config: Mapping) -> str | None:
    """A read of a PaymentIntent that does not exist: Stripe answers 404 to a key it
    accepts, 401 to one it refuses; nothing is created."""
    import stripe
    base = config.get("STRIPE_API_BASE")
    client = stripe.StripeClient(config["STRIPE_SECRET_KEY"],
                                 base_addresses={"api": base} if base else None,
                                 max_network_retries=0,
                                 http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS))
    try:
        client.v1.payment_intents.retrieve("pi_comptoir_doctor")
    except stripe.InvalidRequestError as error:
        return None if error.http_status == 404 else str(error.user_message or error)[:200]
    except stripe.AuthenticationError:
        return "the secret key was refused"
    except stripe.APIConnectionError:
        return "unreachable"
    except stripe.StripeError as error:
        return str(error.user_message or error)[:200]
    return None


def check_sms(config: Mapping, _env) -> Check:
    choice = config.get("SMS") or "log"
    if choice == "log":
        return Check("SMS", False,
                     "COMPTOIR_SMS=log: no SMS leaves, and phone numbers and texts are "
                     "written into the log",
                     "set COMPTOIR_SMS=twilio with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN "
                     "and TWILIO_FROM")
    if choice != "twilio":
        return Check("SMS", False, f"COMPTOIR_SMS={choice} is not known",
                     "set COMPTOIR_SMS=twilio")
    missing = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")
               if not config.get(name)]
    if missing:
        return Check("SMS", False, f"Twilio without {', '.join(missing)}",
                     "copy them from the Twilio console (Account Info, and the sending "
                     "number)")
    problem = twilio_problem(config)
    if problem:
        return Check("SMS", False, f"Twilio: {problem}",
                     "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (and TWILIO_API_BASE "
                     "if set) and that this server reaches the Internet over https")
    return Check("SMS", True, "Twilio answers, credentials accepted")


def twilio_problem(config: Mapping) -> str | None:
    """A list of at most one message: the lightest call that needs valid credentials."""
    import requests
    from twilio.base.exceptions import TwilioException, TwilioRestException
    from twilio.rest import Client

    from app.notify.twilio_sms import ApiBaseHttpClient
    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                    http_client=ApiBaseHttpClient(config.get("TWILIO_API_BASE"),
                                                  timeout=TIMEOUT_SECONDS))
    try:
        client.messages.list(limit=1)
    except TwilioRestException as error:
        return _twilio_refusal(error.status, error.msg)
    except TwilioException as error:
        # A page that could not be fetched: the SDK gives the HTTP response along.
        response = error.args[1] if len(error.args) > 1 else None
        status = getattr(response, "status_code", None)
        if status is None:
            return "unreachable"
        return _twilio_refusal(status, getattr(response, "text", ""))
    except requests.RequestException:
        return "unreachable"
    return None


def _twilio_refusal(status: int, text) -> str:
    if status in (401, 403):
        return "the account SID or auth token was refused"
    return f"HTTP {status}: {str(text)[:200]}"


def check_metrics(config: Mapping, _env) -> Check:
    token = config.get("METRICS_TOKEN")
    if not token:
        return Check("metrics", True, "GET /metrics is off (COMPTOIR_METRICS_TOKEN unset)")
    if len(token) < 16:
        return Check("metrics", False, "COMPTOIR_METRICS_TOKEN is shorter than 16 characters",
                     f"make one with `{MAKE_SECRET}`")
    return Check("metrics", True, "GET /metrics needs its bearer token")


CHECKS: list[Callable[[Mapping, Mapping], Check]] = [
    check_secret_key, check_public_url, check_database, check_rate_limit_store,
    check_payments, check_sms, check_metrics]


def run_checks(config: Mapping, env: Mapping | None = None) -> list[Check]:
    env = os.environ if env is None else env
    results = []
    for check in CHECKS:
        try:
            results.append(check(config, env))
        except Exception as error:  # a check that breaks is a FAIL, never a traceback
            results.append(Check(check.__name__.removeprefix("check_").replace("_", " "),
                                 False, f"could not be checked: {error!r}"[:300],
                                 "see the message above"))
    return results


def report(results: list[Check], echo=print) -> int:
    """Prints each check; returns the exit status (1 on any FAIL)."""
    for result in results:
        echo(f"{'OK  ' if result.ok else 'FAIL'}  {result.name}: {result.detail}")
        if not result.ok and result.fix:
            echo(f"      fix: {result.fix}")
    failed = sum(not r.ok for r in results)
    if failed:
        echo(f"{failed} problem{'s' if failed > 1 else ''}: not ready for production.")
        return 1
    echo("Everything a deployment needs is in place.")
    return 0


def main() -> int:
    try:
        from dotenv import load_dotenv
        load_dotenv()  # as `flask` does
    except ImportError:
        pass
    import importlib

    import config as settings
    settings = importlib.reload(settings)  # read again, with the .env file's values
    config = {name: getattr(settings.Config, name) for name in dir(settings.Config)
              if name.isupper()}
    return report(run_checks(config))


if __name__ == "__main__":
    sys.exit(main())
