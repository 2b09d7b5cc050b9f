"""Holding a basket: the checkout's hot path.

Every shopper's checkout goes through here, and in the evening many at once, so it runs
statements built once (app.database.built_once) on the session's connection rather than
ORM objects: about as many statements as a hand-written transaction, each a few dozen
microseconds of Python. The rules are the same as everywhere: shops and products are
checked, the slot must be offered, stock and seats are taken by conditional statements
in one lock order (products by id, seats, a delivery's drop, vouchers), and an error
anywhere writes nothing (the caller's transaction rolls back).
"""
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app.catalog.models import Product, price_at
from app.catalog.services import take_stock
from app.database import built_once, dialect_insert
from app.delivery.geocoding import Address
from app.delivery.services import WindowOffer, check_for_checkout, hold_offer
from app.errors import Conflict, Invalid, RateLimited
from app.extensions import db
from app.orders.models import (CHECKOUT_PENDING, PENDING_PAYMENT, Checkout, Customer, Order,
                               OrderEvent, OrderLine)
from app.orders.requests import CheckoutRequest
from app.orders.transitions import SHOPPER
from app.pickup.services import Slot, load_schedules, offered_slot, take_seat
from app.shops.models import Shop
from app.vouchers import services as vouchers



def _build_products(_dialect):
    products = Product.__table__
    return (sa.select(products.c.id, products.c.shop_id, products.c.name,
                      products.c.price_cents, products.c.promo_price_cents,
                      products.c.promo_starts_at, products.c.promo_ends_at,
                      products.c.active, products.c.max_per_order,
                      (products.c.on_hand - products.c.held).label("stock"))
            .where(products.c.id.in_(sa.bindparam("ids", expanding=True))))


def _build_customer(dialect):
    """The shopper, known by phone: the latest name (and e-mail and SMS language, if
    given) wins. A consent to promotional SMS keeps its first time; a checkout without it
    does not take it back (a STOP does)."""
    customers = Customer.__table__
    language = sa.bindparam("language", type_=sa.String)
    upsert = dialect_insert(customers, dialect).values(
        phone=sa.bindparam("phone"), name=sa.bindparam("name"), email=sa.bindparam("email"),
        language=sa.func.coalesce(language, "fr"),
        promo_consent_at=sa.bindparam("consent_at", type_=customers.c.promo_consent_at.type),
        created_at=sa.bindparam("now"))
    return upsert.on_conflict_do_update(
        index_elements=[customers.c.phone],
        set_={"name": upsert.excluded.name,
              "email": sa.func.coalesce(upsert.excluded.email, customers.c.email),
              "language": sa.func.coalesce(language, customers.c.language),
              "promo_consent_at": sa.func.coalesce(customers.c.promo_consent_at,
                                                   upsert.excluded.promo_consent_at)},
    ).returning(customers.c.id)


def _build_checkout(_dialect):
    return sa.insert(Checkout.__table__).returning(Checkout.__table__.c.id)


def _build_orders(_dialect):
    orders = Order.__table__
    return sa.insert(orders).returning(orders.c.id, sort_by_parameter_order=True)


_products, _customer = built_once(_build_products), built_once(_build_customer)
_checkout, _orders = built_once(_build_checkout), built_once(_build_orders)
_lines = built_once(lambda _dialect: sa.insert(OrderLine.__table__))
_events = built_once(lambda _dialect: sa.insert(OrderEvent.__table__))


@dataclass(frozen=True)
class PendingLimits:
    """How many checkouts waiting for payment one phone, and one address, may have at once:
    a basket nobody pays keeps goods off the shelf until its hold runs out."""
    per_phone: int
    per_ip: int

    @classmethod
    def of(cls, config) -> "PendingLimits":
        return cls(config["CHECKOUT_PENDING_PER_PHONE"], config["CHECKOUT_PENDING_PER_IP"])


