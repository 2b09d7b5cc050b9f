"""The shopper's forms. Presence and size are checked here; the rules themselves (phone
format, stock, slots, payment) stay in the services, whose errors the routes put back on
the field they name."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SearchField,
                     StringField, TelField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, InputRequired, Length, Optional, Regexp,
                                ValidationError)

from app.errors import Invalid
from app.numbers import NumberRange
from app.orders.requests import MAX_QUANTITY
from app.phone import normalize_phone

IDEMPOTENCY_KEY = r"^web-[0-9a-f]{32}$"


def _quantity(label=_l("Quantité"), low: int = 1) -> IntegerField:
    message = _l("Une quantité entre %(low)s et %(high)s.", low=low, high=MAX_QUANTITY)
    return IntegerField(label, default=1, validators=[
        InputRequired(message=message), NumberRange(low, MAX_QUANTITY, message=message)],
        render_kw={"min": low, "max": MAX_QUANTITY, "inputmode": "numeric"})


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Rechercher un produit"), validators=[Length(max=100)],
                    render_kw={"placeholder": _l("pâté, baguette, miel…"),
                               "data-testid": "search-input"})
    # Filters: any value is only compared with what exists, so no choice list is enforced.
    shop = StringField(_l("Boutique"), validators=[Length(max=64)])
    category = StringField(_l("Rayon"), validators=[Length(max=60)])


class AddToCartForm(FlaskForm):
    product_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,10}$")])
    quantity = _quantity()
    next = HiddenField()


class CartLineForm(FlaskForm):
    """Change a cart line's quantity; 0 takes the line out."""
    product_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,10}$")])
    quantity = _quantity(low=0)


class RemoveLineForm(FlaskForm):
    product_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,10}$")])


class CheckoutForm(FlaskForm):
    """Customer fields; one `slot_<shop id>` field per shop is added by checkout_form()."""
    name = StringField(_l("Votre nom"), validators=[
        DataRequired(message=_l("Indiquez votre nom.")), Length(max=100)],
        render_kw={"autocomplete": "name", "data-testid": "customer-name"})
    phone = TelField(_l("Téléphone mobile"), validators=[
        DataRequired(message=_l("Indiquez votre numéro de téléphone."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "data-testid": "customer-phone"})
    email = StringField(_l("E-mail (facultatif)"), validators=[Optional(), Length(max=254)],
                        render_kw={"autocomplete": "email", "inputmode": "email",
                                   "data-testid": "customer-email"})
    voucher = StringField(_l("Bon cadeau de la ville (facultatif)"), validators=[Length(max=40)],
                          render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                     "data-testid": "voucher-code"})
    # Unticked unless the shopper ticks it: consent is recorded, never presumed.
    sms_promotions = BooleanField(
        _l("Recevoir par SMS les bons plans des commerces de la ville (2 par mois au plus, "
           "STOP pour arrêter)"), default=False,
        render_kw={"data-testid": "sms-promotions"})
    idempotency_key = HiddenField(validators=[Regexp(IDEMPOTENCY_KEY)])

    def validate_phone(self, field):
        # The checkout's own rule, run here too so that every field error shows at once.
        try:
            normalize_phone(field.data, field="customer.phone")
        except Invalid as error:
            raise ValidationError(error.message) from None


def slot_field_name(shop_id: int) -> str:
    return f"slot_{shop_id}"


def checkout_form(shop_ids: list[int], **kwargs) -> CheckoutForm:
    """A CheckoutForm with one slot choice per shop of the cart. The choices are rendered
    from the bookable slots; whether the chosen one is still offered is the service's call."""
    fields = {slot_field_name(shop_id): StringField(_l("Créneau de retrait"), validators=[
        InputRequired(message=_l("Choisissez un créneau de retrait.")), Length(max=40)])
        for shop_id in shop_ids}
    form_class = type("ShopperCheckoutForm", (CheckoutForm,), fields)
    return form_class(**kwargs)


class PaymentForm(FlaskForm):
    payment_method = RadioField(
        _l("Moyen de paiement"), default="test_ok",
        choices=[SelectChoice("test_ok", _l("Carte test acceptée")),
                 SelectChoice("test_declined", _l("Carte test refusée"))],
        validate_choice=False,  # pay_checkout names the methods it knows
        validators=[InputRequired(message=_l("Choisissez un moyen de paiement."))])


class CancelOrderForm(FlaskForm):
    pass
