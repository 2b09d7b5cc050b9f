"""Twilio adapter (COMPTOIR_SMS=twilio), through the official SDK.

The SDK does not retry here: the outbox does (services.flush_outbox), with backoff, and it
looks a message up at Twilio before any second try, since a timeout may hide a message
Twilio accepted. Each message carries a status callback naming our message id
(".../webhooks/twilio/status?sms=42"), so a delivery report can settle even a message whose
SID we never recorded (the process died between the send and the write)."""
import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.i18n import N_
from app.notify.providers import ProviderUnavailable, SendResult

log = logging.getLogger("comptoir.sms.twilio")
# The SDK logs every request and its headers at INFO: only its warnings matter here.
http_log = logging.getLogger("comptoir.sms.twilio.http")
http_log.setLevel(logging.WARNING)

STATUS_PATH = "/api/v1/webhooks/twilio/status"
LOOKUP_LIMIT = 50  # a shopper's latest messages: ours is among them if Twilio has it
CLOCK_SKEW = timedelta(minutes=5)  # our clock against Twilio's date_created
MAX_TIMEOUT_SECONDS = 30  # bounds a flush's claim: see services.CLAIM_CHUNK

# Twilio's codes, as the shop reads them next to the order (error codes reference). Stored
# in French with the message; the page shows them in its own language (conversation.py).
ERROR_TEXTS = {
    "21211": N_("Numéro invalide : Twilio ne peut pas l'utiliser."),
    "21408": N_("Envoi vers ce pays non autorisé sur le compte Twilio."),
    "21610": N_("Le client a répondu STOP : Twilio bloque les envois vers ce numéro."),
    "21612": N_("Twilio ne peut pas acheminer de SMS vers ce numéro."),
    "21614": N_("Ce numéro n'est pas un mobile : il ne reçoit pas de SMS."),
    "30003": N_("Téléphone injoignable (éteint ou hors réseau)."),
    "30004": N_("Message bloqué par l'opérateur ou par le client."),
    "30005": N_("Numéro inconnu ou plus attribué."),
    "30006": N_("Numéro fixe ou opérateur injoignable : le SMS ne peut pas arriver."),
    "30007": N_("Message filtré par l'opérateur (pris pour du spam)."),
    "30008": N_("Erreur inconnue chez l'opérateur."),
}
# Answers that say nothing about the message itself: our credentials or account, Twilio's
# load. Any other 4xx is about the message (number, content): retrying cannot help.
RETRYABLE_HTTP = {401, 403, 404, 408, 429}


def error_text(code: str | None) -> str:
    if not code:
        return N_("Refusé par Twilio.")
    return ERROR_TEXTS.get(code, f"Refusé par Twilio (code {code}).")


class ApiBaseHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, sending what it addresses to *.twilio.com to `api_base`
    instead when one is set (TWILIO_API_BASE: a local fake Twilio in the tests)."""

    def __init__(self, api_base: str | None, *, timeout: float):
        super().__init__(timeout=timeout, max_retries=0, logger=http_log)
        self.api_base = urlsplit(api_base) if api_base else None

    def request(self, method, url, *args, **kwargs):
        if self.api_base is not None:
            parts = urlsplit(url)
            if parts.hostname and parts.hostname.endswith(".twilio.com"):
                url = urlunsplit((self.api_base.scheme, self.api_base.netloc,
                                  self.api_base.path.rstrip("/") + parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


class TwilioSms:
    name = "twilio"

    def __init__(self, *, account_sid: str, auth_token: str, from_number: str,
                 public_url: str, api_base: str | None = None, timeout_seconds: float = 10):
        self.from_number = from_number
        self.public_url = public_url.rstrip("/")
        self.client = Client(account_sid, auth_token,
                             http_client=ApiBaseHttpClient(api_base, timeout=timeout_seconds))

    @classmethod
    def from_config(cls, config) -> "TwilioSms":
        missing = [key for key in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")
                   if not config.get(key)]
        if missing:
            raise RuntimeError(f"COMPTOIR_SMS=twilio needs {', '.join(missing)}.")
        timeout = float(config.get("TWILIO_TIMEOUT_SECONDS") or 10)
        if not 0 < timeout <= MAX_TIMEOUT_SECONDS:
            raise RuntimeError(f"TWILIO_TIMEOUT_SECONDS must be between 0 and "
                               f"{MAX_TIMEOUT_SECONDS}, not {timeout}.")
        return cls(account_sid=config["TWILIO_ACCOUNT_SID"],
                   auth_token=config["TWILIO_AUTH_TOKEN"], from_number=config["TWILIO_FROM"],
                   public_url=config["PUBLIC_URL"], api_base=config.get("TWILIO_API_BASE"),
                   timeout_seconds=timeout)

    def status_callback(self, message_id: int) -> str:
        return f"{self.public_url}{STATUS_PATH}?sms={message_id}"

    def send(self, *, to: str, body: str, message_id: int) -> SendResult:
        try:
            message = self.client.messages.create(
                to=to, from_=self.from_number, body=body,
                status_callback=self.status_callback(message_id))
        except TwilioException as error:
            return _refused(error, message_id)
        except requests.RequestException as error:
            # A timeout may hide a message Twilio accepted: the retry looks it up first.
            log.warning("SMS #%s: Twilio unreachable: %r", message_id, error)
            return SendResult(ok=False, error=N_("Twilio injoignable (délai dépassé ou "
                                                 "connexion refusée) : nouvel essai plus tard."))
        return SendResult(ok=True, provider_ref=message.sid)

    def find_sent(self, *, to: str, body: str, message_id: int, since: datetime) -> list[str]:
        # By recipient only: Twilio's DateSent filter counts whole days and leaves out a
        # message still in Twilio's queue (no date_sent yet), the very one we look for.
        try:
            found = self.client.messages.list(to=to, limit=LOOKUP_LIMIT,
                                              page_size=LOOKUP_LIMIT)
        except (TwilioException, requests.RequestException) as error:
            log.warning("SMS #%s: Twilio lookup failed: %r", message_id, error)
            raise ProviderUnavailable(N_("Twilio injoignable pour vérifier un essai précédent : "
                                         "nouvel essai plus tard.")) from error
        earliest = since - CLOCK_SKEW
        ours = [m for m in found
                if m.body == body and (m.direction or "").startswith("outbound")
                and isinstance(m.date_created, datetime) and m.date_created >= earliest]
        return [m.sid for m in sorted(ours, key=lambda m: m.date_created)]


def _refused(error: TwilioException, message_id: int) -> SendResult:
    status = getattr(error, "status", None) or 0
    code = str(getattr(error, "code", "") or "")[:10] or None
    log.warning("SMS #%s refused by Twilio: HTTP %s, code %s: %s", message_id, status, code,
                getattr(error, "msg", error))
    if status == 429:
        return SendResult(ok=False, error_code=code,
                          error=N_("Twilio limite le débit (HTTP 429) : nouvel essai plus tard."))
    if status in (401, 403):
        return SendResult(ok=False, error_code=code,
                          error=f"Twilio refuse nos identifiants (HTTP {status}) : vérifier "
                                f"TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN.")
    if status >= 500 or status in RETRYABLE_HTTP or not status:
        return SendResult(ok=False, error_code=code,
                          error=f"Twilio momentanément indisponible (HTTP {status}) : "
                                f"nouvel essai plus tard.")
    return SendResult(ok=False, permanent=True, error_code=code, error=error_text(code))
