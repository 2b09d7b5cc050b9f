"""Shops: onboarding, opening hours, closures."""
import re
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import unit_of_work
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.phone import normalize_phone
from app.shops.holidays import HOLIDAY_CODES
from app.shops.models import Closure, OpeningHours, Shop

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Monday to Saturday 09:00-19:00, the demo town's and a new shop's default.
DEFAULT_HOURS = [(day, time(9), time(19)) for day in range(6)]


def get_shop(slug: str) -> Shop:
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == slug))
    if shop is None or not shop.active:
        raise NotFound(_("Boutique introuvable."), field="slug")
    return shop


def list_shops() -> list[Shop]:
    return list(db.session.scalars(sa.select(Shop).where(Shop.active.is_(True))
                                   .order_by(Shop.name)))


def create_shop(*, slug: str, name: str, address: str = "", phone: str = "",
                description: str = "", hours=None, **pickup) -> Shop:
    if not SLUG.match(slug or "") or len(slug) > 64:
        raise Invalid(_("Identifiant : lettres minuscules, chiffres et tirets."), field="slug")
    if not (name or "").strip():
        raise Invalid(_("Le nom est obligatoire."), field="name", code="required")
    if db.session.scalar(sa.select(Shop.id).where(Shop.slug == slug)):
        raise Conflict(_("Une boutique porte déjà cet identifiant."), field="slug",
                       code="duplicate_slug")
    with unit_of_work():
        shop = Shop(slug=slug, name=name.strip(), address=address, description=description,
                    phone=normalize_phone(phone) if phone else "", **pickup)
        db.session.add(shop)
        for weekday, opens, closes in (DEFAULT_HOURS if hours is None else hours):
            shop.hours.append(OpeningHours(weekday=weekday, opens=opens, closes=closes))
    return shop


def add_closure(shop: Shop, start: date, end: date, reason: str = "") -> Closure:
    if end < start:
        raise Invalid(_("La fin précède le début."), field="end_date")
    with unit_of_work():
        closure = Closure(shop_id=shop.id, start_date=start, end_date=end, reason=reason)
        db.session.add(closure)
    return closure


def opening_hours_json(shop: Shop) -> dict:
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return {day: [{"opens": h.opens.strftime("%H:%M"), "closes": h.closes.strftime("%H:%M")}
                  for h in shop.hours if h.weekday == i] for i, day in enumerate(days)}


# --- The shop's settings, from its phone or its till (merchant/settings.py, api) ----------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Opening and closing on the 5-minute grid: every slot length below then starts on it.
TIME_STEP_MINUTES = 5
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
# A morning and an afternoon (a lunch break), or three for a shop that closes twice.
MAX_PERIODS_PER_DAY = 3
SLOT_LENGTHS = (10, 15, 20, 30, 60)
# The pickup settings a shop may change, each with its bounds (inclusive).
PICKUP_BOUNDS = {
    "seats_per_slot": (1, 50),        # orders one slot takes
    "prep_minutes": (0, 1440),        # between an order and its slot: up to a day
    "hold_minutes": (5, 60),          # a checkout holds the stock this long
    "reminder_minutes": (15, 1440),   # the SMS reminder, this long before the slot
    "no_show_minutes": (60, 10080),   # not collected this long after the slot: up to a week
}
PICKUP_FIELDS = ("slot_minutes", *PICKUP_BOUNDS)
MAX_DESCRIPTION = 2000
# What a shop may say it is; the pages put each code into words.
SHOP_KINDS = ("boulangerie", "boucherie", "fromagerie", "epicerie", "primeur",
              "poissonnerie", "caviste", "fleuriste", "librairie", "autre")
MAX_CLOSURE_REASON = 200
CLOSURE_HORIZON_DAYS = 730  # a closure is planned at most two years ahead


def _parse_clock(text, field: str) -> time:
    match = CLOCK.match(text) if isinstance(text, str) else None
    if match is None:
        raise Invalid(_("Heure attendue au format HH:MM (de 00:00 à 23:55)."), field=field,
                      code="invalid_time")
    moment = time(int(match[1]), int(match[2]))
    if moment.minute % TIME_STEP_MINUTES:
        raise Invalid(_("Une heure ronde à 5 minutes près (9:00, 12:30, 18:45…)."),
                      field=field, code="invalid_time")
    return moment


