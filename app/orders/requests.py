"""What a checkout request must look like; every error names its field (orders[0].lines[1].quantity)."""
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from app.errors import Invalid, Malformed
from app.i18n import N_
from app.phone import normalize_phone
from app.timeutil import parse_instant

MAX_QUANTITY = 999
MAX_ORDERS = 20
MAX_LINES = 100
MAX_VOUCHERS = 5
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGES = ("fr", "en")  # the languages of our SMS texts (app/notify/texts.py)


@dataclass(frozen=True)
class LineRequest:
    product_id: int
    quantity: int
    field: str  # where this line sits in the request, for error messages


@dataclass(frozen=True)
class OrderRequest:
    shop: str
    slot: datetime | None  # None when the basket is delivered
    lines: tuple[LineRequest, ...]
    field: str


@dataclass(frozen=True)
class DeliveryChoice:
    """Home delivery for the whole basket: the address as the geocoder suggested it (it is
    geocoded again by the server), a window and its day."""
    address: str
    window_id: int
    day: date


@dataclass(frozen=True)
class CheckoutRequest:
    name: str
    phone: str
    email: str | None
    orders: tuple[OrderRequest, ...]
    vouchers: tuple[str, ...] = ()  # town gift voucher codes, spent in this order
    language: str | None = None  # of the shopper's SMS; None keeps the one they had
    sms_promotions: bool = False  # consents to the town's promotional SMS
    delivery: DeliveryChoice | None = None  # None: each order collected in its shop


def _obj(value, field: str) -> dict:
    if not isinstance(value, dict):
        raise Malformed(_("Un objet JSON est attendu."), field=field or None)
    return value


def _list(value, field: str, most: int) -> list:
    if not isinstance(value, list):
        raise Malformed(_("Une liste est attendue."), field=field)
    if not value:
        raise Invalid(_("La liste ne peut pas être vide."), field=field)
    if len(value) > most:
        raise Invalid(_("%(most)s éléments au plus.", most=most), field=field)
    return value


def _int(value, field: str, low: int, high: int, what: str) -> int:
    if type(value) is not int or not low <= value <= high:  # bool is not a quantity
        raise Invalid(_("%(what)s : un entier entre %(low)s et %(high)s est attendu.",
                        what=_(what), low=low, high=high), field=field)
    return value


def _text(data: dict, key: str, field: str, *, required: bool = True, most: int = 100) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Invalid(_("Ce champ est obligatoire."), field=field, code="required")
    if len(value.strip()) > most:
        raise Invalid(_("%(most)s caractères au plus.", most=most), field=field)
    return value.strip()


def _slot(data: dict, key: str, field: str) -> datetime:
    try:
        return parse_instant(_text(data, key, field, most=40))
    except ValueError:
        raise Invalid(_("Créneau illisible (ISO-8601 attendu)."), field=field,
                      code="invalid_slot") from None


def parse_slot_move(payload) -> datetime:
    """{"slot": "<ISO start>"}: where the shop moves an order."""
    return _slot(_obj(payload, ""), "slot", "slot")


def parse_checkout(payload) -> CheckoutRequest:
    data = _obj(payload, "")
    customer = _obj(data.get("customer"), "customer")
    name = _text(customer, "name", "customer.name")
    phone = normalize_phone(_text(customer, "phone", "customer.phone", most=30),
                            field="customer.phone")
    email = _text(customer, "email", "customer.email", required=False, most=254)
    if email is not None and not EMAIL.match(email):
        raise Invalid(_("Adresse e-mail invalide."), field="customer.email",
                      code="invalid_email")
    language = customer.get("language")
    if language is not None and language not in LANGUAGES:
        raise Invalid(_("Langue inconnue ; au choix : %(choices)s.",
                        choices=", ".join(LANGUAGES)),
                      field="customer.language", code="invalid_language")
    promotions = customer.get("sms_promotions")
    if promotions is None:
        promotions = False
    elif not isinstance(promotions, bool):
        raise Invalid(_("true ou false attendu."), field="customer.sms_promotions")
    delivery = _delivery(data.get("delivery"))
    orders, seen_shops = [], set()
    for i, raw_order in enumerate(_list(data.get("orders"), "orders", MAX_ORDERS)):
        where = f"orders[{i}]"
        order = _obj(raw_order, where)
        shop = _text(order, "shop", f"{where}.shop", most=64)
        if shop in seen_shops:
            raise Invalid(_("Une seule commande par boutique."), field=f"{where}.shop",
                          code="duplicate_shop")
        seen_shops.add(shop)
        if delivery is None:
            slot = _slot(order, "slot", f"{where}.slot")
        elif order.get("slot") is not None:
            raise Invalid(_("Pas de créneau de retrait pour une livraison : le créneau de "
                            "livraison vaut pour tout le panier."), field=f"{where}.slot",
                          code="slot_with_delivery")
        else:
            slot = None
        lines, seen_products = [], set()
        for j, raw_line in enumerate(_list(order.get("lines"), f"{where}.lines", MAX_LINES)):
            at = f"{where}.lines[{j}]"
            line = _obj(raw_line, at)
            product_id = _int(line.get("product_id"), f"{at}.product_id", 1, 2**31 - 1,
                              N_("Produit"))
            if product_id in seen_products:
                raise Invalid(_("Ce produit figure déjà dans la commande."),
                              field=f"{at}.product_id", code="duplicate_product")
            seen_products.add(product_id)
            quantity = _int(line.get("quantity"), f"{at}.quantity", 1, MAX_QUANTITY, N_("Quantité"))
            lines.append(LineRequest(product_id, quantity, at))
        orders.append(OrderRequest(shop, slot, tuple(lines), where))
    return CheckoutRequest(name, phone, email, tuple(orders), _vouchers(data.get("vouchers")),
                           language, promotions, delivery)


MAX_ADDRESS = 250  # a delivery request's label column


def _delivery(raw) -> DeliveryChoice | None:
    if raw is None:
        return None
    data = _obj(raw, "delivery")
    address = _text(data, "address", "delivery.address", most=MAX_ADDRESS)
    window_id = _int(data.get("window_id"), "delivery.window_id", 1, 2**31 - 1,
                     N_("Créneau de livraison"))
    raw_day = data.get("day")
    try:
        if not isinstance(raw_day, str) or len(raw_day) != 10:
            raise ValueError
        day = date.fromisoformat(raw_day)
    except ValueError:
        raise Invalid(_("Jour illisible (AAAA-MM-JJ attendu)."), field="delivery.day",
                      code="invalid_day") from None
    return DeliveryChoice(address, window_id, day)


def _vouchers(raw) -> tuple[str, ...]:
    if raw is None or raw == []:
        return ()
    if not isinstance(raw, list):
        raise Malformed(_("Une liste de codes est attendue."), field="vouchers")
    if len(raw) > MAX_VOUCHERS:
        raise Invalid(_("%(most)s bons au plus par commande.", most=MAX_VOUCHERS),
                      field="vouchers")
    codes = []
    for i, code in enumerate(raw):
        if not isinstance(code, str) or not code.strip() or len(code) > 40:
            raise Invalid(_("Code de bon illisible."), field=f"vouchers[{i}].code",
                          code="unknown_voucher")
        codes.append(code.strip())
    return tuple(codes)
