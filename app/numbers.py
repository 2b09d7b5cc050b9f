"""Numbers typed into addresses and forms: ASCII digits only. str.isdigit() also says yes to
'²' (which int() refuses: a 500) and to '١٢' (Arabic-Indic digits, which int() reads as
12); and a number too long overflows the database's integer columns and OFFSETs."""
import re

DIGITS = re.compile(r"[0-9]{1,9}")  # at most 999,999,999: inside a 32-bit integer column


def small_int(text) -> int | None:
    """The whole number `text` spells in ASCII digits (up to 9 of them), else None."""
    if not isinstance(text, str) or not DIGITS.fullmatch(text):
        return None
    return int(text)
