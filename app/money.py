"""Money is integer cents everywhere; this is the only place that makes euros of it."""


def euros(cents: int) -> str:
    """French display: 1250 -> '12,50 €' (narrow no-break space before the sign)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}\u00a0€"
