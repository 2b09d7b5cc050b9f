"""What the web server says at start (gunicorn.conf.py's when_ready), before any worker
serves: the problems that would otherwise show only as 500s or as limits that do not
hold."""
import os

from app.ops.readiness import schema_problem_at


def startup_problems(workers: int, env=None) -> list[tuple[str, str]]:
    """[(log level, message)], each message a sentence with what to do."""
    from config import Config, database_url
    env = os.environ if env is None else env
    problems = []
    uri = database_url(env.get("DATABASE_URL")) if "DATABASE_URL" in env \
        else Config.SQLALCHEMY_DATABASE_URI
    problem = schema_problem_at(uri)
    if problem:
        problems.append(("error", f"Comptoir cannot serve: {problem}. Pages will fail and "
                                  f"GET /readyz answers 503 until this is fixed."))
    if env.get("COMPTOIR_DEMO") != "1":
        problems += [("warning", message) for message in _dangerous_defaults(env)]
    storage = env.get("COMPTOIR_RATELIMIT_STORAGE", "memory://")
    if workers > 1 and storage.startswith("memory://"):
        problems.append(("warning", f"{workers} workers with COMPTOIR_RATELIMIT_STORAGE="
                                    f"memory://: each worker counts alone, so every rate "
                                    f"limit lets {workers} times more through. Set "
                                    f"COMPTOIR_RATELIMIT_STORAGE=redis://127.0.0.1:6379/0."))
    return problems


def _dangerous_defaults(env) -> list[str]:
    """The demo's settings, fine on a laptop and silent trouble on a town's server (the
    network-free part of `flask doctor`, which says more)."""
    from app.ops.doctor import check_public_url
    said = []
    if env.get("COMPTOIR_PAYMENTS", "offline") == "offline":
        said.append("COMPTOIR_PAYMENTS=offline: the 'test_ok' method pays any order for "
                    "free. Set COMPTOIR_PAYMENTS=stripe (see `flask --app wsgi doctor`).")
    if env.get("COMPTOIR_SMS", "log") == "log":
        said.append("COMPTOIR_SMS=log: no SMS leaves, and phone numbers and texts go into "
                    "the log. Set COMPTOIR_SMS=twilio (see `flask --app wsgi doctor`).")
    public = check_public_url({"PUBLIC_URL": env.get("COMPTOIR_PUBLIC_URL", "")}, env)
    if not public.ok:
        said.append(f"COMPTOIR_PUBLIC_URL: {public.detail}; links in SMS and Twilio's "
                    f"signatures use it. {public.fix[0].upper()}{public.fix[1:]}.")
    return said
