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
    storage = env.get("COMPTOIR_RATELIMIT_STORAGE", "memory://")
    if workers > 1 and storage.startswith("memory://"):
        problems.append(("warning", f"{workers} workers with COMPTOIR_RATELIMIT_STORAGE="
                                    f"memory://: each worker counts alone, so every rate "
                                    f"limit lets {workers} times more through. Set "
                                    f"COMPTOIR_RATELIMIT_STORAGE=redis://127.0.0.1:6379/0."))
    return problems
