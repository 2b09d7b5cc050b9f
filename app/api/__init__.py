"""The JSON API, /api/v1 (../shared/api-v1.md)."""
from flask import Blueprint

bp = Blueprint("api", __name__)

# Importing the modules registers their routes and handlers on bp.
from app.api import docs, errors, inputs, merchant, shopper  # noqa: E402,F401
from app.api import webhooks  # noqa: E402,F401
from app.api import refunds  # noqa: E402,F401
from app.api import vouchers  # noqa: E402,F401
from app.api import twilio  # noqa: E402,F401
from app.api import messages  # noqa: E402,F401
from app.api import merchant_settings  # noqa: E402,F401
from app.api import figures  # noqa: E402,F401
from app.api import manager  # noqa: E402,F401
from app.api import merchant_products  # noqa: E402,F401
from app.api import courier  # noqa: E402,F401
from app.api import delivery  # noqa: E402,F401
