"""Sign-in of merchants and of the town's manager (session cookie, Flask-Login)."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError

from app.accounts.access import expired_form, home_for
from app.accounts.forms import LoginForm
from app.accounts.models import User
from app.accounts.services import authenticate
from app.errors import Unauthorized
from app.extensions import db, login_manager

bp = Blueprint("accounts", __name__)
bp.register_error_handler(CSRFError, expired_form)


@bp.record_once
def _configure_login(_state) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: a crafted ?next= must not send staff to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except Unauthorized:
            # One message whether the e-mail exists or not: no hint for guessers.
            form.password.errors.append(_("E-mail ou mot de passe incorrect."))
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.post("/deconnexion")
@login_required
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("accounts.login"))
