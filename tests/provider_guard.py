"""A provider called with a database transaction open fails the test.

A call that leaves the process (a capture, a refund, an SMS) must never be made inside a
transaction: on SQLite that holds the whole database's write lock (or a read snapshot)
while the bank answers, on PostgreSQL row locks. The suite checks it at the edge:

- the offline providers (OfflinePayments, LogSms), called in the app's own thread, are
  wrapped by `guard_providers(app)` (called by tests/conftest.py's app_on): each call asks
  `app.database.in_transaction()` and, inside one, raises ProviderCalledInTransaction;
- the HTTP fakes (tests/fake_server.py: fake Stripe, fake Twilio) run in a thread of the
  test process: when a request arrives they look for the threads blocked in that SDK
  (the caller waits for the answer) and, if one of them has a session with a transaction
  open, answer an error (`transaction_open_at_call`).

Either way the call is recorded as a violation, and `provider_guard` (autouse, imported
by tests/conftest.py) fails the test at teardown, even when the app swallowed the error.

Only the app's calls are checked: a test calling an adapter itself (a capture replayed by
hand) is its own caller, whatever its session holds (in a test, the session outlives the
requests, so a page's reads may still be open; in production each request ends it). A
test that makes the app call inside a transaction on purpose says so with
`expected_violation()`; one whose threads the check cannot tell apart asks for
`provider_calls_unchecked`."""
import sys
import threading
import traceback
import weakref
from contextlib import contextmanager

import pytest
import sqlalchemy.orm as so
from sqlalchemy import event

from app.database import in_transaction
from app.notify.providers import LogSms
from app.payments.providers import OfflinePayments

# The outgoing calls of each offline provider (reads of our own data, such as
# checkout_payment, stay free).
GUARDED = {OfflinePayments: ("authorize", "capture", "void", "refund"),
           LogSms: ("send", "find_sent")}

_lock = threading.Lock()
# Sessions whose root transaction is open -> the thread that began it. Weak: a session
# dropped without being closed takes its entry with it.
_open: "weakref.WeakKeyDictionary[so.Session, int]" = weakref.WeakKeyDictionary()
violations: list[str] = []
checked: list[str] = []  # every guarded call made with no transaction open: "payments.capture"
_armed = False  # only while a test runs: a bench serving from the same fakes is not checked
# Modules between the app's caller and the SDK: the HTTP adapters, and this wrapper.
ADAPTERS = ("app.payments.stripe_provider", "app.notify.twilio_sms", __name__)


class ProviderCalledInTransaction(RuntimeError):
    """What an offline provider answers when called inside a transaction."""


@event.listens_for(so.Session, "after_transaction_create")
def _began(session, transaction):
    if transaction.parent is None:
        with _lock:
            _open[session] = threading.get_ident()


@event.listens_for(so.Session, "after_transaction_end")
def _ended(session, transaction):
    if transaction.parent is None:
        with _lock:
            _open.pop(session, None)


def _record(what: str, thread_name: str, stack: list[str]) -> str:
    message = (f"{what} was called with a database transaction open "
               f"(thread {thread_name}); called from:\n" + "".join(stack))
    with _lock:
        violations.append(message)
    return message


def _app_frames(stack) -> list[str]:
    """The app's own frames of a stack, where the call was made (not the SDK's)."""
    return traceback.format_list([frame for frame in stack
                                  if ("/app/" in frame.filename or "/tests/" in frame.filename)
                                  and "provider_guard" not in frame.filename][-8:])


def _guarded(label: str, method):
    def call(*args, **kwargs):
        if _armed and _by_app(sys._getframe(1)) and in_transaction():
            raise ProviderCalledInTransaction(_record(
                label, threading.current_thread().name,
                _app_frames(traceback.extract_stack()[:-1])))
        if _armed:
            checked.append(label)
        return method(*args, **kwargs)

    call.__wrapped__ = method
    return call


def guard_providers(app) -> None:
    """Wrap the app's offline providers (the HTTP ones are checked by their fakes)."""
    for key in ("comptoir.payments", "comptoir.sms"):
        provider = app.extensions[key]
        for kind, names in GUARDED.items():
            if isinstance(provider, kind):
                for name in names:
                    setattr(provider, name, _guarded(f"{key.split('.')[1]}.{name}",
                                                     getattr(provider, name)))


def transaction_open_at_call(sdk: str, what: str) -> str | None:
    """For a fake receiving a request: the violation's message if a thread waiting in the
    `sdk` package (its caller) has a transaction open, else None."""
    if not _armed:
        return None
    with _lock:
        holders = set(_open.values())
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        if ident in holders and _by_app(_caller_of(sdk, frame)):
            return _record(what, names.get(ident, str(ident)),
                           _app_frames(traceback.extract_stack(frame)))
    return None


def _caller_of(sdk: str, frame):
    """In a thread's stack (innermost `frame`), the app's or test's frame that called
    into the SDK through its adapter; None when the thread is not in the SDK."""
    in_sdk = False
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.split(".")[0] == sdk:
            in_sdk = True
        elif in_sdk and module.startswith(("app.", "tests.")) and module not in ADAPTERS:
            return frame
        frame = frame.f_back
    return None


def _by_app(caller) -> bool:
    """The call was made by the app's code (not by a test calling the adapter itself)."""
    return caller is not None and not caller.f_globals.get("__name__", "").startswith("tests.")


@contextmanager
def expected_violation():
    """The block calls a provider inside a transaction on purpose: it must be caught."""
    before = len(violations)
    yield
    with _lock:
        caught = violations[before:]
        del violations[before:]
    assert caught, "a provider was called inside a transaction and nothing noticed"


@pytest.fixture(autouse=True)
def provider_guard():
    """Armed for the test; any provider call made inside a transaction fails it."""
    global _armed
    with _lock:
        violations.clear()
        checked.clear()
    _armed = True
    yield
    _armed = False
    if violations:
        found, count = violations[0], len(violations)
        violations.clear()
        pytest.fail(f"{count} provider call(s) made inside a database transaction; "
                    f"the first: {found}", pytrace=False)


@pytest.fixture
def provider_calls_unchecked(provider_guard):
    """For a test whose calls the guard cannot attribute (several app threads at once)."""
    global _armed
    _armed = False
    yield
