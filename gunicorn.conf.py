"""gunicorn's settings for Comptoir. Read by bin/serve, and by a plain `gunicorn wsgi:app`
started from this folder (gunicorn loads ./gunicorn.conf.py by itself); anything given on
the command line or in GUNICORN_CMD_ARGS wins.

- Binds $HOST:$PORT (127.0.0.1:5000: nginx in front, see deploy/).
- WEB_CONCURRENCY workers, else 2 x cores + 1 (2 to 12), as bin/serve counts them.
- Metrics of all workers added up: PROMETHEUS_MULTIPROC_DIR (bin/serve sets it, shared
  with the scheduler; else a fresh folder of this server's own), a dead worker's files
  marked as such.
- At start, says what will go wrong: a database not at the code's migration (every page
  would fail), per-worker rate limits (memory://) with several workers."""
import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
if not os.environ.get("WEB_CONCURRENCY"):
    workers = max(2, min(12, 2 * (os.cpu_count() or 1) + 1))
# A card payment may wait on Stripe (STRIPE_TIMEOUT_SECONDS, retried): a worker killed
# for silence would cut the shopper's answer, so give it longer than gunicorn's 30 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "75"))
graceful_timeout = 30
# The app writes one JSON line per request (app/ops/logs.py): gunicorn's own is not needed.
accesslog = None
# gunicorn 27's control socket lives in the user's home (~/.gunicorn): a service account
# has none to write in, and signals (HUP, TERM) do what it would.
control_socket_disable = True

_own_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Set before any worker imports prometheus_client (it reads it at import).
    _own_metrics_dir = tempfile.mkdtemp(prefix="comptoir-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir
else:
    # A worker whose metrics folder is missing fails to boot: make it.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def when_ready(server):
    from app.ops.serving import startup_problems
    for level, message in startup_problems(server.cfg.workers):
        getattr(server.log, level)(message)


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
