"""Error pages for the whole site: a friendly page for people, the contract's JSON error
for /api/ paths (an unknown API URL never reaches the API blueprint's own handlers)."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.extensions import db
from app.web.basket import wants_json
from app.web.routes import bp


def _api_path() -> bool:
    return request.path.startswith("/api/")


@bp.before_app_request
def pages_take_forms():
    """A page's form comes as a form; JSON bodies are the API's (/api/). Flask-WTF would
    take a JSON body for the form's fields and fail on anything but flat text (a 500 for
    `"x"`, `[1]` or a nested value), so it is refused before any view or form reads it."""
    if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS") or _api_path():
        return None
    message = _("Cette page attend son formulaire, pas du JSON : l'API est sous /api/v1.")
    if wants_json():  # a page's script, as the basket's
        return jsonify(error={"code": "unsupported_media_type", "field": "body",
                              "message": message}), 415
    return render_template("web/errors/not_a_form.html", message=message), 415


@bp.app_errorhandler(404)
def not_found(_error):
    if _api_path():
        return jsonify(error={"code": "not_found", "message": "Introuvable."}), 404
    return render_template("web/errors/404.html"), 404


@bp.app_errorhandler(500)
def server_error(_error):
    db.session.rollback()  # the page below must not trip over a half-done transaction
    if _api_path():
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
