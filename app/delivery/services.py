"""Home delivery's rules: which zone an address is in and what it costs, which windows a
basket can be delivered in, and the drops a window has left (taken as pickup seats are)."""
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.database import DROPS, capped_counter, current_unit, unit_of_work, utcnow
from app.delivery.errors import DeliveryUnavailable
from app.delivery.geocoding import Address, Geocoder, GeocoderUnavailable
from app.delivery.models import (REQUEST_CANCELLED, REQUEST_DELIVERED, REQUEST_FAILED,
                                 REQUEST_HELD, DeliveryPickup, DeliveryRequest, DeliveryWindow,
                                 DeliveryZone, WindowDrops)
from app.delivery.transitions import move_request
from app.errors import Conflict, DomainError, Invalid, NotFound
from app.extensions import db
from app.money import euros
from app.pickup.services import BOOKING_HORIZON_DAYS, closed_on
from app.shops.models import Shop
from app.timeutil import local_today, town_tz

EARTH_RADIUS_M = 6_371_000
MAX_RADIUS_M = 50_000
WINDOW_DAYS = 7  # windows are offered this many days ahead
POSTCODE = re.compile(r"\d{5}")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line distance on the Earth, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def depot() -> tuple[float, float]:
    return current_app.config["DELIVERY_DEPOT_LAT"], current_app.config["DELIVERY_DEPOT_LON"]


# ---- Addresses -------------------------------------------------------------------------

def suggest_addresses(geocoder: Geocoder, text: str) -> list[Address]:
    """What the shopper picks an address from; a geocoder that cannot answer is a refusal
    on the address field that says what to do, never an error page."""
    try:
        return geocoder.suggest(text)
    except GeocoderUnavailable:
        raise DeliveryUnavailable(
            _("La recherche d'adresse ne répond pas : réessayez dans un instant, ou "
              "choisissez le retrait en boutique."), field="address",
            code="geocoder_unavailable") from None


# ---- Zones -----------------------------------------------------------------------------

def _weekdays_text(weekdays, field: str) -> str:
    days = sorted({int(d) for d in weekdays})
    if not days:
        raise Invalid(_("Choisissez au moins un jour."), field=field)
    if days[0] < 0 or days[-1] > 6:
        raise Invalid(_("Jour de la semaine inconnu."), field=field)
    return "".join(str(d) for d in days)


def _postcodes_text(raw: str) -> str:
    codes = [c for c in re.split(r"[\s,;]+", raw or "") if c]
    for code in codes:
        if not POSTCODE.fullmatch(code):
            raise Invalid(_("« %(code)s » n'est pas un code postal (5 chiffres).", code=code),
                          field="postcodes")
    return ",".join(dict.fromkeys(codes))


def create_zone(*, name: str, postcodes: str, radius_m: int | None, fee_cents: int,
                free_above_cents: int | None, min_basket_cents: int, weekdays) -> DeliveryZone:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Le nom est obligatoire."), field="name")
    codes = _postcodes_text(postcodes)
    if radius_m is not None and not 0 < radius_m <= MAX_RADIUS_M:
        raise Invalid(_("Un rayon entre 1 et %(most)s mètres.", most=MAX_RADIUS_M),
                      field="radius_m")
    if not codes and radius_m is None:
        raise Invalid(_("Donnez des codes postaux, un rayon, ou les deux."), field="postcodes")
    if fee_cents < 0:
        raise Invalid(_("Un montant positif ou nul."), field="fee")
    if free_above_cents is not None and free_above_cents <= 0:
        raise Invalid(_("Un montant positif, ou rien."), field="free_above")
    if min_basket_cents < 0:
        raise Invalid(_("Un montant positif ou nul."), field="min_basket")
    days = _weekdays_text(weekdays, "weekdays")
    with unit_of_work():
        zone = DeliveryZone(name=name[:80], postcodes=codes, radius_m=radius_m,
                            fee_cents=fee_cents, free_above_cents=free_above_cents,
                            min_basket_cents=min_basket_cents, weekdays=days)
        db.session.add(zone)
    return zone


def delete_zone(zone_id: int) -> None:
    with unit_of_work():
        zone = db.session.get(DeliveryZone, zone_id)
        if zone is None:
            raise NotFound(_("Zone inconnue."), field="zone")
        db.session.delete(zone)


