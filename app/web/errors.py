"""Error pages for the whole site: a friendly page for people, the contract's JSON error
for /api/ paths (an unknown API URL never reaches the API blueprint's own handlers)."""
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from app.extensions import db
from app.web.routes import bp


def _wants_json() -> bool:
    return request.path.startswith("/api/")


@bp.app_errorhandler(404)
def not_found(_error):
    if _wants_json():
        return jsonify(error={"code": "not_found", "message": "Introuvable."}), 404
    return render_template("web/errors/404.html"), 404


@bp.app_errorhandler(500)
def server_error(_error):
    db.session.rollback()  # the page below must not trip over a half-done transaction
    if _wants_json():
        return jsonify(error={"code": "server_error",
                              "message": "Erreur interne, réessayez plus tard."}), 500
    return render_template("web/errors/500.html"), 500


@bp.errorhandler(CSRFError)
def expired_form(_error):
    """The form's security token is missing or stale (page left open for days, cookies
    cleared): nothing was done, say so and offer to start again."""
    return render_template("web/errors/expired_form.html"), 400


@bp.errorhandler(429)
def too_many_attempts(error):
    """The checkout's voucher code counts as a balance check: past the limit, this page."""
    return render_template("vouchers/too_many.html", message=error.description), 429
