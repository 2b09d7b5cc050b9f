"""The shop and its shopper, about one order: a short message from the shop, the shopper's
answer through Twilio's inbound webhook, and the shop told when an SMS did not reach them.

A shop message answers the shopper's own order: it goes even to a number that answered
STOP (like the messages that answer what the shopper just did), at once."""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import unit_of_work
from app.errors import Invalid, NotFound
from app.extensions import db
from app.notify.models import NOT_TOLD, WITHDRAWN, SmsInbound, SmsMessage
from app.notify.segments import fold_to_gsm7, is_gsm7
from app.notify.services import queue_sms
from app.orders.models import NEVER_PAID, OPEN_STATES, Customer, Order
from app.orders.transitions import SHOPPER, record_event

SHOP_MESSAGE = "shop_message"  # SmsMessage.kind of a message the shop wrote itself
SENT_TO_SHOPPER, FROM_SHOPPER = "sms_to_shopper", "sms_from_shopper"  # order event types
MAX_TEXT = 100  # the shop's words; with the frame below it stays within one or two SMS
# A second press within this time, same text, is the same message (see _dedupe_key).
DOUBLE_CLICK = timedelta(minutes=1)
# A reply belongs to the order the shop wrote about lately, else to the open order.
REPLY_WINDOW = timedelta(days=7)
REPLY, UNMATCHED = "reply", "unmatched"  # SmsInbound.handled_as of a message that is no keyword

# GSM-7, no accent of ours: the shop's name and words are folded before they go in.
FRAMES = {"fr": "{shop} (commande {id}) : {text} Repondez a ce SMS.",
          "en": "{shop} (order {id}): {text} Reply to this SMS."}


def frame(order: Order, text: str) -> str:
    template = FRAMES.get(order.customer.language, FRAMES["fr"])
    return template.format(shop=fold_to_gsm7(order.shop.name), id=order.id, text=text)


def clean_text(text) -> str:
    """The shop's words as they will go: one line, trimmed, folded to GSM-7. A character
    that has no GSM-7 spelling (an emoji) would turn the SMS into UCS-2 and cost up to
    three times as much: it is refused, named."""
    text = " ".join(text.split()) if isinstance(text, str) else ""
    if not text:
        raise Invalid(_("Écrivez le message."), field="text", code="required")
    if len(text) > MAX_TEXT:
        raise Invalid(_("%(most)s caractères au plus (%(n)s écrits).", most=MAX_TEXT,
                        n=len(text)), field="text")
    folded = fold_to_gsm7(text)
    if not is_gsm7(folded):
        odd = "".join(dict.fromkeys(c for c in folded if not is_gsm7(c)))
        raise Invalid(_("Caractère impossible dans un SMS : %(odd)s", odd=odd), field="text",
                      code="not_gsm7")
    return folded


def _dedupe_key(order_id: int, text: str, now: datetime) -> str:
    minute = now.replace(second=0, microsecond=0).isoformat()
    digest = hashlib.sha256(f"{order_id}\n{text}\n{minute}".encode()).hexdigest()[:24]
    return f"{SHOP_MESSAGE}:{order_id}:{digest}"


def message_shopper(order_id: int, text: str, *, shop_id: int, actor: str,
                    now: datetime) -> SmsMessage:
    """Queue the shop's message to the shopper of its order and record it on the order.
    The same text pressed twice (a double click, a form sent again) is one message: the
    unique dedupe key settles two requests of the same minute, the look-back one that
    straddles a minute."""
    text = clean_text(text)
    with unit_of_work():
        order = db.session.get(Order, order_id)
        if order is None or order.shop_id != shop_id or order.status in NEVER_PAID:
            raise NotFound(_("Commande introuvable."))
        body = frame(order, text)
        earlier = db.session.scalar(
            sa.select(SmsMessage).where(SmsMessage.order_id == order.id,
                                        SmsMessage.kind == SHOP_MESSAGE,
                                        SmsMessage.body == body,
                                        SmsMessage.created_at > now - DOUBLE_CLICK)
            .order_by(SmsMessage.id.desc()).limit(1))
        if earlier is not None:
            return earlier
        key = _dedupe_key(order.id, text, now)
        if queue_sms(to=order.customer.phone, body=body, kind=SHOP_MESSAGE, dedupe_key=key,
                     order_id=order.id, shop_id=order.shop_id, now=now):
            record_event(order, SENT_TO_SHOPPER, actor=actor, now=now, note=text,
                         code=SENT_TO_SHOPPER)
        return db.session.scalar(sa.select(SmsMessage).where(SmsMessage.dedupe_key == key))


