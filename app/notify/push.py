"""The shopper's Web Push subscriptions, and the choice of channel per outbox message.

A shopper opts in on an order's tracking page; the subscription belongs to the order's
customer, so the news of their orders (PUSH_KINDS) go to their browser instead of an SMS
while it lives. The outbox row stays the one row of the message: the flush chooses the
channel when it sends (services._flush_one), so a message goes once, by one of them."""
import binascii
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import insert_ignore, unit_of_work
from app.errors import Invalid
from app.extensions import db
from app.notify.models import PushSubscription
from app.notify.web_push import allowed_endpoint, b64url_decode
from app.orders.models import Order

# The messages about an order the shopper follows; the shop's own messages stay SMS (the
# shopper answers them by SMS), and so do the association's promotions.
PUSH_KINDS = frozenset({"confirmed", "short", "ready", "cancelled", "no_show", "reminder",
                        "moved", "refund"})


@dataclass(frozen=True)
class LiveSubscription:
    id: int
    endpoint: str
    p256dh: str
    auth: str
    shop: str             # what the notification's title says
    tracking_token: str   # where a tap on it leads


def _key(text, size: int, field: str) -> str:
    try:
        raw = b64url_decode(text) if isinstance(text, str) and len(text) < 200 else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size or (size == 65 and raw[0] != 4):
        raise Invalid(_("Abonnement aux notifications illisible."), field=field)
    return text


def subscribe(order_id: int, subscription, *, services, now: datetime) -> PushSubscription:
    """Record the browser's subscription (the JSON of PushSubscription.toJSON()) for the
    order's customer. The same endpoint again (a second order, keys renewed) updates the
    one row: the unique endpoint settles two opt-ins at once."""
    if not isinstance(subscription, dict) or not isinstance(subscription.get("keys"), dict):
        raise Invalid(_("Abonnement aux notifications illisible."), field="subscription")
    endpoint = subscription.get("endpoint")
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or \
            not allowed_endpoint(endpoint, services):
        raise Invalid(_("Ce navigateur n'a pas donné d'adresse de notification acceptée."),
                      field="endpoint")
    p256dh = _key(subscription["keys"].get("p256dh"), 65, "keys.p256dh")
    auth = _key(subscription["keys"].get("auth"), 16, "keys.auth")
    with unit_of_work():
        customer_id = db.session.scalar(sa.select(Order.customer_id).where(Order.id == order_id))
        values = dict(customer_id=customer_id, p256dh=p256dh, auth=auth, created_at=now,
                      ended_at=None)
        inserted = db.session.execute(insert_ignore(PushSubscription).values(
            endpoint=endpoint, **values).returning(PushSubscription.id)).scalar_one_or_none()
        if inserted is None:
            db.session.execute(sa.update(PushSubscription)
                               .where(PushSubscription.endpoint == endpoint).values(**values)
                               .execution_options(synchronize_session=False))
        return db.session.scalar(sa.select(PushSubscription)
                                 .where(PushSubscription.endpoint == endpoint))


def is_subscribed(order: Order) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(
        PushSubscription.customer_id == order.customer_id, PushSubscription.ended_at.is_(None)))))


def live_subscription(order_id: int) -> LiveSubscription | None:
    """The newest live subscription of the order's customer, read in a short read-only
    unit: nothing is held while the push service is called."""
    with unit_of_work(write=False):
        row = db.session.execute(
            sa.select(PushSubscription.id, PushSubscription.endpoint, PushSubscription.p256dh,
                      PushSubscription.auth, Order.tracking_token)
            .join(Order, Order.customer_id == PushSubscription.customer_id)
            .where(Order.id == order_id, PushSubscription.ended_at.is_(None))
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
            .limit(1)).first()
        if row is None:
            return None
        order = db.session.get(Order, order_id)
        return LiveSubscription(row.id, row.endpoint, row.p256dh, row.auth, order.shop.name,
                                row.tracking_token)


def end_subscription(subscription_id: int, *, now: datetime) -> None:
    """The push service said 404/410: this subscription is gone for good."""
    with unit_of_work():
        db.session.execute(sa.update(PushSubscription)
                           .where(PushSubscription.id == subscription_id,
                                  PushSubscription.ended_at.is_(None))
                           .values(ended_at=now).execution_options(synchronize_session=False))