def _build_waiting(column_name):
    def build(_dialect):
        checkouts = Checkout.__table__
        return (sa.select(sa.func.count(), sa.func.min(checkouts.c.hold_expires_at))
                .where(checkouts.c[column_name] == sa.bindparam("value"),
                       checkouts.c.status == CHECKOUT_PENDING,
                       checkouts.c.hold_expires_at > sa.bindparam("now")))
    return built_once(build)


_waiting = {"customer_id": _build_waiting("customer_id"), "client_ip": _build_waiting("client_ip")}


def _check_waiting(limits: PendingLimits, customer_id: int, client_ip: str | None,
                   now: datetime, conn) -> None:
    """Counted in the database, in this transaction. Two checkouts of one phone queue on the
    customer row that the upsert has just locked (on SQLite, writers queue anyway); two of
    one address, on a transaction-scoped advisory lock taken after it, in the same order
    by every checkout, so that neither counts before the other's row is written."""
    for column, value, most in (("customer_id", customer_id, limits.per_phone),
                                ("client_ip", client_ip, limits.per_ip)):
        if value is None:
            continue
        if column == "client_ip" and conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                         {"key": f"checkout-ip:{value}"})
        waiting, first_end = _waiting[column]({"value": value, "now": now}, conn).one()
        if waiting >= most:
            raise RateLimited(
                _("Trop de paniers en attente de paiement pour ce numéro ou cette connexion : "
                  "payez-en un ou attendez qu'il expire, puis réessayez."),
                retry_after=math.ceil((first_end - now).total_seconds()))


@dataclass(frozen=True)
class _Delivery:
    offer: WindowOffer
    shops: list[Shop]


def _delivery_offer(request: CheckoutRequest, address: Address, schedules: dict,
                    basket_cents: int, now: datetime) -> _Delivery:
    """The delivery window checked against every shop of the basket (read, before any
    stock or drop is taken)."""
    ids = [schedules[o.shop].id for o in request.orders]
    shops = list(db.session.scalars(sa.select(Shop).where(Shop.id.in_(ids))
                                    .options(so.selectinload(Shop.hours),
                                             so.selectinload(Shop.closures))
                                    .order_by(Shop.id)))
    choice = request.delivery
    return _Delivery(check_for_checkout(address, shops, basket_cents, choice.window_id,
                                        choice.day, now), shops)


