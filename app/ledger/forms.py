from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.i18n import typed_into
from app.ledger.refunds import OrderMoney
from app.numbers import NumberRange


def refund_field_name(line_id: int) -> str:
    return f"refund_{line_id}"


def refund_form(money: OrderMoney, **kwargs) -> FlaskForm:
    """Units to give back per line (0..still refundable) and the reason, sent to the shopper."""

    class RefundForm(FlaskForm):
        reason = TextAreaField(_l("Raison du remboursement (envoyée au client)"), validators=[
            DataRequired(message=_l("Indiquez la raison du remboursement.")),
            Length(max=300, message=_l("300 caractères au plus."))],
            render_kw={"rows": 2, "maxlength": 300, "data-testid": "refund-reason"})

    for entry in money.lines:
        if entry.refundable <= 0:
            continue
        bounds = _l("Entre 0 et %(n)s.", n=entry.refundable)
        setattr(RefundForm, refund_field_name(entry.line.id), IntegerField(
            typed_into(_l("%(name)s — remboursable : %(n)s"), name=entry.line.name,
                       n=entry.refundable),
            # Left empty means none of it: only the units typed in are refunded.
            default=0, validators=[Optional(), NumberRange(0, entry.refundable, bounds)],
            render_kw={"min": 0, "max": entry.refundable, "inputmode": "numeric",
                       "data-testid": f"refund-quantity-{entry.line.id}"}))
    return RefundForm(**kwargs)


def refund_lines(form, money: OrderMoney) -> list[tuple[int, int]]:
    return [(entry.line.id, form[refund_field_name(entry.line.id)].data)
            for entry in money.lines if entry.refundable > 0
            and form[refund_field_name(entry.line.id)].data]


class BankForm(FlaskForm):
    iban = StringField(_l("IBAN"), validators=[DataRequired(message=_l("Indiquez l'IBAN."))],
                       render_kw={"autocomplete": "off", "data-testid": "iban"})
    bic = StringField(_l("BIC (facultatif)"), validators=[Optional()],
                      render_kw={"data-testid": "bic"})
    account_holder = StringField(_l("Titulaire du compte"), validators=[
        DataRequired(message=_l("Indiquez le titulaire du compte.")), Length(max=70)],
        render_kw={"data-testid": "account-holder"})
    commission_bps = IntegerField(_l("Commission (points de base : 500 = 5 %)"), validators=[
        InputRequired(message=_l("Entre 0 et 10000.")),
        NumberRange(0, 10000, _l("Entre 0 et 10000."))], render_kw={"data-testid": "commission"})
