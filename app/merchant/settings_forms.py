"""Forms of the shop's settings page (merchant/settings.py). Bounds come from the service
(app/shops/services.py), which checks them again: the page says them on each field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.numbers import NumberRange
from app.shops.services import (MAX_CLOSURE_REASON, MAX_DESCRIPTION, PICKUP_BOUNDS,
                                SHOP_KINDS, SLOT_LENGTHS, WEEKDAYS)

PERIODS_ON_PAGE = 2  # a morning and an afternoon: a lunch break between them


def hours_field_name(day: str, index: int, end: str) -> str:
    return f"{day}_{index}_{end}"


def hours_form(shop, **kwargs) -> FlaskForm:
    """Two periods a day, each an opening and a closing time ("HH:MM"), empty when closed."""

    class HoursForm(FlaskForm):
        pass

    for day in WEEKDAYS:
        periods = [(h.opens.strftime("%H:%M"), h.closes.strftime("%H:%M"))
                   for h in shop.hours if h.weekday == WEEKDAYS.index(day)]
        for index in range(PERIODS_ON_PAGE):
            shown = periods[index] if index < len(periods) else ("", "")
            for end, label, value in (("opens", _l("Ouverture"), shown[0]),
                                      ("closes", _l("Fermeture"), shown[1])):
                name = hours_field_name(day, index, end)
                setattr(HoursForm, name, StringField(
                    label, default=value, validators=[Optional()],
                    render_kw={"type": "time", "step": 300, "data-testid": name}))
    return HoursForm(**kwargs)


def hours_week(form) -> dict:
    """The form as the service reads it: {"monday": [(opens, closes), ...]}; a period left
    empty on both ends is none, half empty is refused by the service on the empty end."""
    week = {}
    for day in WEEKDAYS:
        week[day] = []
        for index in range(PERIODS_ON_PAGE):
            opens = (form[hours_field_name(day, index, "opens")].data or "").strip()
            closes = (form[hours_field_name(day, index, "closes")].data or "").strip()
            if opens or closes:
                week[day].append((opens, closes))
    return week


def _bounded(label, field: str):
    least, most = PICKUP_BOUNDS[field]
    bounds = _l("Entre %(least)s et %(most)s.", least=least, most=most)
    return IntegerField(label, validators=[InputRequired(message=bounds),
                                           NumberRange(least, most, bounds)],
                        render_kw={"min": least, "max": most, "inputmode": "numeric",
                                   "data-testid": field})


class PickupForm(FlaskForm):
    slot_minutes = SelectField(_l("Durée d'un créneau (minutes)"), coerce=int,
                               choices=[(n, str(n)) for n in SLOT_LENGTHS],
                               render_kw={"data-testid": "slot_minutes"})
    seats_per_slot = _bounded(_l("Commandes par créneau"), "seats_per_slot")
    prep_minutes = _bounded(_l("Préparation avant le retrait (minutes)"), "prep_minutes")
    hold_minutes = _bounded(_l("Panier réservé pendant le paiement (minutes)"), "hold_minutes")
    reminder_minutes = _bounded(_l("Rappel SMS avant le retrait (minutes)"),
                                "reminder_minutes")
    no_show_minutes = _bounded(_l("Commande non retirée après (minutes)"), "no_show_minutes")


class ClosureForm(FlaskForm):
    start_date = DateField(_l("Fermé du"), validators=[
        InputRequired(message=_l("Indiquez le premier jour de fermeture."))],
        render_kw={"data-testid": "closure-start"})
    end_date = DateField(_l("Jusqu'au (inclus)"), validators=[Optional()],
                         render_kw={"data-testid": "closure-end"})
    reason = StringField(_l("Raison (montrée aux clients)"), validators=[
        Length(max=MAX_CLOSURE_REASON, message=_l("%(most)s caractères au plus.",
                                                  most=MAX_CLOSURE_REASON))],
        render_kw={"maxlength": MAX_CLOSURE_REASON, "data-testid": "closure-reason"})


KIND_LABELS = {"boulangerie": _l("Boulangerie, pâtisserie"), "boucherie": _l("Boucherie, charcuterie"),
               "fromagerie": _l("Fromagerie, crèmerie"), "epicerie": _l("Épicerie"),
               "primeur": _l("Fruits et légumes"), "poissonnerie": _l("Poissonnerie"),
               "caviste": _l("Cave à vins"), "fleuriste": _l("Fleuriste"),
               "librairie": _l("Librairie, papeterie"), "autre": _l("Autre commerce")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def profile_form(holidays: list[tuple[str, str]], **kwargs) -> FlaskForm:
    """The presentation, the kind of shop, and the public holidays (code, label) it opens
    on; the service checks the codes again."""

    class ProfileForm(FlaskForm):
        kind = SelectField(_l("Genre de boutique"), choices=[("", _l("— à préciser —"))] + [
            (code, KIND_LABELS[code]) for code in SHOP_KINDS], render_kw={"data-testid": "kind"})
        holidays_open = MultiCheckboxField(_l("Jours fériés où la boutique ouvre"),
                                           choices=holidays,
                                           render_kw={"data-testid": "holidays-open"})
        description = _description()

    return ProfileForm(**kwargs)


def _description():
    return TextAreaField(_l("Présentation de la boutique"), validators=[
        Length(max=MAX_DESCRIPTION, message=_l("%(most)s caractères au plus.",
                                               most=MAX_DESCRIPTION))],
        render_kw={"rows": 4, "maxlength": MAX_DESCRIPTION, "data-testid": "description"})
