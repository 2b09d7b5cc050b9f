"""Numbers typed into addresses and forms: ASCII digits only. str.isdigit() also says yes to
'²' (which int() refuses: a 500) and to '١٢' (Arabic-Indic digits, which int() reads as
12); and a number too long overflows the database's integer columns and OFFSETs."""
import math
import re

from wtforms import validators

DIGITS = re.compile(r"[0-9]{1,9}")  # at most 999,999,999: inside a 32-bit integer column


def small_int(text) -> int | None:
    """The whole number `text` spells in ASCII digits (up to 9 of them), else None."""
    if not isinstance(text, str) or not DIGITS.fullmatch(text):
        return None
    return int(text)


class NumberRange(validators.NumberRange):
    """wtforms' NumberRange, every form's: a whole number past a float's range (a pasted
    400-digit number) is out of range, where wtforms' own math.isnan raised OverflowError
    (a 500)."""

    def __call__(self, form, field):
        data = field.data
        if not isinstance(data, int) or abs(data) < 2**63:
            return super().__call__(form, field)
        field.data = math.inf if data > 0 else -math.inf  # compared as such: out of any range
        try:
            return super().__call__(form, field)
        finally:
            field.data = data