def check_week(week: dict) -> list[tuple[int, time, time]]:
    """The week as the shop typed it, {"monday": [(opens, closes), ...], ...}, every day
    given (an empty list: closed), read and checked: "HH:MM" on the 5-minute grid, opening
    before closing, periods of one day apart (two periods make a lunch break). Problems
    name their place, "tuesday[1].opens"."""
    rows = []
    for weekday, day in enumerate(WEEKDAYS):
        periods = week.get(day)
        if not isinstance(periods, (list, tuple)):
            raise Invalid(_("Les horaires de chaque jour sont attendus (vide : fermé)."),
                          field=day, code="required")
        if len(periods) > MAX_PERIODS_PER_DAY:
            raise Invalid(_("%(n)s plages au plus par jour.", n=MAX_PERIODS_PER_DAY),
                          field=day, code="too_many_periods")
        read = []
        for index, period in enumerate(periods):
            at = f"{day}[{index}]"
            if isinstance(period, dict):
                opens, closes = period.get("opens"), period.get("closes")
            elif isinstance(period, (list, tuple)) and len(period) == 2:
                opens, closes = period
            else:
                raise Invalid(_("Une plage : ouverture et fermeture."), field=at)
            opens = _parse_clock(opens, f"{at}.opens")
            closes = _parse_clock(closes, f"{at}.closes")
            if closes <= opens:
                raise Invalid(_("La fermeture doit suivre l'ouverture."), field=f"{at}.closes",
                              code="closes_before_opens")
            read.append((opens, closes, at))
        read.sort()
        for (_o, earlier_closes, _a), (opens, _c, at) in zip(read, read[1:]):
            if opens < earlier_closes:
                raise Invalid(_("Cette plage chevauche la précédente du même jour."),
                              field=f"{at}.opens", code="overlapping_periods")
        rows += [(weekday, opens, closes) for opens, closes, _at in read]
    return rows


def set_opening_hours(shop_id: int, week: dict) -> Shop:
    """Replace the shop's weekly hours; the slots offered follow at once (pickup.services
    reads them). All or nothing."""
    rows = check_week(week)
    with unit_of_work():
        shop = db.session.get(Shop, shop_id)
        shop.hours.clear()
        db.session.flush()  # old rows gone before the new ones go in
        for weekday, opens, closes in rows:
            shop.hours.append(OpeningHours(weekday=weekday, opens=opens, closes=closes))
    return shop


def check_pickup_settings(changes: dict) -> dict:
    unknown = sorted(set(changes) - set(PICKUP_FIELDS))
    if unknown:
        raise Invalid(_("Champ inconnu."), field=unknown[0], code="unknown_field")
    for field, value in changes.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(_("Un nombre entier est attendu."), field=field)
        if field == "slot_minutes":
            if value not in SLOT_LENGTHS:
                raise Invalid(_("Durée d'un créneau : %(choices)s minutes.",
                                choices=", ".join(map(str, SLOT_LENGTHS))), field=field)
            continue
        least, most = PICKUP_BOUNDS[field]
        if not least <= value <= most:
            raise Invalid(_("Entre %(least)s et %(most)s.", least=least, most=most),
                          field=field, code="out_of_range")
    return changes


def update_pickup_settings(shop_id: int, changes: dict) -> Shop:
    """Change slot length, seats, preparation, hold, reminder or no-show minutes; only the
    fields given, all or nothing. Slots already booked keep their time."""
    check_pickup_settings(changes)
    with unit_of_work():
        shop = db.session.get(Shop, shop_id)
        for field, value in changes.items():
            setattr(shop, field, value)
    return shop


def update_profile(shop_id: int, *, description: str, kind: str | None = None,
                   holiday_openings: list[str] | None = None) -> Shop:
    """The shop's presentation, its kind, and the public holidays it opens on (None: left
    as they are)."""
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(_("%(most)s caractères au plus.", most=MAX_DESCRIPTION),
                      field="description", code="too_long")
    if kind is not None and kind not in ("", *SHOP_KINDS):
        raise Invalid(_("Choisissez un genre de boutique de la liste."), field="kind")
    unknown = set(holiday_openings or ()) - set(HOLIDAY_CODES)
    if unknown:
        raise Invalid(_("Jour férié inconnu."), field="holiday_openings")
    with unit_of_work():
        shop = db.session.get(Shop, shop_id)
        shop.description = description
        if kind is not None:
            shop.kind = kind
        if holiday_openings is not None:
            shop.holiday_openings = ",".join(c for c in HOLIDAY_CODES if c in holiday_openings)
    return shop


def plan_closure(shop_id: int, start: date, end: date, reason: str, *, today: date) -> Closure:
    """An exceptional closure the shop announces: whole days, from today on, start before
    end; no slot is offered on those days."""
    reason = (reason or "").strip()
    if start < today:
        raise Invalid(_("Une fermeture commence aujourd'hui ou plus tard."),
                      field="start_date", code="in_the_past")
    if start > today + timedelta(days=CLOSURE_HORIZON_DAYS):
        raise Invalid(_("Deux ans à l'avance au plus."), field="start_date", code="too_far")
    if end < start:
        raise Invalid(_("La fin précède le début."), field="end_date",
                      code="end_before_start")
    if end > start + timedelta(days=CLOSURE_HORIZON_DAYS):
        raise Invalid(_("Deux ans au plus."), field="end_date", code="too_far")
    if len(reason) > MAX_CLOSURE_REASON:
        raise Invalid(_("%(most)s caractères au plus.", most=MAX_CLOSURE_REASON),
                      field="reason", code="too_long")
    shop = db.session.get(Shop, shop_id)
    return add_closure(shop, start, end, reason)


def upcoming_closures(shop_id: int, today: date) -> list[Closure]:
    return list(db.session.scalars(
        sa.select(Closure).where(Closure.shop_id == shop_id, Closure.end_date >= today)
        .order_by(Closure.start_date, Closure.id)))


def remove_closure(shop_id: int, closure_id: int) -> None:
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.shop_id != shop_id:
        raise NotFound(_("Fermeture introuvable."), field="id")
    with unit_of_work():
        db.session.delete(closure)
