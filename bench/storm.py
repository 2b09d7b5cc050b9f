"""A storm of shoppers on a real deployment: PostgreSQL, gunicorn with 4 workers, 2
scheduler processes, Stripe failing one call in ten, a worker killed in the middle.

    .venv/bin/python bench/storm.py [--shoppers 300] [--workers 4] [--schedulers 2]

Creates a fresh PostgreSQL database on COMPTOIR_TEST_POSTGRES (default
postgresql://postgres@127.0.0.1:5432; dropped at the end), migrates it (`flask db upgrade`)
and seeds two shops: 50 units over four products, 2 seats per 15-minute slot, holds of one
minute. It serves the app as bin/serve would: `gunicorn -w 4 wsgi:app` (gunicorn.conf.py)
and two `flask jobs scheduler` (sweeps every 2 s), with a random SECRET_KEY,
COMPTOIR_PAYMENTS=stripe pointed at the suite's fake Stripe (tests/payments/fake_stripe.py,
run in this process, `fail_every = 10`: every tenth call answers 500 without doing
anything), COMPTOIR_SMS=twilio pointed at the fake Twilio (tests/notify/fake_twilio.py,
a few sends answered too late for the client, a few 500s), Redis as the rate-limit store
when it answers on 127.0.0.1:6379, and COMPTOIR_PROXIES=1: each shopper sends its own
X-Forwarded-For and phone number, so the per-address and per-phone limits on pending
checkouts see 300 people, not one.

Then 300 threads start at once (a barrier), each a shopper: POST /api/v1/checkouts with
an Idempotency-Key (a cut connection or a 503 is retried with the same key; a full slot
once with another slot); with a hold, most confirm the PaymentIntent at the fake Stripe
and deliver its signed webhook as Stripe would (retried on a 5xx or a cut connection),
one in five abandons, one in twenty pays after its hold ran out (the authorisation must
be released, not placed). When a quarter of the checkouts have been answered (every
worker busy, the others queued), one gunicorn worker gets SIGKILL.

After the holds ran out and the schedulers swept, the schedulers are stopped and one
`flask jobs run-once` does a final sweep; the checks are then read in SQL (and at the
fakes): units oversold, seats over capacity, 5xx answers, authorisations per placed
checkout, holds left, SMS sent twice. Last, the same 300 threads ask GET /healthz as
often as they asked the shop: the ceiling of this server on this machine.

It prints requests per second, p50/p99 of the checkout and of /healthz, and the checks;
it exits 1 when a check fails. Only 127.0.0.1 is contacted; it stops by itself (about
two minutes).
"""
import argparse
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, time as dtime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

