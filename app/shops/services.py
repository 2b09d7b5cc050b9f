"""Shops: onboarding, opening hours, closures."""
import re
from datetime import date, time

import sqlalchemy as sa

from app.database import unit_of_work
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.phone import normalize_phone
from app.shops.models import Closure, OpeningHours, Shop

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Monday to Saturday 09:00-19:00, the demo town's and a new shop's default.
DEFAULT_HOURS = [(day, time(9), time(19)) for day in range(6)]


def get_shop(slug: str) -> Shop:
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == slug))
    if shop is None or not shop.active:
        raise NotFound("Boutique introuvable.", field="slug")
    return shop


def list_shops() -> list[Shop]:
    return list(db.session.scalars(sa.select(Shop).where(Shop.active.is_(True))
                                   .order_by(Shop.name)))


def create_shop(*, slug: str, name: str, address: str = "", phone: str = "",
                description: str = "", hours=None, **pickup) -> Shop:
    if not SLUG.match(slug or "") or len(slug) > 64:
        raise Invalid("Identifiant : lettres minuscules, chiffres et tirets.", field="slug")
    if not (name or "").strip():
        raise Invalid("Le nom est obligatoire.", field="name", code="required")
    if db.session.scalar(sa.select(Shop.id).where(Shop.slug == slug)):
        raise Conflict("Une boutique porte déjà cet identifiant.", field="slug",
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
        raise Invalid("La fin précède le début.", field="end_date")
    with unit_of_work():
        closure = Closure(shop_id=shop.id, start_date=start, end_date=end, reason=reason)
        db.session.add(closure)
    return closure


def opening_hours_json(shop: Shop) -> dict:
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return {day: [{"opens": h.opens.strftime("%H:%M"), "closes": h.closes.strftime("%H:%M")}
                  for h in shop.hours if h.weekday == i] for i, day in enumerate(days)}
