from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.notify.conversation import MAX_TEXT
from app.orders.models import Order


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Raison de l'annulation (envoyée au client)"), validators=[
        DataRequired(message=_l("Indiquez la raison de l'annulation.")),
        Length(max=300, message=_l("300 caractères au plus."))],
        render_kw={"rows": 2, "maxlength": 300, "data-testid": "cancel-reason"})


class MessageForm(FlaskForm):
    """A few words to the shopper about the order; the SMS frames them (conversation.py)."""
    text = TextAreaField(_l("Écrire au client"), validators=[
        DataRequired(message=_l("Écrivez le message.")),
        Length(max=MAX_TEXT, message=_l("%(n)s caractères au plus.", n=MAX_TEXT))],
        render_kw={"rows": 2, "maxlength": MAX_TEXT, "data-testid": "message-text"})


def slot_form(choices: list[tuple[str, str, str]], **kwargs) -> FlaskForm:
    """The new slot, among those offered now (value, time, day), grouped by day; whether
    it is still bookable when sent is the service's call."""

    class SlotForm(FlaskForm):
        slot = SelectField(_l("Nouveau créneau"), validate_choice=False,
                           choices=[SelectChoice(value, label, optgroup=day)
                                    for value, label, day in choices],
                           validators=[InputRequired(message=_l("Choisissez un créneau."))],
                           render_kw={"data-testid": "new-slot"})

    return SlotForm(**kwargs)


def line_field_name(line_id: int) -> str:
    return f"line_{line_id}"


def confirm_form(order: Order, **kwargs) -> FlaskForm:
    """One number per line, 0..ordered, prefilled with the ordered quantity."""

    class ConfirmForm(FlaskForm):
        pass

    for line in order.lines:
        bounds = _l("Entre 0 et %(n)s.", n=line.quantity)
        setattr(ConfirmForm, line_field_name(line.id), IntegerField(
            _l("%(name)s — commandé : %(n)s", name=line.name, n=line.quantity),
            default=line.quantity,
            validators=[InputRequired(message=bounds), NumberRange(0, line.quantity, bounds)],
            render_kw={"min": 0, "max": line.quantity, "inputmode": "numeric",
                       "data-testid": f"confirmed-quantity-{line.id}"}))
    return ConfirmForm(**kwargs)
