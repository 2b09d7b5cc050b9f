"""The shopper's pages: the blueprint and what its modules share (browse.py, basket.py,
tracking.py; errors.py for the whole site).

Thin callers: the services decide (stock, slots, payment, cancellation); these routes
build the same requests as the JSON API and put each DomainError back on the field it
names, or at the top of the page.
"""
from flask import Blueprint, request

from app.numbers import small_int
from app.phone import display_phone
from app.redirects import same_site
from app.web import cart

bp = Blueprint("web", __name__)

MAX_PAGE = 1000

@bp.app_context_processor
def cart_badge():
    return {"cart_count": cart.item_count()}


bp.add_app_template_filter(display_phone, "phone")  # '+33471091234' -> '04 71 09 12 34'


def _page() -> int:
    page = small_int(request.args.get("page", "1"))
    return min(page, MAX_PAGE) if page and page >= 1 else 1


_safe_next = same_site  # the shopper forms' `next` goes back to this site only


# The pages register on bp when their modules are imported.
from app.web import basket, browse, errors, product, tracking  # noqa: E402,F401
from app.delivery import courier_routes  # noqa: E402,F401  the courier's round, by its link
from app.web import pwa  # noqa: E402,F401  manifest, service worker, push opt-in
from app.web import delivery  # noqa: E402,F401  the delivery step