def hold_basket(request: CheckoutRequest, *, now: datetime, provider_name: str,
                idempotency_key: str | None, request_hash: str | None,
                client_ip: str | None = None, limits: PendingLimits | None = None,
                delivery_address: Address | None = None) -> int:
    """Write the checkout, one order per shop and their lines; take stock and seats (or,
    delivered, one drop of the window, the orders' slot being the window). Returns the
    checkout's id. Runs inside the caller's transaction. With `limits`, a phone or address
    already waiting to pay that many checkouts is refused (429). `delivery_address`: the
    request's delivery address as the geocoder found it (never the client's coordinates)."""
    conn = db.session.connection()
    schedules = load_schedules([o.shop for o in request.orders], now, conn)
    wanted = [line.product_id for o in request.orders for line in o.lines]
    products = {row.id: row for row in _products({"ids": wanted}, conn)}
    slots = {}
    for order in request.orders:
        shop = schedules.get(order.shop)
        if shop is None or not shop.active:
            raise Invalid(_("Boutique inconnue."), field=f"{order.field}.shop",
                          code="unknown_shop")
        for line in order.lines:
            product = products.get(line.product_id)
            if product is None or product.shop_id != shop.id or not product.active:
                raise Invalid(_("Ce produit n'est pas en vente dans cette boutique."),
                              field=f"{line.field}.product_id", code="unknown_product")
            if line.quantity > product.max_per_order:
                raise Invalid(_("%(most)s au plus par commande pour « %(product)s ».",
                                most=product.max_per_order, product=product.name),
                              field=f"{line.field}.quantity", code="over_line_limit")
        if request.delivery is None:
            # Seats left are not read here: take_seat's conditional statement decides.
            slots[order.shop] = offered_slot(shop, order.slot, now,
                                             field=f"{order.field}.slot", count_seats=False)

    customer_id = _customer({"phone": request.phone, "name": request.name,
                             "email": request.email, "language": request.language,
                             "consent_at": now if request.sms_promotions else None,
                             "now": now}, conn).scalar_one()
    if limits is not None:
        _check_waiting(limits, customer_id, client_ip, now, conn)
    # The price of the moment the checkout is made: a promotion ending later changes nothing.
    prices = {row.id: price_at(row.price_cents, row.promo_price_cents, row.promo_starts_at,
                               row.promo_ends_at, now) for row in products.values()}
    order_totals = [sum(prices[line.product_id] * line.quantity
                        for line in order.lines) for order in request.orders]
    goods_cents = sum(order_totals)
    hold = min(schedules[o.shop].hold_minutes for o in request.orders)
    delivery = None
    if request.delivery is not None:
        delivery = _delivery_offer(request, delivery_address, schedules, goods_cents, now)
        for order in request.orders:  # ready before the window starts, queued by it
            slots[order.shop] = Slot(delivery.offer.start, delivery.offer.end, 0)
    total_cents = goods_cents + (delivery.offer.fee_cents if delivery else 0)
    # A duplicate Idempotency-Key fails here (unique key), before any stock moves.
    checkout_id = _checkout({
        "customer_id": customer_id, "status": CHECKOUT_PENDING,
        "total_cents": total_cents,
        "hold_expires_at": now + timedelta(minutes=hold), "idempotency_key": idempotency_key,
        "request_hash": request_hash, "payment_provider": provider_name, "client_ip": client_ip,
        "created_at": now,
    }, conn).scalar_one()

    for line in sorted((line for o in request.orders for line in o.lines),
                       key=lambda line: line.product_id):
        if not take_stock(line.product_id, line.quantity, conn):
            left = db.session.scalar(sa.select(Product.stock)
                                     .where(Product.id == line.product_id))
            raise Conflict(_("Plus que %(left)s en stock pour « %(product)s ».", left=left,
                             product=products[line.product_id].name),
                           field=f"{line.field}.quantity", code="out_of_stock")
    if delivery is None:
        for order in sorted(request.orders, key=lambda o: (schedules[o.shop].id, o.slot)):
            take_seat(schedules[order.shop], slots[order.shop].start,
                      field=f"{order.field}.slot", connection=conn)
    else:  # no seat: one drop of the window, after seats in the lock order
        hold_offer(delivery.offer, delivery_address, delivery.shops, checkout_id=checkout_id,
                   field="delivery.window_id")

    order_ids = _orders([{
        "checkout_id": checkout_id, "shop_id": schedules[order.shop].id,
        "customer_id": customer_id, "status": PENDING_PAYMENT,
        "slot_start": slots[order.shop].start, "slot_end": slots[order.shop].end,
        "total_cents": total, "tracking_token": secrets.token_urlsafe(16),
        "pickup_code": f"{secrets.randbelow(10_000):04d}",
        "cancel_reason": None, "created_at": now,
    } for order, total in zip(request.orders, order_totals)], conn).scalars().all()
    _lines([{"order_id": order_id, "product_id": line.product_id,
             "name": products[line.product_id].name,
             "unit_price_cents": prices[line.product_id],
             "quantity": line.quantity, "confirmed_quantity": None}
            for order_id, order in zip(order_ids, request.orders) for line in order.lines], conn)
    _events([{"order_id": order_id, "type": PENDING_PAYMENT, "from_status": None,
              "to_status": None, "actor": SHOPPER, "code": "hold_started", "at": now}
             for order_id in order_ids], conn)
    # Vouchers last (after seats in the lock order): each covers what the previous left.
    left = total_cents
    for i, code in enumerate(request.vouchers):
        if left == 0:
            break
        left -= vouchers.hold(code, checkout_id, left, now=now, field=f"vouchers[{i}]")
    return checkout_id

