"""Domain objects as the JSON of the contract (../shared/api-v1.md): money in cents, times
ISO-8601 with the town's offset. Shopper and merchant endpoints share these shapes."""
from datetime import date, datetime

from app import clock
from app.catalog.models import Product
from app.catalog.promotions import shown_price
from app.delivery.models import DeliveryRequest
from app.delivery.services import delivery_for_checkout, window_bounds
from app.orders.event_text import event_text
from app.orders.models import Checkout, Order
from app.payments.providers import PaymentProvider
from app.photos.routes import photo_json
from app.payments.services import payment_details
from app.vouchers.services import checkout_vouchers
from app.pickup.services import Slot
from app.shops.models import Shop
from app.shops.services import opening_hours_json
from app.timeutil import iso


def shop_json(shop: Shop) -> dict:
    return {"slug": shop.slug, "name": shop.name, "address": shop.address, "phone": shop.phone,
            "description": shop.description, "logo": photo_json(shop.logo)}


def shop_detail_json(shop: Shop, today: date) -> dict:
    return {**shop_json(shop),
            "opening_hours": opening_hours_json(shop),
            "pickup": {"slot_minutes": shop.slot_minutes, "seats_per_slot": shop.seats_per_slot,
                       "prep_minutes": shop.prep_minutes, "hold_minutes": shop.hold_minutes},
            # Past closures tell a client nothing about when it can come.
            "closures": [{"start_date": c.start_date.isoformat(),
                          "end_date": c.end_date.isoformat(), "reason": c.reason}
                         for c in shop.closures if c.end_date >= today]}


def slot_json(slot: Slot) -> dict:
    return {"start": iso(slot.start), "end": iso(slot.end), "remaining": slot.remaining}


def product_json(product: Product, now: datetime | None = None) -> dict:
    """`price_cents` is what a checkout made `now` pays (the promotion's while it runs);
    `promotion` is set only while one runs. `now` defaults to the app's clock."""
    shown = shown_price(product, now or clock())
    return {"id": product.id, "shop": product.shop.slug, "name": product.name,
            "description": product.description, "category": product.category,
            "price_cents": shown.price_cents,
            "regular_price_cents": shown.regular_price_cents,
            "promotion": {"price_cents": product.promo_price_cents,
                          "starts_at": iso(product.promo_starts_at),
                          "ends_at": iso(product.promo_ends_at)} if shown.promotion else None,
            "available": product.available, "max_per_order": product.max_per_order,
            "photo": photo_json(product.photo)}


def merchant_product_json(product: Product, now: datetime | None = None) -> dict:
    """The shopper's view plus what the shop stored, the promotion included even when it
    has not started or is over. Stock as the shop counts it: `on_hand` (in the shop, bags
    set aside included), `held` (set aside for open orders), and what can be sold now as
    `stock` (v1) and `available_quantity`; `available` keeps the shopper's meaning (can be
    ordered: true or false)."""
    return {**product_json(product, now), "sku": product.sku, "stock": product.stock,
            "on_hand": product.on_hand, "held": product.held,
            "available_quantity": product.stock, "active": product.active,
            "promo_price_cents": product.promo_price_cents,
            "promo_starts_at": iso(product.promo_starts_at),
            "promo_ends_at": iso(product.promo_ends_at),
            "ean": product.ean, "archived_at": iso(product.archived_at)}


def checkout_json(checkout: Checkout, provider: PaymentProvider, *, private: bool) -> dict:
    """`private` adds what only the shopper who placed it may see: the orders' tracking
    tokens and the payment details (a Stripe client secret, for one)."""
    orders = []
    for order in checkout.orders:
        item = {"id": order.id, "shop": order.shop.slug, "slot": iso(order.slot_start),
                "slot_end": iso(order.slot_end), "status": order.status,
                "total_cents": order.total_cents}
        if private:
            item["tracking_token"] = order.tracking_token
        orders.append(item)
    data = {"id": checkout.id, "status": checkout.status, "total_cents": checkout.total_cents,
            "hold_expires_at": iso(checkout.hold_expires_at), "orders": orders,
            "delivery": delivery_json(delivery_for_checkout(checkout.id))}
    if private:
        data["payment"] = payment_details(provider, checkout)
        data["vouchers_cents"] = checkout_vouchers(checkout.id).held_cents
    return data


def delivery_json(request: DeliveryRequest | None) -> dict | None:
    """A checkout's home delivery (null: collected in the shops); the fee is in the
    checkout's total_cents, not in any order's."""
    if request is None:
        return None
    start, end = window_bounds(request.window, request.day)
    return {"window_id": request.window_id, "day": request.day.isoformat(), "start": iso(start),
            "end": iso(end), "fee_cents": request.fee_cents, "address": request.label,
            "status": request.status}


def order_json(order: Order) -> dict:
    confirmed = all(line.confirmed_quantity is not None for line in order.lines)
    return {
        "id": order.id, "status": order.status, "shop": order.shop.slug,
        "shop_name": order.shop.name, "shop_address": order.shop.address,
        "shop_phone": order.shop.phone,
        # Shown at the counter by the shopper; the shop checks it before handing over.
        "pickup_code": order.pickup_code,
        "slot": iso(order.slot_start), "slot_end": iso(order.slot_end),
        "total_cents": order.total_cents,
        # What collecting it will charge; known once the shop has checked the lines.
        "confirmed_total_cents": order.confirmed_total_cents if confirmed else None,
        # Typed by the shop, or what cancelled it put into words (French, as the API).
        "cancel_reason": order.cancel_reason or (
            event_text(order.cancellation) if order.cancellation else None),
        "created_at": iso(order.created_at),
        "lines": [{"id": line.id, "product_id": line.product_id, "name": line.name,
                   "quantity": line.quantity, "confirmed_quantity": line.confirmed_quantity,
                   "unit_price_cents": line.unit_price_cents} for line in order.lines],
        # `code` and `params` say what happened; `text` puts them into words (the API's
        # French); `note` is what a person typed, if anything.
        "events": [{"type": event.type, "at": iso(event.at), "code": event.code,
                    "params": event.params, "text": event_text(event) or None,
                    "note": event.note}
                   for event in order.events],
    }


def merchant_order_json(order: Order) -> dict:
    return {**order_json(order),
            "customer": {"name": order.customer.name, "phone": order.customer.phone}}
