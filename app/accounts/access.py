"""Who may open the staff pages: merchants their shop's queue, the manager the town's figures."""
from collections.abc import Callable

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.accounts.models import User
from app.extensions import login_manager


def home_for(user: User) -> str:
    return url_for("manager.dashboard" if user.is_manager else "merchant.queue")


def staff_pages(bp: Blueprint, *, allow: Callable[[User], bool], otherwise: str) -> None:
    """Every page of `bp` needs a signed-in user that `allow` accepts; anyone else signed
    in is sent to their own pages (otherwise="redirect") or shown a 403 page ("forbid")."""

    @bp.before_request
    def _guard():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if allow(current_user):
            return None
        if otherwise == "redirect":
            return redirect(home_for(current_user))
        return render_template("accounts/forbidden.html"), 403

    bp.register_error_handler(CSRFError, expired_form)


def expired_form(_error: CSRFError):
    """The form's security token is missing or stale (page left open, cookies cleared)."""
    return render_template("accounts/expired_form.html"), 400