def all_zones() -> list[DeliveryZone]:
    return list(db.session.scalars(sa.select(DeliveryZone).order_by(DeliveryZone.id)))


def in_zone(zone: DeliveryZone, address: Address) -> bool:
    if address.postcode in zone.postcode_list:
        return True
    if zone.radius_m is None:
        return False
    return haversine_m(*depot(), address.lat, address.lon) <= zone.radius_m


def zone_for(address: Address, day: date | None = None, *,
             zones: list[DeliveryZone] | None = None) -> DeliveryZone | None:
    """The zone the address is delivered in (on `day`, when given): the cheapest of those
    it is in, so a shopper never pays more because zones overlap. `zones`: already read."""
    found = [z for z in (all_zones() if zones is None else zones) if in_zone(z, address)
             and (day is None or str(day.weekday()) in z.weekdays)]
    return min(found, key=lambda z: (z.fee_cents, z.min_basket_cents, z.id), default=None)


@dataclass(frozen=True)
class Quote:
    zone: DeliveryZone
    fee_cents: int


def fee_for(zone: DeliveryZone, basket_cents: int) -> int:
    if zone.free_above_cents is not None and basket_cents >= zone.free_above_cents:
        return 0
    return zone.fee_cents


def quote(address: Address, basket_cents: int, day: date | None) -> Quote:
    """The zone and the fee of a delivery, or the refusal: on the address (outside every
    zone, or not on that day) or on the basket (below the zone's minimum, by how much)."""
    if zone_for(address) is None:
        raise Invalid(_("Nous ne livrons pas à cette adresse : choisissez le retrait en "
                        "boutique."), field="address", code="outside_zones")
    zone = zone_for(address, day)
    if zone is None:
        raise Invalid(_("Pas de livraison à cette adresse ce jour-là."), field="day",
                      code="no_delivery_that_day")
    if basket_cents < zone.min_basket_cents:
        missing = zone.min_basket_cents - basket_cents
        raise Invalid(_("Livraison à partir de %(minimum)s d'achats : encore %(missing)s.",
                        minimum=euros(zone.min_basket_cents), missing=euros(missing)),
                      field="basket", code="below_minimum")
    return Quote(zone, fee_for(zone, basket_cents))


# ---- Windows ---------------------------------------------------------------------------

def create_window(*, weekdays, starts: time, ends: time, drops: int, cutoff_days_before: int,
                  cutoff_time: time) -> DeliveryWindow:
    days = _weekdays_text(weekdays, "weekdays")
    if not starts < ends:
        raise Invalid(_("La fin doit suivre le début."), field="ends")
    if not 1 <= drops <= 1000:
        raise Invalid(_("Entre 1 et 1000 livraisons."), field="drops")
    if cutoff_days_before not in (0, 1):
        raise Invalid(_("Le jour même ou la veille."), field="cutoff_days_before")
    if cutoff_days_before == 0 and cutoff_time > starts:
        raise Invalid(_("Le jour même, la limite doit précéder le début du créneau."),
                      field="cutoff_time")
    with unit_of_work():
        window = DeliveryWindow(weekdays=days, starts=starts, ends=ends, drops=drops,
                                cutoff_days_before=cutoff_days_before, cutoff_time=cutoff_time)
        db.session.add(window)
    return window


def set_window_active(window_id: int, active: bool) -> DeliveryWindow:
    with unit_of_work():
        window = db.session.get(DeliveryWindow, window_id)
        if window is None:
            raise NotFound(_("Créneau inconnu."), field="window")
        window.active = active
    return window


def all_windows() -> list[DeliveryWindow]:
    return list(db.session.scalars(sa.select(DeliveryWindow)
                                   .order_by(DeliveryWindow.starts, DeliveryWindow.id)))


def town_moment(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=town_tz()).astimezone(timezone.utc)


def window_bounds(window: DeliveryWindow, day: date) -> tuple[datetime, datetime]:
    """The window on `day`, in UTC: read on the town's wall clock."""
    return town_moment(day, window.starts), town_moment(day, window.ends)


def cutoff_at(window: DeliveryWindow, day: date) -> datetime:
    return town_moment(day - timedelta(days=window.cutoff_days_before), window.cutoff_time)


