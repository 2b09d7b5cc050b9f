"""The shopper's SMS about their delivery, and the courier's link: written to the outbox
in the caller's unit of work (sent by its flush after commit), each once (dedupe keys).

The texts are the SMS catalogue's (app/notify/texts.py), one GSM-7 segment each. The time
told when the rounds are planned waits for 08:00-20:00 (a planning done late at night
does not wake anyone); the others answer what is happening at the door and go at once."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.delivery.models import DeliveryRequest, Round
from app.extensions import db
from app.notify import texts
from app.notify.services import queue_sms
from app.notify.timing import daytime_send_at
from app.orders.models import Order
from app.timeutil import local

NARROWED = timedelta(minutes=10)  # either side of the stop's expected time
SNAP_MINUTES = 5


def narrowed(expected_at: datetime) -> tuple[datetime, datetime]:
    """The time told to the shopper: the expected time to the nearest 5 minutes, ±10."""
    seconds = SNAP_MINUTES * 60
    snapped = datetime.fromtimestamp(round(expected_at.timestamp() / seconds) * seconds,
                                     tz=expected_at.tzinfo)
    return snapped - NARROWED, snapped + NARROWED


def _first_order(request: DeliveryRequest) -> Order | None:
    if request.checkout_id is None:
        return None
    return db.session.scalar(sa.select(Order).where(Order.checkout_id == request.checkout_id)
                             .order_by(Order.id).limit(1))


def _queue(request: DeliveryRequest, kind: str, key: str, dedupe: str, now: datetime, *,
           send_after: datetime | None = None, **values) -> bool:
    order = _first_order(request)
    if order is None:  # a request made without a checkout (tests, the demo): nobody to tell
        return False
    customer = order.customer
    body = texts.delivery_text(customer.language, key, url=texts.tracking_url(order), **values)
    return queue_sms(to=customer.phone, body=body, kind=kind, order_id=order.id, now=now,
                     dedupe_key=dedupe[:80], send_after=send_after)


def _language(request: DeliveryRequest) -> str | None:
    order = _first_order(request)
    return order.customer.language if order else None


def tell_planned(request: DeliveryRequest, expected_at: datetime, now: datetime) -> bool:
    """'entre 18:10 et 18:30': once per time told (a replanning that moves it tells again)."""
    start, end = narrowed(expected_at)
    return _queue(request, "delivery_planned", "delivery_planned",
                  f"delivery_planned:{request.id}:{int(start.timestamp())}", now,
                  send_after=daytime_send_at(now),
                  day=texts.short_day(_language(request), start),
                  start=f"{local(start):%H:%M}", end=f"{local(end):%H:%M}")


def tell_en_route(request: DeliveryRequest, expected_at: datetime, now: datetime) -> bool:
    """The courier has left the stop before this door."""
    return _queue(request, "delivery_en_route", "delivery_en_route",
                  f"delivery_en_route:{request.id}:{request.window_id}:{request.day}", now,
                  time=f"{local(max(expected_at, now)):%H:%M}")


def tell_delivered(request: DeliveryRequest, now: datetime) -> bool:
    return _queue(request, "delivered", "delivered", f"delivered:{request.id}", now)


def tell_failed(request: DeliveryRequest, reason: str, rule: str, now: datetime) -> bool:
    """What to do next, by the manager's rule: collect in the shop, or choose a window."""
    words = texts.catalogue_for(_language(request)).texts[f"fail_{reason}"]
    return _queue(request, "delivery_failed", f"delivery_failed_{rule}",
                  f"delivery_failed:{request.id}:{request.window_id}:{request.day}", now,
                  reason=words)


def courier_link(round_: Round) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/tournee/{round_.token}"


def send_courier_link(round_: Round, start: datetime, end: datetime, now: datetime) -> bool:
    """The round's link to the courier's phone, in French; once per round and token."""
    phone = round_.courier.phone
    if not phone:
        return False
    body = texts.delivery_text("fr", "courier_link", day=texts.short_day("fr", start),
                               start=f"{local(start):%H:%M}", end=f"{local(end):%H:%M}",
                               url=courier_link(round_))
    return queue_sms(to=phone, body=body, kind="courier_link", now=now,
                     dedupe_key=f"courier_link:{round_.id}:{round_.token}"[:80])
