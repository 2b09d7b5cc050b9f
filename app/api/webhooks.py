"""Calls from the payment provider: Stripe's webhook (verified in the use case)."""
from flask import jsonify, request

from app import clock, payments_provider
from app.api import bp
from app.payments.webhooks import handle_stripe_event


@bp.post("/webhooks/stripe")
def stripe_webhook():
    outcome = handle_stripe_event(request.get_data(), request.headers.get("Stripe-Signature"),
                                  now=clock(), provider=payments_provider())
    return jsonify(received=True, outcome=outcome)
