"""The part every fake of an outside API shares (Stripe, Twilio): an HTTP server on
127.0.0.1, on a free port, served from a thread, that the real SDK is pointed at."""
import threading
from http.server import ThreadingHTTPServer


class LocalHttpFake:
    def _serve_with(self, handler_class) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