def ready_at(shop: Shop, day: date, now: datetime) -> datetime | None:
    """When the shop can have an order placed at `now` ready on `day`: its preparation
    time, counted from now or from its first opening that day. None: closed that day (an
    exceptional closure, a holiday it does not open on, no hours that weekday)."""
    if closed_on(shop, day):
        return None
    openings = sorted(town_moment(day, h.opens) for h in shop.hours if h.weekday == day.weekday())
    if not openings:
        return None
    return max(now, openings[0]) + timedelta(minutes=shop.prep_minutes)


def open_between(shop: Shop, day: date, start: datetime, end: datetime) -> bool:
    """Is the shop open at some moment of [start, end): the courier can collect then."""
    return any(town_moment(day, h.opens) < end and start < town_moment(day, h.closes)
               for h in shop.hours if h.weekday == day.weekday())


# Why a window is not offered (API clients rely on these codes).
REFUSED_DAY = "no_delivery_that_day"  # the address's zone does not run that weekday
REFUSED_CUTOFF = "cutoff_passed"      # too late to order for it
REFUSED_SHOP_CLOSED = "shop_closed"   # a shop of the basket is closed that day
REFUSED_NOT_READY = "not_ready"       # a shop's preparation would end after it starts
REFUSED_NO_PICKUP = "no_pickup"       # a shop closes before its order could be collected
REFUSED_FULL = "window_full"          # no drop left


@dataclass(frozen=True)
class WindowOffer:
    window_id: int
    day: date
    start: datetime  # UTC
    end: datetime
    remaining: int
    fee_cents: int
    refusal: str | None = None  # one of REFUSED_*, None when it can be chosen
    shop: str | None = None     # the shop (slug) a shop refusal is about

    @property
    def offered(self) -> bool:
        return self.refusal is None


def _taken(pairs: list[tuple[int, date]]) -> dict[tuple[int, date], int]:
    if not pairs:
        return {}
    days = {d for _w, d in pairs}
    rows = db.session.execute(sa.select(WindowDrops.window_id, WindowDrops.day,
                                        WindowDrops.taken).where(WindowDrops.day.in_(days)))
    return {(w, d): taken for w, d, taken in rows}


def _shop_refusal(shops: list[Shop], day: date, start: datetime, end: datetime,
                  now: datetime) -> tuple[str, str] | None:
    for shop in shops:
        ready = ready_at(shop, day, now)
        if ready is None or not shop.active:
            return REFUSED_SHOP_CLOSED, shop.slug
        if ready > start:
            return REFUSED_NOT_READY, shop.slug
        if not open_between(shop, day, ready, end):
            return REFUSED_NO_PICKUP, shop.slug
    return None


def windows_for(address: Address, shops: list[Shop], basket_cents: int, now: datetime, *,
                days: int = WINDOW_DAYS) -> list[WindowOffer]:
    """Every active window of the coming `days` days, each offered or refused with its
    reason. Refuses as a whole (outside_zones, below_minimum) what no window can change."""
    if not shops:
        raise Invalid(_("Votre panier est vide."), field="shops", code="empty_basket")
    quote(address, basket_cents, None)
    zones = [z for z in all_zones() if in_zone(z, address)]
    today = local_today(now)
    windows = [w for w in all_windows() if w.active]
    candidates = [(w, today + timedelta(days=i)) for i in range(min(days, BOOKING_HORIZON_DAYS))
                  for w in windows if str((today + timedelta(days=i)).weekday()) in w.weekdays]
    taken = _taken([(w.id, d) for w, d in candidates])
    offers = []
    for window, day in candidates:
        start, end = window_bounds(window, day)
        remaining = window.drops - taken.get((window.id, day), 0)
        zone = zone_for(address, day, zones=zones)
        fee = fee_for(zone, basket_cents) if zone else 0
        offer = dict(window_id=window.id, day=day, start=start, end=end, remaining=remaining,
                     fee_cents=fee)
        if zone is None:
            refusal = (REFUSED_DAY, None)
        elif now >= cutoff_at(window, day):
            refusal = (REFUSED_CUTOFF, None)
        else:
            refusal = _shop_refusal(shops, day, start, end, now)
            if refusal is None and zone.min_basket_cents > basket_cents:
                refusal = ("below_minimum", None)
            if refusal is None and remaining <= 0:
                refusal = (REFUSED_FULL, None)
        if refusal:
            offer.update(refusal=refusal[0], shop=refusal[1])
        offers.append(WindowOffer(**offer))
    return offers


