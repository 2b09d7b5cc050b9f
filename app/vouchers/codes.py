"""Voucher codes: 16 characters drawn by `secrets` from an alphabet without look-alikes.

32 symbols (no I, O, 0 or 1: read aloud or copied from paper, they get mixed up) give
5 bits each, 80 bits a code: guessing one is hopeless even before the rate limit.
Codes are stored normalised (upper case, no spaces or dashes) and shown in groups of four.
"""
import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 16
GROUP = 4
_SEPARATORS = re.compile(r"[\s\-]+")
_VALID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str:
    """What the shopper typed, as stored: case ignored, spaces and dashes dropped."""
    return _SEPARATORS.sub("", raw or "").upper()


def well_formed(code: str) -> bool:
    """A normalised code that could exist (no database needed to refuse a typo)."""
    return bool(_VALID.fullmatch(code))


def display(code: str) -> str:
    """ABCD-EFGH-JKLM-NPQR: how it is printed and read out."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))
