"""The part every fake of an outside API shares (Stripe, Twilio): an HTTP server on
127.0.0.1, on a free port, served from a thread, that the real SDK is pointed at; and the
check that the app is not calling it with a database transaction open
(tests/provider_guard.py)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests import provider_guard


class JsonHandler(BaseHTTPRequestHandler):
    """Reads a request and answers JSON; a fake's handler writes `serve(method, url, body)`."""

    def log_message(self, *args):  # quiet test output
        pass

    def serve(self, method, url, body):
        raise NotImplementedError

    def extra_headers(self) -> dict:
        return {}

    # The SDK's top-level package: the caller is the thread blocked in it.
    sdk = ""

    def transaction_open(self, method, url) -> str | None:
        """Why this request must be refused: its caller has a database transaction open
        (recorded as a violation, which fails the test); None when it may be served."""
        return provider_guard.transaction_open_at_call(
            self.sdk, f"{self.sdk} {method} {url.path}")

    def _serve(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.serve(method, urlsplit(self.path), body)

    def _send(self, status, answer):
        """A string goes as it is (a garbled answer); anything else as JSON."""
        data = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in self.extra_headers().items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout under test)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")


class LocalHttpFake:
    def _serve_with(self, handler_class) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self.server.daemon_threads = True
        # Polled every 20 ms for shutdown (the default, 0.5 s, was spent at each test's end).
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       kwargs={"poll_interval": 0.02})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
