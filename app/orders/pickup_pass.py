"""What the shopper carries to the counter: the pickup code as a QR code for the shop's
phone, and the pickup as a calendar event."""
from datetime import datetime
from urllib.parse import quote_plus

import icalendar
import segno

from app.orders.models import Order


def handover_url(order: Order, public_url: str) -> str:
    """The shop's page for handing this order over, with the code filled in."""
    return f"{public_url.rstrip('/')}/marchand/commandes/{order.id}?code={order.pickup_code}"


def qr_svg(order: Order, public_url: str) -> str:
    """Inline SVG (no extra request): scanned by the shop, it opens the handover."""
    return segno.make(handover_url(order, public_url), error="m").svg_inline(
        scale=4, border=2, dark="#111", light="#fff", omitsize=True)


def map_url(address: str) -> str:
    """A link to the shop on OpenStreetMap: nothing is fetched until the shopper taps it."""
    return f"https://www.openstreetmap.org/search?query={quote_plus(address)}"


def calendar_event(order: Order, *, summary: str, description: str, now: datetime) -> bytes:
    """One VEVENT for the pickup slot, times in UTC; its UID stays the order's, so a
    calendar that imports it again after a move updates the event."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Comptoir//pickup//FR")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"order-{order.id}@comptoir")
    event.add("dtstamp", now)
    event.add("dtstart", order.slot_start)
    event.add("dtend", order.slot_end)
    event.add("summary", summary)
    if order.shop.address:
        event.add("location", order.shop.address)
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()