REFUSAL_TEXTS = {
    REFUSED_DAY: lambda: _("Pas de livraison à cette adresse ce jour-là."),
    REFUSED_CUTOFF: lambda: _("Trop tard pour commander pour ce créneau."),
    REFUSED_SHOP_CLOSED: lambda: _("Une boutique du panier est fermée ce jour-là."),
    REFUSED_NOT_READY: lambda: _("Une boutique du panier ne peut pas préparer la commande "
                                 "avant ce créneau."),
    REFUSED_NO_PICKUP: lambda: _("Une boutique du panier ferme avant que le livreur puisse "
                                 "passer."),
    REFUSED_FULL: lambda: _("Ce créneau de livraison est complet, choisissez-en un autre."),
    "below_minimum": lambda: _("Le panier n'atteint pas le minimum de livraison."),
}


def refusal_text(code: str) -> str:
    return REFUSAL_TEXTS[code]()


# ---- Drops -----------------------------------------------------------------------------

# As pickup seats: the database settles the race for the last drop.
_take_drop = capped_counter(WindowDrops.__table__, ("window_id", "day"))


def take_drop(window: DeliveryWindow, day: date, *, field: str, connection=None) -> None:
    """One drop of the window that day, in one statement, in the caller's unit of work
    (after its seats: lock order in app/database.py)."""
    taken = _take_drop({"window_id": window.id, "day": day, "capacity": window.drops},
                       connection).scalar_one_or_none()
    if taken is None:
        raise Conflict(refusal_text(REFUSED_FULL), field=field, code=REFUSED_FULL)


def release_drop(window_id: int, day: date) -> None:
    db.session.execute(
        sa.update(WindowDrops)
        .where(WindowDrops.window_id == window_id, WindowDrops.day == day, WindowDrops.taken > 0)
        .values(taken=WindowDrops.taken - 1))


def drops_taken(window_id: int, day: date) -> int:
    return db.session.scalar(sa.select(WindowDrops.taken).where(
        WindowDrops.window_id == window_id, WindowDrops.day == day)) or 0


def hold_delivery(address: Address, shops: list[Shop], basket_cents: int, window_id: int,
                  day: date, now: datetime, *, checkout_id: int | None = None,
                  parcels: int = 1, field: str = "window") -> DeliveryRequest:
    """A delivery request holding one drop of its window, checked against every rule.
    Joins the caller's unit of work: the checkout will hold its stock, its seats and this
    drop in one transaction."""
    offer = offered_window(address, shops, basket_cents, window_id, day, now, field=field)
    return hold_offer(offer, address, shops, checkout_id=checkout_id, parcels=parcels,
                      field=field)


def offered_window(address: Address, shops: list[Shop], basket_cents: int, window_id: int,
                   day: date, now: datetime, *, field: str = "window") -> WindowOffer:
    """The window on that day if it can be chosen now, else the refusal on `field` (422,
    409 when only full). Reads only: the checkout checks before it writes anything."""
    offer = next((o for o in windows_for(address, shops, basket_cents, now)
                  if o.window_id == window_id and o.day == day), None)
    if offer is None:
        raise Invalid(_("Ce créneau de livraison n'est pas proposé."), field=field,
                      code="window_unavailable")
    if offer.refusal == REFUSED_FULL:
        raise Conflict(refusal_text(REFUSED_FULL), field=field, code=REFUSED_FULL)
    if offer.refusal:
        raise Invalid(refusal_text(offer.refusal), field=field, code=offer.refusal)
    return offer


def hold_offer(offer: WindowOffer, address: Address, shops, *, checkout_id: int | None = None,
               parcels: int = 1, field: str = "window") -> DeliveryRequest:
    """The request and its drop for an offer checked by offered_window, in the caller's
    unit of work (after its seats in the lock order). `shops`: anything with an id."""
    window_id, day = offer.window_id, offer.day
    with unit_of_work():
        window = db.session.get(DeliveryWindow, window_id)
        take_drop(window, day, field=field)
        request = DeliveryRequest(
            checkout_id=checkout_id, window_id=window_id, day=day, label=address.label[:250],
            postcode=address.postcode[:10], city=address.city[:100], lat=address.lat,
            lon=address.lon, fee_cents=offer.fee_cents, parcels=parcels, status=REQUEST_HELD,
            shops=[DeliveryPickup(shop_id=shop.id) for shop in shops])
        db.session.add(request)
    return request


