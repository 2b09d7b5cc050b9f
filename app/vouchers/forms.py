"""Forms of the voucher pages. Presence and shape are checked here; the rules (amount
bounds, expiry, already sold…) stay in the services, whose errors the routes put back on
the field they name."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from app.numbers import NumberRange
from app.vouchers.services import MAX_BATCH

_EUROS = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")


class EurosField(StringField):
    """'20', '20,5', '20,50 €' -> 2000, 2050, 2050 cents in .data; anything else an error."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        match = _EUROS.match(self.raw.replace("€", "").replace("\u00a0", "").replace(" ", ""))
        if self.raw and not match:
            raise ValueError(_l("Un montant en euros, par exemple 20 ou 12,50."))
        if match:
            self.data = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data // 100},{self.data % 100:02d}"


class IssueForm(FlaskForm):
    amount = EurosField(_l("Valeur de chaque bon (€)"), validators=[
        InputRequired(message=_l("Indiquez la valeur du bon."))],
        render_kw={"inputmode": "decimal", "data-testid": "issue-amount"})
    expires_on = DateField(_l("Valable jusqu'au"), validators=[
        InputRequired(message=_l("Indiquez la date de fin de validité."))],
        render_kw={"data-testid": "issue-expires-on"})
    count = IntegerField(_l("Nombre de bons"), default=10, validators=[
        InputRequired(message=_l("Indiquez combien de bons imprimer.")),
        NumberRange(1, MAX_BATCH, _l("Entre 1 et %(max)s bons par lot.", max=MAX_BATCH))],
        render_kw={"min": 1, "max": MAX_BATCH, "inputmode": "numeric",
                   "data-testid": "issue-count"})


METHOD_CHOICES = [SelectChoice("especes", _l("Espèces")), SelectChoice("cheque", _l("Chèque")),
                  SelectChoice("carte", _l("Carte bancaire")),
                  SelectChoice("virement", _l("Virement"))]


class SaleForm(FlaskForm):
    code = StringField(_l("Code du bon"), validators=[
        DataRequired(message=_l("Indiquez le code du bon."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters",
                   "data-testid": "sale-code"})
    buyer_name = StringField(_l("Acheteur"), validators=[
        DataRequired(message=_l("Indiquez le nom de l'acheteur.")),
        Length(max=120, message=_l("120 caractères au plus."))],
        render_kw={"data-testid": "sale-buyer"})
    paid = EurosField(_l("Montant payé (€)"), validators=[
        InputRequired(message=_l("Indiquez le montant payé."))],
        render_kw={"inputmode": "decimal", "data-testid": "sale-paid"})
    method = SelectField(_l("Payé par"), choices=METHOD_CHOICES,
                         render_kw={"data-testid": "sale-method"})


class BalanceForm(FlaskForm):
    code = StringField(_l("Code du bon"), validators=[
        DataRequired(message=_l("Indiquez le code imprimé sur le bon."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters",
                   "placeholder": "ABCD-EFGH-JKLM-NPQR", "data-testid": "balance-code"})
