"""SMS cost: every usual message fits one GSM-7 segment with realistic shop names."""
import pytest
import sqlalchemy as sa

from app.demo.seed import SHOPS
from app.extensions import db
from app.notify import texts
from app.notify.models import SmsMessage
from app.notify.segments import fold_to_gsm7, is_gsm7, segments
from app.orders import services as orders
from tests.factories import make_product, make_shop, place_order


@pytest.mark.parametrize("text, expected", [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("é è à ù É Ç" + "a" * 149, 1),            # GSM-7 letters, one septet each
    ("€" * 80, 1), ("€" * 81, 2),              # extension table: two septets each
    ("prête" + "a" * 60, 1), ("prête" + "a" * 66, 2),  # ê: the whole text is UCS-2
    ("ç" * 70, 1), ("ç" * 71, 2), ("’" * 134, 2), ("œ" * 135, 3),
])
def test_segments_are_counted_as_operators_bill_them(text, expected):
    assert segments(text) == expected


def test_french_letters_outside_gsm7_are_folded_to_their_nearest():
    assert fold_to_gsm7("Pâtisserie Lefèvre – l’œuf à 2,50\u202f€") == \
        "Patisserie Lefèvre - l'oeuf à 2,50 €"
    assert is_gsm7(fold_to_gsm7("ê â î ô û ç œ ’ « » …"))


SHOP_NAMES = [(slug, name, address, phone) for slug, name, address, phone, _ in SHOPS] + [
    ("patisserie-lefevre", "Pâtisserie Lefèvre & Fils", "2 rue Chênebouterie", "04 71 09 56 78")]


def usual_messages(order) -> dict[str, str]:
    return {
        "placed": texts.placed(order, first=False), "placed_first": texts.placed(order, first=True),
        "confirmed": texts.confirmed(order),
        "placed_home": texts.placed(order, first=False, home=True),
        "confirmed_home": texts.confirmed(order, home=True),
        "short": texts.short(order, ["1 × Baguette tradition"]), "ready": texts.ready(order),
        "reminder": texts.reminder(order), "moved": texts.moved(order),
        "cancelled": texts.cancelled(order), "no_show": texts.no_show(order),
        "refunded": texts.refunded(order, 1250, "baguette trop cuite"),
    }


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("slug, name, address, phone", SHOP_NAMES)
def test_every_usual_message_fits_one_gsm7_segment(app, clock, payments, slug, name, address,
                                                   phone, language):
    app.config["PUBLIC_URL"] = "https://achats.lepuyenvelay.fr"
    shop = make_shop(slug, name, address=f"{address}, 43000 Le Puy-en-Velay", phone=phone)
    bread = make_product(shop, "Baguette tradition", 130)
    order = place_order({shop: [(bread, 2)]}, clock.now, payments).orders[0]
    order.customer.language = language
    order.lines[0].confirmed_quantity = 1
    order.cancel_reason = "four en panne ce matin"
    messages = usual_messages(order)
    db.session.rollback()
    for kind, body in messages.items():
        worst = (body.replace(f"commande {order.id}", "commande 123456")  # a busy year
                 .replace(f"order {order.id}", "order 123456"))
        assert "123456" in worst, (kind, body)
        assert is_gsm7(worst), (kind, [c for c in worst if not is_gsm7(c)])
        assert segments(worst) == 1, (kind, len(worst), worst)


@pytest.mark.parametrize("language, expected", [
    ("fr", ["Boulangerie Martin: commande {id} enregistrée pour mar. 24/11 à 10:00 {url} "
            "STOP: répondez STOP",
            "Boulangerie Martin : commande {id} enregistrée, à retirer mar. 24/11 à 10:00. "
            "Suivi : {url}"]),
    ("en", ["Boulangerie Martin: order {id} placed for Tue 24/11 at 10:00 {url} "
            "Reply STOP to opt out",
            "Boulangerie Martin: order {id} placed, pick up Tue 24/11 at 10:00. Track: {url}"]),
])
def test_only_the_first_sms_to_a_number_says_how_to_stop(app, clock, payments, language,
                                                         expected):
    shop = make_shop()
    bread = make_product(shop, "Baguette tradition", 130)
    cheese = make_shop("fromagerie", "Fromagerie du Plot")
    brie = make_product(cheese, "Brie", 610)
    first = place_order({shop: [(bread, 1)]}, clock.now, payments, pay=False).orders[0]
    first.customer.language = language
    db.session.commit()
    orders.pay_checkout(first.checkout_id, "test_ok", now=clock.now, provider=payments)
    again = place_order({shop: [(bread, 1)], cheese: [(brie, 1)]}, clock.now, payments)

    bodies = db.session.scalars(sa.select(SmsMessage.body).where(SmsMessage.kind == "placed")
                                .order_by(SmsMessage.id)).all()

    mention = expected[0].rsplit("}", 1)[1].strip()
    assert bodies[0] == expected[0].format(id=first.id, url=texts.tracking_url(first))
    assert bodies[1] == expected[1].format(id=again.orders[0].id,
                                           url=texts.tracking_url(again.orders[0]))
    assert [mention in body for body in bodies] == [True, False, False]
    assert [segments(body) for body in bodies] == [1, 1, 1]
