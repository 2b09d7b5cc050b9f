"""SMS adapters. The default writes each message to the log, so the app runs offline."""
import logging
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("comptoir.sms")


@dataclass
class SendResult:
    ok: bool
    provider_ref: str | None = None
    error: str | None = None


class SmsProvider(Protocol):
    name: str

    def send(self, *, to: str, body: str, message_id: int) -> SendResult: ...


class LogSms:
    """Prints the message instead of sending it; `message_id` makes every line traceable."""

    name = "log"

    def send(self, *, to: str, body: str, message_id: int) -> SendResult:
        log.info("SMS #%s to %s: %s", message_id, to, body)
        return SendResult(ok=True, provider_ref=f"log-{message_id}")


def sms_provider_from_config(config) -> SmsProvider:
    choice = config.get("SMS", "log")
    if choice == "log":
        return LogSms()
    raise RuntimeError(f"COMPTOIR_SMS={choice!r} is not available yet; use 'log'.")
