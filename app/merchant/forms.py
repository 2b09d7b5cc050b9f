import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.catalog.models import MAX_PER_ORDER_LIMIT
from app.i18n import typed_into
from app.notify.conversation import MAX_TEXT
from app.numbers import NumberRange
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
            typed_into(_l("%(name)s — commandé : %(n)s"), name=line.name, n=line.quantity),
            default=line.quantity,
            validators=[InputRequired(message=bounds), NumberRange(0, line.quantity, bounds)],
            render_kw={"min": 0, "max": line.quantity, "inputmode": "numeric",
                       "data-testid": f"confirmed-quantity-{line.id}"}))
    return ConfirmForm(**kwargs)


# --- The shop's catalogue page (merchant/catalogue.py) ---------------------------------------

EUROS = re.compile(r"\s*([0-9]{1,5})(?:[.,]([0-9]{1,2}))?\s*(?:€)?\s*")


class EurosField(StringField):
    """An amount typed as '12,50' or '12.50', held as integer cents; empty is None."""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.raw = raw
        if not raw.strip():
            self.data = None
            return
        match = EUROS.fullmatch(raw)
        if not match:
            self.data = None
            raise ValueError(_l("Montant en euros attendu, jusqu'à 99 999,99 (ex. 12,50)."))
        self.data = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data // 100},{self.data % 100:02d}"


class TownTimeField(DateTimeLocalField):
    """A browser's datetime-local value (naive: the town's time; catalogue.py localises it)."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format="%Y-%m-%dT%H:%M", validators=[Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Date et heure attendues (ex. 01/12/2026 08:00).")) from None


class ProductForm(FlaskForm):
    """One product of the catalogue page; promotion dates are the town's local times."""
    price = EurosField(_l("Prix"), validators=[InputRequired(message=_l("Indiquez le prix."))],
                       render_kw={"inputmode": "decimal", "data-testid": "price"})
    # The shop's count of what is in the shop, bags set aside included; saved only when it
    # differs from `expected_on_hand`, the figure the page showed (compare-and-set).
    on_hand = IntegerField(_l("En boutique"), validators=[
        InputRequired(message=_l("Indiquez le nombre d'articles en boutique.")),
        NumberRange(0, 1_000_000, message=_l("Entre 0 et 1 000 000."))],
        render_kw={"min": 0, "inputmode": "numeric", "data-testid": "on-hand"})
    expected_on_hand = IntegerField(widget=HiddenInput(), validators=[
        InputRequired(message=_l("Rechargez la page."))])
    active = BooleanField(_l("En vente"), render_kw={"data-testid": "active"})
    # Left out (a page opened before the field existed): the setting stays as it is.
    max_per_order = IntegerField(_l("Au plus par commande"), validators=[
        Optional(), NumberRange(1, MAX_PER_ORDER_LIMIT, message=_l("Entre 1 et %(most)s.",
                                                       most=MAX_PER_ORDER_LIMIT))],
        render_kw={"min": 1, "max": MAX_PER_ORDER_LIMIT, "inputmode": "numeric",
                   "data-testid": "max-per-order"})
    promo_price = EurosField(_l("Prix promotionnel"), validators=[Optional()],
                             render_kw={"inputmode": "decimal", "data-testid": "promo-price"})
    promo_starts = TownTimeField(_l("Début de la promotion"),
                                 render_kw={"data-testid": "promo-starts"})
    promo_ends = TownTimeField(_l("Fin de la promotion"),
                               render_kw={"data-testid": "promo-ends"})

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Dates without a price would be dropped silently: say so on the price instead.
        if (self.promo_price.data is None and not self.promo_price.errors
                and (self.promo_starts.data or self.promo_ends.data)):
            self.promo_price.errors = [_l("Indiquez le prix promotionnel, ou effacez les dates.")]
            return False
        return valid
