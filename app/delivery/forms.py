"""Forms of the manager's delivery page (/gestion/livraison). The services check every
bound again; the forms tie the refusal to its field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from app.merchant.forms import EurosField
from app.merchant.settings_forms import MultiCheckboxField
from app.numbers import NumberRange
from app.templating import weekday_name


def weekday_choices() -> list[tuple[str, str]]:
    return [(str(d), weekday_name(d)) for d in range(7)]


def _weekdays():
    return MultiCheckboxField(_l("Jours"), validators=[
        InputRequired(message=_l("Choisissez au moins un jour."))])


class ZoneForm(FlaskForm):
    name = StringField(_l("Nom de la zone"), validators=[
        InputRequired(message=_l("Le nom est obligatoire.")), Length(max=80)],
        render_kw={"maxlength": 80, "data-testid": "zone-name"})
    postcodes = StringField(_l("Codes postaux"), render_kw={
        "maxlength": 300, "inputmode": "numeric", "data-testid": "zone-postcodes"})
    radius_m = IntegerField(_l("Rayon autour du dépôt (mètres)"), validators=[
        Optional(), NumberRange(1, 50000, _l("Entre 1 et 50000 mètres."))],
        render_kw={"min": 1, "max": 50000, "inputmode": "numeric", "data-testid": "zone-radius"})
    fee = EurosField(_l("Frais de livraison"), validators=[
        InputRequired(message=_l("Indiquez les frais (0 pour gratuit)."))],
        render_kw={"inputmode": "decimal", "data-testid": "zone-fee"})
    free_above = EurosField(_l("Gratuite à partir de (facultatif)"), validators=[Optional()],
                            render_kw={"inputmode": "decimal", "data-testid": "zone-free-above"})
    min_basket = EurosField(_l("Panier minimum"), validators=[Optional()],
                            render_kw={"inputmode": "decimal", "data-testid": "zone-min-basket"})
    weekdays = _weekdays()


class WindowForm(FlaskForm):
    starts = TimeField(_l("Début"), validators=[InputRequired(message=_l("Indiquez l'heure."))],
                       render_kw={"data-testid": "window-starts"})
    ends = TimeField(_l("Fin"), validators=[InputRequired(message=_l("Indiquez l'heure."))],
                     render_kw={"data-testid": "window-ends"})
    drops = IntegerField(_l("Livraisons par créneau"), validators=[
        InputRequired(message=_l("Entre 1 et 1000 livraisons.")),
        NumberRange(1, 1000, _l("Entre 1 et 1000 livraisons."))],
        render_kw={"min": 1, "max": 1000, "inputmode": "numeric", "data-testid": "window-drops"})
    cutoff_days_before = SelectField(_l("Commander au plus tard"), coerce=int, choices=[
        (0, _l("le jour même")), (1, _l("la veille"))],
        render_kw={"data-testid": "window-cutoff-day"})
    cutoff_time = TimeField(_l("Heure limite"), validators=[
        InputRequired(message=_l("Indiquez l'heure."))],
        render_kw={"data-testid": "window-cutoff-time"})
    weekdays = _weekdays()


class CourierForm(FlaskForm):
    name = StringField(_l("Nom du livreur"), validators=[
        InputRequired(message=_l("Le nom est obligatoire.")), Length(max=80)],
        render_kw={"maxlength": 80, "data-testid": "courier-name"})
    phone = StringField(_l("Téléphone"), validators=[Length(max=20)],
                        render_kw={"maxlength": 20, "inputmode": "tel", "autocomplete": "off",
                                   "data-testid": "courier-phone"})
    capacity = IntegerField(_l("Colis transportés à la fois"), default=8, validators=[
        InputRequired(message=_l("Entre 1 et 200.")), NumberRange(1, 200, _l("Entre 1 et 200."))],
        render_kw={"min": 1, "max": 200, "inputmode": "numeric",
                   "data-testid": "courier-capacity"})
