"""Phone numbers in E.164, French numbers accepted as people type them."""
import phonenumbers
from flask_babel import gettext as _

from app.errors import Invalid


def normalize_phone(raw: str, *, field: str = "phone", region: str = "FR") -> str:
    try:
        number = phonenumbers.parse(raw or "", region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Invalid(_("Numéro de téléphone invalide (ex. 06 12 34 56 78)."), field=field,
                      code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str, *, region: str = "FR") -> str:
    """As people of the town write it: '06 12 34 56 78'; foreign numbers stay international."""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
