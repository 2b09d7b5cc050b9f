"""Sign-in of merchants and of the town's manager (session cookie, Flask-Login)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError

from app import clock
from app.accounts.access import expired_form, home_for, staff_pages
from app.accounts.forms import LoginForm
from app.accounts.limits import login_limits
from app.accounts.models import User
from app.accounts.services import (authenticate, end_sessions, recent_failed_logins,
                                   user_for_session)
from app.errors import Unauthorized
from app.extensions import login_manager
from app.redirects import same_site

bp = Blueprint("accounts", __name__)
bp.register_error_handler(CSRFError, expired_form)


@bp.record_once
def _configure_login(_state) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    return user_for_session(session_id)


@bp.route("/connexion", methods=["GET", "POST"])
@login_limits
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data,
                                ip=request.remote_addr or "?", now=clock(), via="web")
        except Unauthorized:
            # One message whether the e-mail exists or not: no hint for guessers.
            form.password.errors.append(_("E-mail ou mot de passe incorrect."))
        else:
            login_user(user)
            return redirect(same_site(request.args.get("next"), home_for(user)))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.post("/deconnexion")
@login_required
def logout():
    end_sessions(current_user)  # a copy of the cookie taken before is worthless now
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("accounts.login"))


@bp.errorhandler(429)
def too_many_attempts(error):
    return render_template("accounts/too_many.html", message=error.description), 429


# --- the manager's view of failed sign-ins -----------------------------------------------

failed_logins_bp = Blueprint("failed_logins", __name__, url_prefix="/gestion/connexions")
staff_pages(failed_logins_bp, allow=lambda user: user.is_manager, otherwise="forbid")
bp.register_blueprint(failed_logins_bp)

FAILED_LOGINS_SHOWN = 100


@failed_logins_bp.get("")
def failed_logins():
    return render_template("accounts/failed_logins.html",
                           attempts=recent_failed_logins(FAILED_LOGINS_SHOWN))
