"""/invitation/<token>: the merchant invited by the town chooses a password, then works
the shop's queue. The request log records the route, never the token (app/ops/logs.py)."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import Length

from app import clock
from app.accounts.access import expired_form
from app.accounts.invitations import accept_invitation, invitation_for
from app.accounts.services import MIN_PASSWORD
from app.errors import DomainError
from flask_wtf.csrf import CSRFError

bp = Blueprint("invitation", __name__)
bp.register_error_handler(CSRFError, expired_form)


@bp.after_request
def _keep_the_link_private(response):
    """The address holds the token: no Referer carries it anywhere, no cache keeps the page."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Mot de passe"), validators=[Length(max=200)], render_kw={
        "autocomplete": "new-password", "minlength": MIN_PASSWORD, "maxlength": 200,
        "data-testid": "invitation-password"})
    confirm = PasswordField(_l("Le même mot de passe, encore"), validators=[Length(max=200)],
                            render_kw={"autocomplete": "new-password", "maxlength": 200,
                                       "data-testid": "invitation-confirm"})


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token):
    form = PasswordForm()
    try:
        invitation = invitation_for(token, clock())
    except DomainError as error:
        return render_template("accounts/invitation.html", form=None, problem=error.message), 410
    if form.validate_on_submit():
        try:
            user = accept_invitation(token, form.password.data, form.confirm.data, now=clock())
        except DomainError as error:
            if error.field in ("password", "confirm"):
                form[error.field].errors = [*form[error.field].errors, error.message]
            else:
                return render_template("accounts/invitation.html", form=None,
                                       problem=error.message), 410
        else:
            login_user(user)
            return redirect(url_for("merchant.queue"))
    return render_template("accounts/invitation.html", form=form, problem=None,
                           invitation=invitation, min_length=MIN_PASSWORD), \
        422 if form.errors else 200
