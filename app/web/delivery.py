"""The shopper's delivery step (/panier/livraison), chosen once for the whole basket: the
address (typed, then picked among the suggestions: radio buttons drawn by the server, or
as one types with a small script), then a window; the choice is kept in the session and
the checkout page shows it instead of the pickup slots. Thin: the rules are the delivery
services', each refusal shown on its field."""
from dataclasses import dataclass
from datetime import date, datetime

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app import clock, geocoder
from app.delivery.geocoding import Address
from app.delivery.models import DeliveryWindow
from app.delivery.services import (delivery_options, offered_window, quote, resolve_address,
                                   suggest_addresses, window_bounds)
from app.errors import DomainError
from app.extensions import db
from app.i18n import N_
from app.web import cart
from app.web.routes import bp

DELIVERY_KEY = "delivery"
MAX_TYPED = 200  # what the geocoders read of a typed address

# Why a window cannot be chosen, in a few words beside it.
SHORT_REFUSALS = {
    "window_full": N_("complet"), "cutoff_passed": N_("trop tard pour commander"),
    "shop_closed": N_("une boutique est fermée"),
    "not_ready": N_("préparation trop longue"),
    "no_pickup": N_("une boutique ferme avant le passage du livreur"),
    "no_delivery_that_day": N_("pas de livraison ce jour-là"),
    "below_minimum": N_("minimum d'achats non atteint"),
}


@dataclass(frozen=True)
class ChosenDelivery:
    """The delivery kept in the (signed) session between the step and the checkout. The
    address's coordinates are the server's own; the checkout looks the label up again."""
    address: Address
    window_id: int
    day: date

    def request_part(self) -> dict:
        """`delivery` of the POST /checkouts body."""
        return {"address": self.address.label, "window_id": self.window_id,
                "day": self.day.isoformat()}


def chosen() -> ChosenDelivery | None:
    raw = session.get(DELIVERY_KEY)
    try:
        return ChosenDelivery(Address(str(raw["label"]), str(raw["postcode"]), str(raw["city"]),
                                      float(raw["lat"]), float(raw["lon"])),
                              int(raw["window_id"]), date.fromisoformat(raw["day"]))
    except (TypeError, KeyError, ValueError):
        return None


def remember(address: Address, window_id: int, day: date) -> None:
    session[DELIVERY_KEY] = {"label": address.label, "postcode": address.postcode,
                             "city": address.city, "lat": address.lat, "lon": address.lon,
                             "window_id": window_id, "day": day.isoformat()}


def forget() -> None:
    session.pop(DELIVERY_KEY, None)


@dataclass(frozen=True)
class DeliverySummary:
    """What the checkout page says of the delivery chosen."""
    address: str
    start: datetime
    end: datetime
    fee_cents: int
    problem: str | None  # the basket changed and no longer fits: choose again


def summary(choice: ChosenDelivery, basket_cents: int) -> DeliverySummary | None:
    window = db.session.get(DeliveryWindow, choice.window_id)
    if window is None:
        return None
    start, end = window_bounds(window, choice.day)
    try:
        fee, problem = quote(choice.address, basket_cents, choice.day).fee_cents, None
    except DomainError as error:
        fee, problem = 0, error.message
    return DeliverySummary(choice.address.label, start, end, fee, problem)


class WindowForm(FlaskForm):
    """Only the CSRF token: the address and the window are read as typed and checked by
    the services (a window's value is "<window id>:<YYYY-MM-DD>")."""


def _window_value(raw: str | None) -> tuple[int, date] | None:
    try:
        window_id, day = (raw or "").split(":")
        return int(window_id), date.fromisoformat(day)
    except ValueError:
        return None


@bp.route("/panier/livraison", methods=["GET", "POST"])
def delivery_step():
    """GET ?q= lists the suggestions; ?adresse= (a suggestion's label) lists the windows;
    POST (address, window) keeps the choice and goes on to the checkout."""
    errors: dict[str, list[str]] = {}
    status, typed = 200, request.values.get("q", "")[:MAX_TYPED].strip()
    label = request.values.get("adresse", "").strip()[:MAX_TYPED]
    previous = chosen()
    if not typed and not label and previous is not None and request.method == "GET":
        label = previous.address.label
    searching = request.method == "GET" and ("chercher" in request.args or not label)
    suggestions, address, options = [], None, None
    form = WindowForm()
    # The geocoder first: it may be an outside service, asked before the basket is read.
    try:
        if searching and typed:
            suggestions = suggest_addresses(geocoder(), typed)
            if not suggestions:
                errors["address"] = [_("Aucune adresse trouvée : vérifiez la rue et la ville, "
                                       "ou choisissez le retrait en boutique.")]
        elif not searching and label:
            address = resolve_address(geocoder(), label)
    except DomainError as error:
        errors.setdefault(error.field or "address", []).append(error.message)
        status = error.status
    view = cart.load(clock())
    if view.empty:
        return redirect(url_for(".cart"))
    shops = [group.shop for group in view.groups]
    if address is not None:
        try:
            options = delivery_options(address, shops, view.total_cents, clock())
        except DomainError as error:
            errors.setdefault(error.field or "address", []).append(error.message)
            status = error.status
    selected = None
    if request.method == "POST":
        selected = _window_value(request.form.get("window"))
        if not form.validate():
            errors.setdefault("window", []).append(
                _("Le formulaire a expiré : choisissez à nouveau."))
            status = 422
        elif address is None or options is None:
            status = max(status, 422)
        elif selected is None:
            errors.setdefault("window", []).append(_("Choisissez un créneau de livraison."))
            status = 422
        else:
            try:
                offered_window(address, shops, view.total_cents, *selected, clock())
            except DomainError as error:
                errors.setdefault("window", []).append(error.message)
                status = error.status
            else:
                remember(address, *selected)
                return redirect(url_for(".checkout"))
    elif previous is not None and address is not None \
            and previous.address.label == address.label:
        selected = (previous.window_id, previous.day)
    return render_template("web/delivery.html", typed=typed or (address.label if address
                                                                 else label),
                           suggestions=suggestions, address=address, options=options,
                           errors=errors, form=form, selected=selected,
                           short_refusals=SHORT_REFUSALS, view=view,
                           choice_value=lambda offer: f"{offer.window_id}:{offer.day}"), status


