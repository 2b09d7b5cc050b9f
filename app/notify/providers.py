"""SMS adapters. The default writes each message to the log, so the app runs offline;
COMPTOIR_SMS=twilio sends through Twilio (twilio_sms.py)."""
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

log = logging.getLogger("comptoir.sms")


@dataclass
class SendResult:
    ok: bool
    provider_ref: str | None = None
    error: str | None = None       # readable, in French: the shop and the operator see it
    error_code: str | None = None  # the provider's own, e.g. Twilio's 21211
    permanent: bool = False        # refused for good (invalid number...): retrying cannot help


class ProviderUnavailable(Exception):
    """The provider could not be asked (timeout, outage): try again later."""


class SmsProvider(Protocol):
    name: str

    def send(self, *, to: str, body: str, message_id: int) -> SendResult: ...

    def find_sent(self, *, to: str, body: str, message_id: int,
                  since: datetime) -> list[str]:
        """References of messages the provider already has for (to, body) since `since`,
        oldest first: a try that may have reached it is looked up before any resend.
        Raises ProviderUnavailable when it cannot tell."""
        ...


class LogSms:
    """Prints the message instead of sending it; `message_id` makes every line traceable."""

    name = "log"

    def send(self, *, to: str, body: str, message_id: int) -> SendResult:
        log.info("SMS #%s to %s: %s", message_id, to, body)
        return SendResult(ok=True, provider_ref=f"log-{message_id}")

    def find_sent(self, *, to: str, body: str, message_id: int, since: datetime) -> list[str]:
        return []  # a log line is not a message anyone holds


def sms_provider_from_config(config) -> SmsProvider:
    choice = config.get("SMS", "log")
    if choice == "log":
        return LogSms()
    if choice == "twilio":
        from app.notify.twilio_sms import TwilioSms
        return TwilioSms.from_config(config)
    raise RuntimeError(f"COMPTOIR_SMS={choice!r} is not available; use 'log' or 'twilio'.")
