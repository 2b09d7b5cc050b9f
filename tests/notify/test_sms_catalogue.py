"""The SMS texts are one catalogue per language, chosen by the shopper's language: the same
texts in both, each GSM-7 of its own, each within one segment with the longest names; a
cancellation says why in the shopper's language, from the cancel event's code."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify import texts
from app.notify.models import SmsMessage
from app.notify.segments import is_gsm7, segments
from app.orders import services as orders
from tests.factories import make_product, make_shop, place_order

PLACEHOLDER = re.compile(r"\{\w+\}")
LONGEST_SHOP = "Pâtisserie Lefèvre & Fils"


def test_both_languages_have_the_same_texts_and_reasons():
    french, english = texts.CATALOGUES["fr"], texts.CATALOGUES["en"]
    assert french.texts.keys() == english.texts.keys()
    assert french.reasons.keys() == english.reasons.keys()
    for key in french.texts:  # the same blanks to fill, whatever the language
        assert set(PLACEHOLDER.findall(french.texts[key])) == \
            set(PLACEHOLDER.findall(english.texts[key])), key


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_catalogues_own_words_are_gsm7(language):
    catalogue = texts.CATALOGUES[language]
    for words in [*catalogue.texts.values(), *catalogue.reasons.values(), *catalogue.days]:
        assert is_gsm7(PLACEHOLDER.sub("", words)), words


def shopper_order(clock, payments, language: str, *, name=LONGEST_SHOP):
    shop = make_shop("patisserie", name, address="2 rue Chênebouterie, 43000 Le Puy-en-Velay",
                     phone="04 71 09 56 78")
    order = place_order({shop: [(make_product(shop, "Éclair au café", 250), 2)]}, clock.now,
                        payments).orders[0]
    order.customer.language = language
    db.session.flush()
    return order


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("code", sorted(texts.FRENCH.reasons))
def test_each_reason_fits_one_segment_with_the_longest_names(app, clock, payments, language,
                                                             code):
    order = shopper_order(clock, payments, language)

    body = texts.cancelled(order, code=code).replace(f" {order.id} ", " 123456 ")

    assert texts.CATALOGUES[language].reasons[code] in body
    assert is_gsm7(body) and segments(body) == 1, (len(body), body)


@pytest.mark.parametrize("language, expected", [
    ("fr", "{shop} : commande {id} annulée (articles indisponibles). Rien ne vous sera débité."),
    ("en", "{shop}: order {id} cancelled (items unavailable). You will not be charged."),
])
def test_a_cancellation_says_why_in_the_shoppers_language(app, clock, payments, language,
                                                          expected):
    order = shopper_order(clock, payments, language, name="Boulangerie Martin")
    line = order.lines[0]

    orders.confirm_lines(order.id, order.shop_id, [(line.id, 0)], now=clock.now,
                         provider=payments)

    sent = db.session.scalar(sa.select(SmsMessage.body).where(
        SmsMessage.order_id == order.id, SmsMessage.kind == "cancelled"))
    assert sent == expected.format(shop="Boulangerie Martin", id=order.id)


def test_a_reason_the_shop_typed_goes_as_typed_folded(app, clock, payments):
    order = shopper_order(clock, payments, "en", name="Boulangerie Martin")

    orders.cancel_by_shop(order.id, order.shop_id, "Four en panne – désolés", now=clock.now,
                          provider=payments)

    sent = db.session.scalar(sa.select(SmsMessage.body).where(
        SmsMessage.order_id == order.id, SmsMessage.kind == "cancelled"))
    assert sent == (f"Boulangerie Martin: order {order.id} cancelled (Four en panne - désolés). "
                    "You will not be charged.")


@pytest.mark.parametrize("language, texts_of", [
    ("fr", ("commande", "mar. 24/11 à", "12,50 €", "04 71 09 56 78")),
    ("en", ("order", "Tue 24/11 at", "€12.50", "+33 4 71 09 56 78")),
    ("xx", ("commande", "mar. 24/11 à", "12,50 €", "04 71 09 56 78")),  # unknown: French
])
def test_one_function_chooses_the_catalogue_by_the_shoppers_language(app, clock, payments,
                                                                     language, texts_of):
    order = shopper_order(clock, payments, "fr", name="Boulangerie Martin")
    order.customer.language = language  # as stored; not flushed (a column of two values)
    word, when, money, phone = texts_of

    assert f"{word} {order.id}" in texts.confirmed(order)
    assert when in texts.when(order)
    assert money in texts.refunded(order, 1250, "trop cuit")
    assert phone in texts.moved(order)
    db.session.rollback()
