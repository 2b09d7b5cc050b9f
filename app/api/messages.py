"""The shop and its shopper by SMS, about one order (the shop's own; anything else is 404):
POST /merchant/orders/{id}/messages sends a few words, GET lists the order's SMS both ways."""
from flask import jsonify

from app import clock
from app.api import bp, docs
from app.api.inputs import ID, json_object
from app.api.merchant import _merchant
from app.merchant.services import shop_order
from app.notify.conversation import MAX_TEXT, ConversationItem, conversation, message_shopper
from app.notify.models import SmsMessage
from app.orders.services import shop_actor
from app.timeutil import iso


def message_json(message: SmsMessage) -> dict:
    return {"id": message.id, "order_id": message.order_id, "body": message.body,
            "status": message.status, "segments": message.segments,
            "created_at": iso(message.created_at)}


def item_json(item: ConversationItem) -> dict:
    return {"at": iso(item.at), "direction": "in" if item.incoming else "out",
            "kind": item.kind, "text": item.text, "status": item.status,
            "error": item.error, "segments": item.segments}


@bp.post(f"/merchant/orders/<{ID}:order_id>/messages")
def message_to_shopper(order_id):
    """{"text"}: at most MAX_TEXT characters, folded to GSM-7. The same text sent again
    within a minute (a double click) answers the same message. 201 with the message."""
    shop_id = _merchant().shop_id
    message = message_shopper(order_id, json_object().get("text"), shop_id=shop_id,
                              actor=shop_actor(shop_id), now=clock())
    return jsonify(message_json(message)), 201


@bp.get(f"/merchant/orders/<{ID}:order_id>/messages")
def order_messages(order_id):
    shop_order(order_id, _merchant().shop_id)
    return jsonify([item_json(item) for item in conversation(order_id)])


# Described next to the routes; docs.PATHS is the document served at /openapi.json.
docs.SCHEMAS["ShopMessage"] = docs._obj(
    {"id": docs.INT, "order_id": docs.INT,
     "body": {**docs.TEXT, "description": "The SMS as it goes: shop, order, text, and how "
                                          "to answer; in the shopper's language."},
     "status": {"type": "string", "enum": ["queued", "sending", "sent", "delivered",
                                           "undelivered", "failed", "withdrawn"]},
     "segments": docs.INT, "created_at": docs.INSTANT},
    ["id", "order_id", "body", "status", "segments", "created_at"])
docs.SCHEMAS["ConversationItem"] = docs._obj(
    {"at": docs.INSTANT, "direction": {"type": "string", "enum": ["out", "in"]},
     "kind": {**docs.TEXT, "description": "placed, ready, reminder, shop_message… or "
                                          "reply (direction in)."},
     "text": {**docs.NULLABLE_TEXT, "description": "The shop's messages and the replies."},
     "status": {**docs.NULLABLE_TEXT, "description": "Delivery status of what was sent."},
     "error": {**docs.NULLABLE_TEXT, "description": "Why it did not reach the phone."},
     "segments": {"type": "integer", "nullable": True}},
    ["at", "direction", "kind"])
docs.PATHS["/merchant/orders/{id}/messages"] = {
    "post": docs._op(
        "Write to the shopper about the order (a short SMS they can answer; the reply "
        "shows in GET); recorded as the order event sms_to_shopper",
        {"201": docs._json(docs._ref("ShopMessage"), "Queued (the same text again within "
                                                     "a minute: the same message).")},
        tag=docs.MERCHANT, params=[docs.ID_PARAM], secured=True,
        errors=(400, 401, 403, 404, 422), body=docs._body(docs._obj(
            {"text": {**docs._text(1, MAX_TEXT), "description":
                      "Spaces and line breaks folded to one space, then at most "
                      f"{MAX_TEXT} characters; folded to GSM-7 (ê -> e); a character with "
                      "no GSM-7 spelling (an emoji) is refused (not_gsm7)."}},
            ["text"]))),
    "get": docs._op(
        "The order's SMS both ways, in time order: sent with their delivery status, "
        "replies received", {"200": docs._json({"type": "array",
                                                "items": docs._ref("ConversationItem")})},
        tag=docs.MERCHANT, params=[docs.ID_PARAM], secured=True, errors=(401, 403, 404)),
}