# --- the shopper's answer -------------------------------------------------------------

def reply_order(phone: str, now: datetime) -> Order | None:
    """The order a message from `phone` answers: the one a shop wrote about last, within
    REPLY_WINDOW; else the shopper's latest open order; else none."""
    of_sender = sa.select(Customer.id).where(Customer.phone == phone).scalar_subquery()
    written_about = (
        sa.select(SmsMessage.order_id).join(Order, Order.id == SmsMessage.order_id)
        .where(Order.customer_id == of_sender, SmsMessage.kind == SHOP_MESSAGE,
               SmsMessage.created_at >= now - REPLY_WINDOW)
        .order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc()).limit(1))
    order_id = db.session.scalar(written_about)
    if order_id is None:
        order_id = db.session.scalar(
            sa.select(Order.id).where(Order.customer_id == of_sender, Order.status.in_(OPEN_STATES))
            .order_by(Order.created_at.desc(), Order.id.desc()).limit(1))
    return db.session.get(Order, order_id) if order_id is not None else None


def record_reply(order: Order, body: str, *, now: datetime) -> None:
    """The shopper's answer shows in the order's history (and its conversation)."""
    record_event(order, FROM_SHOPPER, actor=SHOPPER, now=now, note=body[:500], code=FROM_SHOPPER)


# --- what the shop's pages show -------------------------------------------------------

@dataclass(frozen=True)
class ConversationItem:
    at: datetime
    incoming: bool          # True: the shopper wrote it
    kind: str               # the SmsMessage kind, or "reply"
    text: str | None        # the words, for the shop's own messages and the replies
    status: str | None      # the delivery status of what was sent
    error: str | None       # why it did not reach the phone, when known
    segments: int | None


def conversation(order_id: int) -> list[ConversationItem]:
    """Every SMS of the order, sent and received, in time order."""
    sent = db.session.scalars(sa.select(SmsMessage).where(SmsMessage.order_id == order_id))
    received = db.session.scalars(sa.select(SmsInbound).where(SmsInbound.order_id == order_id))
    items = [ConversationItem(at=m.sent_at or m.created_at, incoming=False, kind=m.kind,
                              text=m.body if m.kind == SHOP_MESSAGE else None,
                              status=m.status,
                              error=_shown(m.error) if m.status in NOT_TOLD else None,
                              segments=m.segments) for m in sent]
    items += [ConversationItem(at=r.received_at, incoming=True, kind=REPLY, text=r.body,
                               status=None, error=None, segments=None) for r in received]
    return sorted(items, key=lambda item: item.at)


def _shown(error: str | None) -> str | None:
    """A send error is stored in French; the fixed ones (marked N_ where written) read in
    the page's language, the others (with a code or an HTTP status inside) as stored."""
    return _(error) if error else None


@dataclass(frozen=True)
class NotTold:
    """The latest SMS of an order did not reach the shopper: the shop should call them."""
    order_id: int
    status: str
    reason: str | None


def not_told(order_ids: list[int]) -> dict[int, NotTold]:
    """For a whole queue in one query: the orders whose latest SMS (leaving out those
    withdrawn, which were never meant to go) failed or was not delivered."""
    if not order_ids:
        return {}
    latest = (sa.select(sa.func.max(SmsMessage.id))
              .where(SmsMessage.order_id.in_(order_ids), SmsMessage.status != WITHDRAWN)
              .group_by(SmsMessage.order_id))
    rows = db.session.execute(
        sa.select(SmsMessage.order_id, SmsMessage.status, SmsMessage.error)
        .where(SmsMessage.id.in_(latest), SmsMessage.status.in_(NOT_TOLD)))
    return {row.order_id: NotTold(row.order_id, row.status, _shown(row.error)) for row in rows}


def frame_length(order: Order) -> int:
    """The characters the SMS adds around the shop's words."""
    return len(frame(order, ""))


def one_sms_room(order: Order) -> int:
    """How many characters the shop may write and stay within one SMS, for the form."""
    return max(0, min(MAX_TEXT, 160 - frame_length(order)))
