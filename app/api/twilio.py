"""Calls from Twilio: messages from shoppers (STOP, START, replies) and delivery reports.

Twilio signs each call (X-Twilio-Signature) over the URL it called and the form it posted.
Behind a proxy the URL the app sees is not the one Twilio called, so the signed URL is
rebuilt from COMPTOIR_PUBLIC_URL: it must be the public address configured in Twilio
(e.g. https://comptoir.example.fr, so the webhook is
https://comptoir.example.fr/api/v1/webhooks/twilio/inbound)."""
from flask import Response, current_app, jsonify, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from app import clock
from app.api import bp
from app.api.errors import Forbidden
from app.api.inputs import check_text
from app.errors import DomainError, Malformed
from app.notify.delivery import record_delivery_status
from app.notify.optout import handle_inbound_sms
from app.numbers import small_int


class NotConfigured(DomainError):
    status = 503
    code = "twilio_not_configured"


def verified_form():
    """The posted form, once its signature is checked; raises before anything is written."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        raise NotConfigured("twilio not configured")
    url = current_app.config["PUBLIC_URL"].rstrip("/") + request.full_path.rstrip("?")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(token).validate(url, request.form, signature):
        raise Forbidden("Signature Twilio invalide.", field="X-Twilio-Signature",
                        code="bad_signature")
    # Signed is not clean: a NUL in From (a spoofed sender) would reach the database,
    # which PostgreSQL refuses. 422 invalid_text, nothing stored.
    for name, value in request.form.items(multi=True):
        check_text(value, name)
    return request.form


@bp.post("/webhooks/twilio/inbound")
def twilio_inbound():
    form = verified_form()
    # MessageSid: a webhook Twilio retries is stored and handled once.
    handle_inbound_sms(sender=form.get("From", ""), body=form.get("Body", ""),
                       provider_ref=form.get("MessageSid") or None, now=clock())
    # An empty answer: Twilio's own opt-out handling already confirms STOP and START.
    return Response(str(MessagingResponse()), mimetype="text/xml")


@bp.post("/webhooks/twilio/status")
def twilio_status():
    """A delivery report for a message we sent (its StatusCallback, ?sms=<our id>)."""
    form = verified_form()
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    error_code = form.get("ErrorCode") or None
    if not 0 < len(sid) <= 80 or not 0 < len(status) <= 20:
        raise Malformed("MessageSid et MessageStatus attendus.", field="MessageSid")
    if error_code is not None and not (error_code.isdigit() and len(error_code) <= 10):
        raise Malformed("ErrorCode illisible.", field="ErrorCode")
    message_id = request.args.get("sms", "")
    report = record_delivery_status(
        provider_ref=sid, provider_status=status, error_code=error_code,
        message_id=small_int(message_id),
        now=clock())
    # 200 even for a message that is not ours: Twilio has nothing to retry.
    return jsonify(message=report.message_id, status=report.status)