VENV = ROOT / ".venv" / "bin"
SERVER = os.environ.get("COMPTOIR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
WEBHOOK_SECRET = "whsec_storm_" + secrets.token_hex(8)
HOLD_MINUTES = 1
SEATS = 2
SWEEP_SECONDS = 2
# (shop slug, product name, units, price): 50 units in all.
STOCK = [("boulangerie", "Baguette tradition", 13, 130), ("boulangerie", "Pain de seigle", 12, 420),
         ("fromagerie", "Saint-Nectaire", 13, 1250), ("fromagerie", "Fourme d'Ambert", 12, 890)]
SLOTS_OFFERED = 8  # shoppers spread over the first slots starting 30 minutes from now
ABANDON, LATE = 0.20, 0.05  # shares of holders who never pay, who pay after the hold ran out
DEADLINE_SECONDS = 240  # the whole run, whatever happens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shoppers", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--schedulers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=None, help="random seed of the baskets")
    args = parser.parse_args()
    random.seed(args.seed)
    name = f"comptoir_storm_{secrets.token_hex(4)}"
    admin = sa.create_engine(database_url(SERVER + "/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="comptoir-storm-") as tmp:
            return Storm(SERVER + "/" + name, Path(tmp), args).run()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def database_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(url="redis://127.0.0.1:6379/0") -> bool:
    try:
        import redis
        return redis.Redis.from_url(url, socket_timeout=1).ping()
    except Exception:
        return False


def pct(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank), in ms."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


class Storm:
    def __init__(self, db_url: str, tmp: Path, args):
        from tests.notify.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilio
        from tests.payments.fake_stripe import FakeStripe

        self.args, self.tmp, self.db_url = args, tmp, database_url(db_url)
        self.deadline = time.monotonic() + DEADLINE_SECONDS
        self.stripe = FakeStripe(secret_key="sk_test_storm_" + secrets.token_hex(8)).start()
        self.stripe.fail_every = 10
        self.twilio = FakeTwilio(lambda: datetime.now(timezone.utc)).start()
        # A few sends done but answered after the client gave up, a few refused for a while:
        # the flush must look them up rather than send them twice.
        for fault in ("slow", "500", "slow", "503", "slow"):
            self.twilio.fail_next(fault)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        storage = "redis://127.0.0.1:6379/9" if redis_answers() else "memory://"
        metrics_dir = tmp / "metrics"
        metrics_dir.mkdir()
        self.env = {**os.environ,
                    "DATABASE_URL": self.db_url, "SECRET_KEY": secrets.token_hex(32),
                    "COMPTOIR_PUBLIC_URL": self.base, "COMPTOIR_PROXIES": "1",
                    "COMPTOIR_PAYMENTS": "stripe", "STRIPE_API_BASE": self.stripe.url,
                    "STRIPE_SECRET_KEY": self.stripe.secret_key,
                    "STRIPE_PUBLISHABLE_KEY": "pk_test_storm",
                    "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                    "COMPTOIR_SMS": "twilio", "TWILIO_API_BASE": self.twilio.url,
                    "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                    "TWILIO_FROM": FROM, "TWILIO_TIMEOUT_SECONDS": "0.5",
                    "COMPTOIR_RATELIMIT_STORAGE": storage,
                    "COMPTOIR_SWEEP_SECONDS": str(SWEEP_SECONDS),
                    "COMPTOIR_LOG_FORMAT": "json", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
                    "HOST": "127.0.0.1", "PORT": str(self.port), "FLASK_APP": "wsgi"}
        self.env.pop("WEB_CONCURRENCY", None)
        self.storage = storage
        self.procs: list[subprocess.Popen] = []
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {"checkout": [], "webhook": [],
                                                  "webhook-late": [], "other": []}
        self.burst_end = 0.0  # the last answer of the burst (before the late payers pay)
        self.statuses: Counter = Counter()      # (what, status) -> answers
        self.server_errors: list[str] = []      # every 5xx answer, described
        self.cut: Counter = Counter()           # what -> connections cut (no answer)
        self.outcomes: Counter = Counter()
        self.holders: dict[int, dict] = {}      # checkout id -> what the shopper did
        self.kill_after = max(1, args.shoppers // 4)  # checkout answers before the kill
        self.killed_pid: int | None = None
        self.kill_at: float | None = None

    # --- set-up -------------------------------------------------------------------------

    def flask(self, *argv, **kw) -> subprocess.CompletedProcess:
        return subprocess.run([str(VENV / "flask"), "--app", "wsgi", *argv], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=120, **kw)

    def seed(self) -> dict:
        """The shops and products, written through the app's own services."""
        from app import create_app
        from app.extensions import db
        from app.pickup.services import next_bookable_slots
        from app.timeutil import iso
        from tests.factories import make_product, make_shop

        app = create_app({"SQLALCHEMY_DATABASE_URI": self.db_url,
                          "SECRET_KEY": self.env["SECRET_KEY"]})
        now = datetime.now(timezone.utc)
        every_day = [(day, dtime(0, 0), dtime(23, 45)) for day in range(7)]
        world = {"shops": {}, "products": []}
        with app.app_context():
            shops = {}
            for slug, label in (("boulangerie", "Boulangerie Martin"),
                                ("fromagerie", "Fromagerie du Puy")):
                shops[slug] = make_shop(slug, label, hours=every_day, prep_minutes=0,
                                        hold_minutes=HOLD_MINUTES, seats_per_slot=SEATS)
            for slug, product, units, price in STOCK:
                p = make_product(shops[slug], product, price, stock=units)
                world["products"].append({"id": p.id, "shop": slug})
            soon = now + timedelta(minutes=30)
            for slug, shop in shops.items():
                starts = [s.start for _day, slots in next_bookable_slots(shop, now, days=2)
                          for s in slots if s.start >= soon]
                world["shops"][slug] = [iso(s) for s in starts[:SLOTS_OFFERED]]
            db.session.remove()
            db.engine.dispose()
        return world

    def start_server(self) -> None:
        log = open(self.tmp / "gunicorn.log", "w")
        self.gunicorn = subprocess.Popen(
            [str(VENV / "gunicorn"), "-w", str(self.args.workers), "-b",
             f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(self.gunicorn)
        self.schedulers = []
        for i in range(self.args.schedulers):
            out = open(self.tmp / f"scheduler{i}.log", "w")
            proc = subprocess.Popen([str(VENV / "flask"), "--app", "wsgi", "jobs", "scheduler"],
                                    cwd=ROOT, env=self.env, stdout=out,
                                    stderr=subprocess.STDOUT)
            self.schedulers.append(proc)
            self.procs.append(proc)
        for _ in range(300):
            try:
                if requests.get(f"{self.base}/healthz", timeout=5).status_code == 200 \
                        and len(self.workers()) == self.args.workers:
                    return
            except requests.RequestException:
                pass  # the workers are still importing the app
            if self.gunicorn.poll() is not None:
                raise SystemExit("gunicorn stopped:\n" + (self.tmp / "gunicorn.log").read_text())
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer in 60 s")

    def workers(self) -> list[int]:
        """The master's children: its workers."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.gunicorn.pid:
                found.append(int(stat.parent.name))
        return found

    def stop(self, procs, sig=signal.SIGTERM) -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(sig)
        for proc in procs:
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    # --- the shoppers -------------------------------------------------------------------

    def call(self, what: str, method: str, path: str, *, retry_cut=True, **kw):
        """One request; a cut connection (the killed worker) is counted and, when asked,
        sent again once, as a browser's retry would with the same Idempotency-Key."""
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                answer = requests.request(method, self.base + path, timeout=60, **kw)
            except requests.ConnectionError as error:
                with self.lock:
                    self.cut[what] += 1
                if attempt == 2 or not retry_cut:
                    raise error
                time.sleep(0.2)
                continue
            took = (time.perf_counter() - started) * 1000
            with self.lock:
                self.latencies.get(what, self.latencies["other"]).append(took)
                # In the middle of the storm, when every worker is busy: kill one.
                if what == "checkout" and len(self.latencies["checkout"]) == self.kill_after:
                    threading.Thread(target=self.kill_a_worker, daemon=True).start()
                self.statuses[(what, answer.status_code)] += 1
                if answer.status_code >= 500:
                    self.server_errors.append(f"{method} {path}: {answer.status_code} "
                                              f"{answer.text[:200]}")
            return answer

    def shopper(self, n: int, world: dict, barrier: threading.Barrier) -> None:
        rng = random.Random(n)
        phone = f"06{n:08d}"
        headers = {"X-Forwarded-For": f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"}
        lines_by_shop: dict[str, list] = {}
        for product in rng.sample(world["products"], rng.choice((1, 1, 2))):
            lines_by_shop.setdefault(product["shop"], []).append(
                {"product_id": product["id"], "quantity": rng.choice((1, 1, 2))})
        barrier.wait()
        try:
            self._shop(n, rng, phone, headers, lines_by_shop, world)
        except requests.ConnectionError:
            with self.lock:
                self.outcomes["gave up: connection cut twice"] += 1
        except Exception as error:  # noqa: BLE001  a bench bug must not hide the others
            with self.lock:
                self.outcomes[f"bench error: {type(error).__name__}: {error}"[:120]] += 1

    def _shop(self, n, rng, phone, headers, lines_by_shop, world) -> None:
        answer = None
        for tries in range(3):
            body = {"customer": {"name": f"Client {n}", "phone": phone},
                    "orders": [{"shop": shop, "slot": rng.choice(world["shops"][shop]),
                                "lines": lines} for shop, lines in lines_by_shop.items()]}
            key = uuid.uuid4().hex
            answer = self.call("checkout", "POST", "/api/v1/checkouts", json=body,
                               headers={**headers, "Idempotency-Key": key})
            if answer.status_code == 503:  # Stripe did not answer: same key, a moment later
                time.sleep(1)
                answer = self.call("checkout", "POST", "/api/v1/checkouts", json=body,
                                   headers={**headers, "Idempotency-Key": key})
            code = answer.json().get("error", {}).get("code") if answer.status_code >= 400 \
                else None
            if code != "slot_full":
                break
        if answer.status_code != 201:
            self.burst_done()
            code = answer.json().get("error", {}).get("code", "?")
            with self.lock:
                self.outcomes[f"refused {answer.status_code} {code}"] += 1
            return
        checkout = answer.json()
        intent = checkout["payment"].get("payment_intent")
        fate = rng.random()
        plan = "abandon" if fate < ABANDON else "late" if fate < ABANDON + LATE else "pay"
        with self.lock:
            self.holders[checkout["id"]] = {"plan": plan, "intent": intent,
                                            "expires": checkout["hold_expires_at"]}
            self.outcomes[f"held ({plan})"] += 1
        if plan == "abandon" or intent is None:
            self.burst_done()
            return
        if plan == "late":
            self.burst_done()
            expires = datetime.fromisoformat(checkout["hold_expires_at"])
            wait = (expires - datetime.now(timezone.utc)).total_seconds() + 2 * SWEEP_SECONDS + 1
            time.sleep(max(0.0, min(wait, self.deadline - time.monotonic() - 60)))
        self.stripe.confirm(intent, "ok")  # the shopper's card, through Stripe.js
        outcome = self.deliver(intent, "webhook-late" if plan == "late" else "webhook")
        if plan != "late":
            self.burst_done()
        with self.lock:
            self.holders[checkout["id"]]["webhook"] = outcome
            self.outcomes[f"webhook ({plan}): {outcome}"] += 1

    def burst_done(self) -> None:
        with self.lock:
            self.burst_end = max(self.burst_end, time.perf_counter())

    def deliver(self, intent: str, what: str) -> str:
        """Stripe posting the event, and again while the answer is a 5xx or none."""
        from tests.payments.fake_stripe import sign

        event = self.stripe.event("payment_intent.amount_capturable_updated", intent)
        for _ in range(4):
            try:
                answer = self.call(what, "POST", "/api/v1/webhooks/stripe", data=event,
                                   retry_cut=False,
                                   headers={"Stripe-Signature": sign(event, WEBHOOK_SECRET),
                                            "Content-Type": "application/json"})
            except requests.ConnectionError:
                time.sleep(0.5)
                continue
            if answer.status_code < 500:
                return answer.json().get("outcome", str(answer.status_code))
            time.sleep(0.5)
        return "not delivered"

    def kill_a_worker(self) -> None:
        pids = self.workers()
        if pids:
            self.killed_pid = random.choice(pids)
            self.kill_at = time.perf_counter()
            os.kill(self.killed_pid, signal.SIGKILL)

    def crowd(self, target, count: int) -> float:
        """`count` threads released at once; the seconds until the last one is done."""
        barrier = threading.Barrier(count + 1)
        threads = [threading.Thread(target=target, args=(i, barrier), daemon=True)
                   for i in range(count)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join(timeout=max(1.0, self.deadline - time.monotonic()))
        return time.perf_counter() - started

    def ceiling(self, per_thread: int) -> tuple[float, list[float]]:
        latencies: list[float] = []
        statuses: Counter = Counter()
        lock = threading.Lock()

        def asker(_i, barrier):
            barrier.wait()
            for _ in range(per_thread):
                started = time.perf_counter()
                try:
                    status = requests.get(f"{self.base}/healthz", timeout=60).status_code
                except requests.ConnectionError:
                    status = "cut"
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[status] += 1

        took = self.crowd(asker, self.args.shoppers)
        if set(statuses) != {200}:
            print(f"  /healthz answers: {dict(statuses)}")
        return len(latencies) / took, latencies

    # --- the run ------------------------------------------------------------------------

    def run(self) -> int:
        migrated = self.flask("db", "upgrade")
        if migrated.returncode:
            raise SystemExit("db upgrade failed:\n" + migrated.stderr[-3000:])
        world = self.seed()
        try:
            self.start_server()
            print(f"gunicorn -w {self.args.workers} on {self.base}, {self.args.schedulers} "
                  f"schedulers (sweeps every {SWEEP_SECONDS} s), rate limits in "
                  f"{self.storage}; fake Stripe fails every 10th call")
            storm_started = time.perf_counter()
            storm = self.crowd(lambda i, b: self.shopper(i, world, b), self.args.shoppers)
            requests_sent = sum(self.statuses.values()) + sum(self.cut.values())
            late_window = [h for h in self.holders.values() if h["plan"] == "late"]
            self.wait_for_holds()
            self.stop(self.schedulers)
            final = self.flask("jobs", "run-once")
            ceiling_rps, ceiling_lat = self.ceiling(
                max(1, round(requests_sent / self.args.shoppers)))
        finally:
            self.stop([p for p in self.procs if p is not self.gunicorn])
            if hasattr(self, "gunicorn"):
                self.stop([self.gunicorn])
            self.stripe.stop()
            self.twilio.stop()
        self.log_problems = self.scan_logs()
        checks = self.checks(world)
        self.report(storm, storm_started, requests_sent, late_window, final,
                    ceiling_rps, ceiling_lat, checks)
        return 0 if all(ok for _name, ok, _detail in checks) else 1

    def wait_for_holds(self) -> None:
        """Until every hold has run out and two sweeps have passed (bounded)."""
        if not self.holders:
            return
        last = max(datetime.fromisoformat(h["expires"]) for h in self.holders.values())
        wait = (last - datetime.now(timezone.utc)).total_seconds() + 3 * SWEEP_SECONDS
        time.sleep(max(0.0, min(wait, self.deadline - time.monotonic() - 30)))

    def scan_logs(self) -> dict:
        """Tracebacks and 5xx request lines in gunicorn's and the schedulers' output."""
        found: Counter = Counter()
        for log in self.tmp.glob("*.log"):
            for line in log.read_text(errors="replace").splitlines():
                if "Traceback" in line:
                    found[f"{log.stem}: traceback"] += 1
                if '"status": 5' in line or "[ERROR]" in line or '"level": "ERROR"' in line:
                    found[f"{log.stem}: {line[:160]}"] += 1
        return dict(found) or "no traceback, no 5xx line, no error"

    # --- afterwards, in SQL -------------------------------------------------------------

    def checks(self, world) -> list[tuple[str, bool, str]]:
        engine = sa.create_engine(self.db_url)
        q = lambda sql, **kw: conn.execute(sa.text(sql), kw).all()  # noqa: E731
        out = []
        with engine.connect() as conn:
            bad = q("SELECT id, on_hand, held FROM products "
                    "WHERE held > on_hand OR on_hand < 0 OR held < 0")
            held_vs_lines = q("""
                SELECT p.id, p.held, COALESCE(SUM(l.quantity) FILTER (
                    WHERE o.status IN ('pending_payment', 'placed', 'confirmed', 'ready')), 0)
                FROM products p LEFT JOIN order_lines l ON l.product_id = p.id
                LEFT JOIN orders o ON o.id = l.order_id
                GROUP BY p.id, p.held HAVING p.held <> COALESCE(SUM(l.quantity) FILTER (
                    WHERE o.status IN ('pending_payment', 'placed', 'confirmed', 'ready')), 0)""")
            sold = q("""SELECT l.product_id, p.on_hand, SUM(l.quantity) FROM order_lines l
                        JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
                        WHERE o.status = 'placed' GROUP BY l.product_id, p.on_hand
                        HAVING SUM(l.quantity) > p.on_hand""")
            out.append(("units oversold", not bad and not held_vs_lines and not sold,
                        f"held > on hand: {len(bad)}; held unlike open lines: "
                        f"{len(held_vs_lines)}; placed > on hand: {len(sold)}"))
            over = q("""SELECT s.shop_id, s.slot_start, s.taken, sh.seats_per_slot
                        FROM slot_seats s JOIN shops sh ON sh.id = s.shop_id
                        WHERE s.taken > sh.seats_per_slot OR s.taken < 0""")
            unlike = q("""SELECT s.shop_id, s.slot_start, s.taken, COUNT(o.id) FROM slot_seats s
                          LEFT JOIN orders o ON o.shop_id = s.shop_id
                          AND o.slot_start = s.slot_start
                          AND o.status IN ('pending_payment', 'placed', 'confirmed', 'ready')
                          GROUP BY s.shop_id, s.slot_start, s.taken
                          HAVING s.taken <> COUNT(o.id)""")
            out.append(("seats over capacity", not over and not unlike,
                        f"over: {len(over)}; taken unlike open orders: {len(unlike)}"))
            out.append(("5xx answers", not self.server_errors,
                        f"{len(self.server_errors)} (connections cut by the kill, no answer: "
                        f"{sum(self.cut.values())})"))
            auths = q("""SELECT c.id, c.status, COUNT(t.id) FROM checkouts c
                         LEFT JOIN payment_transactions t ON t.checkout_id = c.id
                         AND t.kind = 'authorize' AND t.status = 'succeeded'
                         GROUP BY c.id, c.status""")
            placed = [row for row in auths if row[1] == "placed"]
            not_one = [row for row in placed if row[2] != 1]
            intents = Counter(pi["metadata"].get("checkout_id")
                              for pi in self.stripe.intents.values())
            twice_at_stripe = [c for c, k in intents.items() if k > 1]
            late_auth = [row[0] for row in auths if row[1] != "placed" and row[2]]
            unreleased = [cid for cid in late_auth
                          if self.stripe.intents.get(self.holders.get(cid, {}).get("intent"),
                                                     {}).get("status") != "canceled"]
            out.append(("1 authorisation per paid checkout", not not_one and not twice_at_stripe
                        and not unreleased,
                        f"{len(placed)} placed; not exactly one: {len(not_one)}; checkouts "
                        f"with 2+ PaymentIntents: {len(twice_at_stripe)}; authorised after "
                        f"the hold: {len(late_auth)}, not released at Stripe: "
                        f"{len(unreleased)}"))
            pending = q("SELECT COUNT(*) FROM checkouts WHERE status = 'pending_payment'")[0][0]
            pending_orders = q("SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'")[0][0]
            out.append(("holds left after the sweep", pending == 0 and pending_orders == 0,
                        f"checkouts {pending}, orders {pending_orders}"))
            by_ref = q("""SELECT provider_ref FROM sms_messages WHERE provider_ref IS NOT NULL
                          GROUP BY provider_ref HAVING COUNT(*) > 1""")
            by_order = q("""SELECT order_id, kind FROM sms_messages WHERE order_id IS NOT NULL
                            GROUP BY order_id, kind HAVING COUNT(*) > 1""")
            at_twilio = Counter((m["to"], m["body"]) for m in self.twilio.messages)
            twice = [k for k, c in at_twilio.items() if c > 1]
            sms = dict(q("SELECT status, COUNT(*) FROM sms_messages GROUP BY status"))
            out.append(("SMS sent twice", not by_ref and not by_order and not twice,
                        f"same provider ref: {len(by_ref)}; same order and kind: "
                        f"{len(by_order)}; same text to the same phone at Twilio: {len(twice)}"
                        f" ({len(self.twilio.messages)} received; outbox {sms})"))
            self.summary = {
                "checkouts": dict(Counter(row[1] for row in auths)),
                "orders": dict(q("SELECT status, COUNT(*) FROM orders GROUP BY status")),
                "jobs": dict(q("SELECT kind || ':' || status, COUNT(*) FROM payment_jobs "
                               "GROUP BY kind, status")),
                "units placed": q("""SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l
                                     JOIN orders o ON o.id = l.order_id
                                     WHERE o.status = 'placed'""")[0][0],
                "seats taken": q("SELECT COALESCE(SUM(taken), 0) FROM slot_seats")[0][0],
            }
        engine.dispose()
        return out

    def report(self, storm, storm_started, requests_sent, late_window, final, ceiling_rps,
               ceiling_lat, checks) -> None:
        checkout = self.latencies["checkout"]
        print(f"\n{self.args.shoppers} shoppers at once; worker {self.killed_pid} killed "
              f"(SIGKILL) at {self.kill_at - storm_started if self.kill_at else float('nan'):.1f}"
              f" s; storm {storm:.1f} s (late payers included)")
        answered = sum(self.statuses.values())
        late = sum(c for (w, _s), c in self.statuses.items() if w == "webhook-late")
        print(f"  requests: {requests_sent} sent, {answered} answered, "
              f"{sum(self.cut.values())} cut ({dict(self.cut)}); answers "
              f"{dict(sorted((f'{w} {s}', c) for (w, s), c in self.statuses.items()))}")
        burst = max(1e-9, self.burst_end - storm_started)
        print(f"  storm: {(answered - late) / burst:.0f} requests/s over the {burst:.1f} s "
              f"burst (the late payers' webhooks left out); checkout p50 "
              f"{pct(checkout, 50):.0f} ms, p99 {pct(checkout, 99):.0f} ms ({len(checkout)} "
              f"answers); webhook p50 {pct(self.latencies['webhook'], 50):.0f} ms, p99 "
              f"{pct(self.latencies['webhook'], 99):.0f} ms")
        print(f"  ceiling: GET /healthz, same server, {self.args.shoppers} threads: "
              f"{ceiling_rps:.0f} requests/s, p50 {pct(ceiling_lat, 50):.0f} ms, "
              f"p99 {pct(ceiling_lat, 99):.0f} ms ({len(ceiling_lat)} requests)")
        print(f"  shoppers: {dict(sorted(self.outcomes.items()))}")
        print(f"  fake Stripe: {self.stripe.failed_calls} of {len(self.stripe.requests)} calls "
              f"answered 500; fake Twilio: {len(self.twilio.messages)} messages")
        print(f"  final sweep (jobs run-once): "
              f"{' | '.join(final.stdout.split(chr(10))).strip(' |')} (exit {final.returncode})")
        print(f"  database: {self.summary}")
        print(f"  server logs: {self.log_problems}")
        print("checks:")
        for name, ok, detail in checks:
            print(f"  {'ok  ' if ok else 'FAIL'} {name}: {detail}")
        for line in self.server_errors[:10]:
            print(f"  5xx: {line}")


if __name__ == "__main__":
    sys.exit(main())