def cancel_request(request_id: int, *, actor: str = "system",
                   now: datetime | None = None) -> None:
    """The request ends undelivered: its drop goes back, queued in the lock order."""
    with unit_of_work():
        request = db.session.get(DeliveryRequest, request_id)
        if request is None:
            raise NotFound(_("Livraison inconnue."), field="request")
        if request.status != REQUEST_HELD:
            raise Conflict(_("Cette livraison est déjà planifiée."), field="request",
                           code="already_planned")
        move_request(request, REQUEST_CANCELLED, actor=actor, now=now or utcnow())
        window_id, day = request.window_id, request.day
        current_unit().later((DROPS, window_id, day, request_id),
                             lambda: release_drop(window_id, day))


# ---- The checkout's delivery -----------------------------------------------------------

def _same_label(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def resolve_address(geocoder: Geocoder, label: str, *, field: str = "address") -> Address:
    """The address a shopper picked, by its label, as the geocoder finds it again: the
    coordinates are always ours, never the client's. A label it does not give back (typed
    by hand, or of another town) is refused on `field`."""
    label = (label or "").strip()
    if not label:
        raise Invalid(_("Indiquez l'adresse de livraison."), field=field, code="required")
    try:
        found = suggest_addresses(geocoder, label)
    except DeliveryUnavailable as error:
        raise DeliveryUnavailable(error.message, field=field, code=error.code) from None
    address = next((a for a in found if _same_label(a.label, label)), None)
    if address is None:
        raise Invalid(_("Adresse introuvable : choisissez-la parmi les suggestions."),
                      field=field, code="unknown_address")
    return address


# Where quote's and windows_for's refusals land in a checkout request.
CHECKOUT_FIELDS = {"address": "delivery.address", "day": "delivery.day", "basket": "orders",
                   "shops": "orders"}


def check_for_checkout(address: Address, shops: list[Shop], basket_cents: int,
                       window_id: int, day: date, now: datetime) -> WindowOffer:
    """offered_window with each refusal named as the checkout request's field."""
    try:
        return offered_window(address, shops, basket_cents, window_id, day, now,
                              field="delivery.window_id")
    except DomainError as error:
        error.field = CHECKOUT_FIELDS.get(error.field, error.field)
        raise


def delivery_for_checkout(checkout_id: int) -> DeliveryRequest | None:
    """The delivery a checkout chose; None for a pickup. Its orders are delivered when
    this request is (status REQUEST_DELIVERED), each then moved ready -> collected."""
    return db.session.scalar(sa.select(DeliveryRequest)
                             .where(DeliveryRequest.checkout_id == checkout_id))


def fee_due_cents(checkout_id: int, *, delivered_only: bool) -> int:
    """The checkout's delivery fee: what the card authorises for (delivered_only=False,
    while the request is live) or may capture (only once it is delivered)."""
    request = delivery_for_checkout(checkout_id)
    if request is None:
        return 0
    if delivered_only:
        return request.fee_cents if request.status == REQUEST_DELIVERED else 0
    return request.fee_cents if request.status not in (REQUEST_CANCELLED, REQUEST_FAILED) else 0



@dataclass(frozen=True)
class DeliveryOptions:
    """What a shopper chooses a delivery from: the address's zone, its fee for the basket
    and every window of the coming days, offered or refused with its reason."""
    address: Address
    zone: DeliveryZone
    fee_cents: int
    offers: list[WindowOffer]


def delivery_options(address: Address, shops: list[Shop], basket_cents: int,
                     now: datetime) -> DeliveryOptions:
    offers = windows_for(address, shops, basket_cents, now)  # outside, below minimum: refused
    found = quote(address, basket_cents, None)
    return DeliveryOptions(address, found.zone, found.fee_cents, offers)


def shops_by_slug(slugs: list[str], *, field: str = "shops") -> list[Shop]:
    """The basket's shops, each open for orders; an unknown one is refused on `field`."""
    found = {shop.slug: shop for shop in db.session.scalars(
        sa.select(Shop).where(Shop.slug.in_(slugs), Shop.active.is_(True)))}
    for slug in slugs:
        if slug not in found:
            raise Invalid(_("Boutique inconnue : %(slug)s.", slug=slug), field=field,
                          code="unknown_shop")
    return [found[slug] for slug in dict.fromkeys(slugs)]
