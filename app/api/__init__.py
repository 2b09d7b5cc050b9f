"""The JSON API, /api/v1 (../shared/api-v1.md)."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import errors, shopper, merchant, docs  # noqa: E402,F401  routes register on bp
