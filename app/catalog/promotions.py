"""Promotions: checking a merchant's promotion and what a shopper is shown at a moment.

The price rule itself lives in catalog/models.py (`price_at`); this module never restates it.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import gettext as _

from app.catalog.models import Product
from app.errors import Invalid
from app.timeutil import local

PROMO_FIELDS = ("promo_price_cents", "promo_starts_at", "promo_ends_at")
# The bounds keep UTC conversion and both databases' timestamps in range.
FIRST_YEAR, LAST_YEAR = 2000, 2099
# An offset (or Z) is required: a bare local time from a client is ambiguous around DST.
OFFSET = re.compile(r".*(Z|[+-][0-9]{2}:?[0-9]{2})$")


@dataclass(frozen=True)
class ShownPrice:
    """What a shopper sees for a product at one moment."""
    price_cents: int  # what a checkout made now pays
    regular_price_cents: int
    promotion: bool  # the promotion runs now (and is lower)
    ends_at: datetime | None  # when the running promotion stops, if it does
    # Its last whole day when it stops at the town's midnight: "jusqu'au 27 inclus" reads
    # better than "jusqu'au 28 à 00:00".
    last_day: date | None = None


def shown_price(product: Product, now: datetime) -> ShownPrice:
    price = product.price_at(now)
    running = price < product.price_cents
    ends_at = product.promo_ends_at if running else None
    last_day = None
    if ends_at is not None and local(ends_at).time() == time(0, 0):
        last_day = local(ends_at).date() - timedelta(days=1)
    return ShownPrice(price, product.price_cents, running, ends_at, last_day)


def parse_instant(value, field: str) -> datetime | None:
    """ISO-8601 with an offset, or None (open-ended); stored as UTC."""
    if value is None:
        return None
    moment = None
    if isinstance(value, str) and OFFSET.fullmatch(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
    if moment is None or moment.tzinfo is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Invalid(_("Date et heure ISO-8601 avec décalage attendues "
                        "(ex. 2026-12-01T08:00:00+01:00)."), field=field)
    return moment.astimezone(timezone.utc)


def check_promotion(price_cents: int, promo_price_cents: int | None,
                    starts_at: datetime | None, ends_at: datetime | None, *,
                    now: datetime, ends_changed: bool) -> None:
    """The promotion a product would have after an edit; raises on the field at fault."""
    if promo_price_cents is None:
        return
    if promo_price_cents >= price_cents:
        raise Invalid(_("Le prix promotionnel doit être inférieur au prix habituel."),
                      field="promo_price_cents")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise Invalid(_("La fin de la promotion doit suivre son début."), field="promo_ends_at")
    # A stored end may have passed since (the promotion is over); a new one may not.
    if ends_changed and ends_at is not None and ends_at <= now:
        raise Invalid(_("La fin de la promotion est déjà passée."), field="promo_ends_at")
