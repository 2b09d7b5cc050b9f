from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(message=_l("Indiquez votre adresse e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username", "data-testid": "login-email"})
    password = PasswordField(_l("Mot de passe"), validators=[
        DataRequired(message=_l("Indiquez votre mot de passe.")), Length(max=200)],
        render_kw={"autocomplete": "current-password", "data-testid": "login-password"})
