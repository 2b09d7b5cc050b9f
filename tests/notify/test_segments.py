"""SMS cost: every usual message fits one GSM-7 segment with realistic shop names."""
import pytest

from app.demo.seed import SHOPS
from app.extensions import db
from app.notify import texts
from app.notify.segments import fold_to_gsm7, is_gsm7, segments
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


SHOP_NAMES = [(slug, name, address) for slug, name, address, *_ in SHOPS] + [
    ("patisserie-lefevre", "Pâtisserie Lefèvre & Fils", "2 rue Chênebouterie")]


@pytest.mark.parametrize("slug, name, address", SHOP_NAMES)
def test_every_usual_message_fits_one_gsm7_segment(app, clock, payments, slug, name, address):
    app.config["PUBLIC_URL"] = "https://achats.lepuyenvelay.fr"
    shop = make_shop(slug, name, address=f"{address}, 43000 Le Puy-en-Velay")
    bread = make_product(shop, "Baguette tradition", 130)
    order = place_order({shop: [(bread, 2)]}, clock.now, payments).orders[0]
    order.lines[0].confirmed_quantity = 1
    order.cancel_reason = "four en panne ce matin"
    messages = {
        "placed": texts.placed(order), "confirmed": texts.confirmed(order),
        "short": texts.short(order, ["1 × Baguette tradition"]), "ready": texts.ready(order),
        "reminder": texts.reminder(order), "cancelled": texts.cancelled(order),
        "no_show": texts.no_show(order),
        "refunded": texts.refunded(order, 1250, "baguette trop cuite"),
    }
    db.session.rollback()
    for kind, body in messages.items():
        worst = body.replace(f"commande {order.id}", "commande 123456")  # a busy year
        assert is_gsm7(worst), (kind, [c for c in worst if not is_gsm7(c)])
        assert segments(worst) == 1, (kind, len(worst), worst)
