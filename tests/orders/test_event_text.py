"""An order's events are stored as codes with parameters and put into words where they are
shown: in the page's language on the pages, in French in the API; what a person typed is
shown as typed, escaped; rows written before codes read as they did."""
import importlib.util
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_babel import force_locale

from app.extensions import db
from app.orders.event_text import TEXTS, event_text, instant
from app.orders.models import OrderEvent
from tests.factories import make_merchant, make_product, make_shop, place_order
from tests.web.helpers import page, text
from tests.web.merchant_helpers import log_in

NBSP = "\u00a0"
# Saturday 28 November 2026, 17:30 and Monday 30 November, 10:00 in the town (UTC+1).
MOVED = {"from": "2026-11-28T16:30:00+00:00", "to": "2026-11-30T09:00:00+00:00"}

CASES = [
    # code, params, note, French, English
    ("hold_started", None, None, "panier réservé", "basket reserved"),
    ("payment_authorized", None, None, "paiement autorisé", "payment authorised"),
    ("hold_expired", None, None, "délai de paiement dépassé", "payment time over"),
    ("line_short", {"product": "Baguette tradition", "confirmed": 1, "ordered": 3}, None,
     "Baguette tradition : 1/3", "Baguette tradition: 1/3"),
    ("unavailable", None, None, "articles indisponibles", "items unavailable"),
    ("collected_without_code", None, None,
     "sans code de retrait : identité vérifiée par la boutique",
     "without pickup code: identity checked by the shop"),
    ("cancelled_by_shopper", None, None, "annulée par le client", "cancelled by the customer"),
    ("cancelled_by_shop", None, "Four en panne", "Four en panne", "Four en panne"),
    ("slot_moved", MOVED, None,
     "samedi 28 novembre à 17:30 -> lundi 30 novembre à 10:00",
     "Saturday 28 November at 17:30 -> Monday 30 November at 10:00"),
    ("not_confirmed_in_time", None, None, "non confirmée par la boutique à temps",
     "not confirmed by the shop in time"),
    ("not_collected", None, None, "non retirée", "not picked up"),
    ("authorization_lapsing", None, None,
     "autorisation bancaire arrivée à échéance : commande annulée, rien n'est débité pour elle",
     "the bank authorisation ran out: order cancelled, nothing is charged for it"),
    ("refunded", {"amount_cents": 1250}, "baguette trop cuite",
     f"12,50{NBSP}€ remboursés : baguette trop cuite", "€12.50 refunded: baguette trop cuite"),
    ("sms_to_shopper", None, "Votre tarte est prête", "Votre tarte est prête",
     "Votre tarte est prête"),
    ("sms_from_shopper", None, "Merci, je passe à 18h", "Merci, je passe à 18h",
     "Merci, je passe à 18h"),
    ("delivered", None, None, "livrée à domicile", "delivered to the door"),
]


def event(code=None, params=None, note=None, type_="confirmed") -> OrderEvent:
    return OrderEvent(type=type_, code=code, params=params, note=note, actor="system",
                      at=datetime(2026, 11, 27, 9, tzinfo=timezone.utc))


def said(app, language: str, row: OrderEvent) -> str:
    with app.test_request_context("/"), force_locale(language):
        return event_text(row)


def test_every_code_of_the_table_has_a_case_here():
    assert sorted(TEXTS) == sorted(code for code, *_ in CASES)


@pytest.mark.parametrize("code, params, note, french, english", CASES,
                         ids=[case[0] for case in CASES])
def test_each_code_is_said_in_french_and_in_english(app, code, params, note, french, english):
    row = event(code, params, note)

    assert said(app, "fr", row) == french
    assert said(app, "en", row) == english


def test_outside_a_request_events_are_french(app):
    assert event_text(event("line_short", {"product": "Brie", "confirmed": 0,
                                           "ordered": 2})) == "Brie : 0/2"


def test_a_row_written_before_codes_reads_as_it_did(app):
    assert said(app, "en", event(note="annulée par le client")) == "cancelled by the customer"
    assert said(app, "en", event(note="Baguette : 1/3")) == "Baguette : 1/3"
    assert said(app, "fr", event(note="four en panne")) == "four en panne"
    assert said(app, "en", event()) == ""


def test_an_odd_row_is_shown_not_an_error_page(app):
    assert said(app, "fr", event("line_short", {"product": "Brie"})) == "Brie : ?/?"
    assert said(app, "en", event("slot_moved", {"from": "tomorrow", "to": MOVED["to"]})) == \
        "tomorrow -> Monday 30 November at 10:00"
    assert said(app, "fr", event("some_future_code", {"n": 1}, "mot du client")) == \
        "mot du client"
    assert said(app, "fr", event("some_future_code")) == ""


def test_params_keep_instants_in_utc():
    paris = datetime.fromisoformat("2026-11-28T17:30:00+01:00")
    assert instant(paris) == "2026-11-28T16:30:00+00:00"


# --- on the pages ----------------------------------------------------------------------

HOSTILE = '<img src=x onerror="alert(1)"> & «Pain»'


def given_an_order_with_hostile_words(clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130)
    order = place_order({shop: [(bread, 2)]}, clock.now, payments).orders[0]
    db.session.add_all([
        OrderEvent(order_id=order.id, type="line_short", code="line_short",
                   params={"product": HOSTILE, "confirmed": 0, "ordered": 2},
                   actor=f"shop:{shop.id}", at=clock.now),
        OrderEvent(order_id=order.id, type="sms_from_shopper", code="sms_from_shopper",
                   note=f"<b>merci</b> {HOSTILE}", actor="shopper", at=clock.now),
        OrderEvent(order_id=order.id, type="slot_moved", code="slot_moved", params=MOVED,
                   actor=f"shop:{shop.id}", at=clock.now),
    ])
    db.session.commit()
    return shop, order


def assert_escaped(html: str) -> None:
    assert "<img" not in html and "<b>merci" not in html
    assert "&lt;img src=x onerror=" in html


def test_the_tracking_page_says_events_in_its_language_and_escapes_names(client, clock,
                                                                         payments):
    _, order = given_an_order_with_hostile_words(clock, payments)

    french = page(client, f"/suivi/{order.tracking_token}")
    client.set_cookie("lang", "en")
    english = page(client, f"/suivi/{order.tracking_token}")
    state = client.get(f"/suivi/{order.tracking_token}/etat").json

    assert_escaped(french)
    assert_escaped(english)
    assert f"({HOSTILE} : 0/2)" in text(french)
    assert "(samedi 28 novembre à 17:30 -> lundi 30 novembre à 10:00)" in text(french)
    assert f"({HOSTILE}: 0/2)" in text(english)
    assert "(Saturday 28 November at 17:30 -> Monday 30 November at 10:00)" in \
        text(english)
    # The hold behind a payment is the site's business: never said to the shopper.
    assert "basket reserved" not in text(english) and "(payment authorised)" in text(english)
    # The open page redraws its history from the state, as text nodes.
    notes = [e["note"] for e in state["events"]]
    assert f"{HOSTILE}: 0/2" in notes and f"<b>merci</b> {HOSTILE}" in notes


def test_the_shops_order_page_escapes_what_people_wrote(client, clock, payments):
    shop, order = given_an_order_with_hostile_words(clock, payments)
    make_merchant(shop)
    log_in(client, "boulangerie@example.fr")

    html = page(client, f"/marchand/commandes/{order.id}")

    assert_escaped(html)
    assert "&lt;b&gt;merci&lt;/b&gt;" in html
    assert f"{HOSTILE} : 0/2" in text(html)


def test_the_api_gives_code_params_and_french_words_whatever_the_browser_says(client, clock,
                                                                              payments):
    _, order = given_an_order_with_hostile_words(clock, payments)
    client.set_cookie("lang", "en")

    events = client.get(f"/api/v1/orders/{order.id}", headers={
        "X-Tracking-Token": order.tracking_token, "Accept-Language": "en"}).json["events"]

    short = next(e for e in events if e["type"] == "line_short")
    assert short["code"] == "line_short"
    assert short["params"] == {"product": HOSTILE, "confirmed": 0, "ordered": 2}
    assert short["text"] == f"{HOSTILE} : 0/2"
    assert short["at"] and short["note"] is None
    moved = next(e for e in events if e["type"] == "slot_moved")
    assert moved["text"] == "samedi 28 novembre à 17:30 -> lundi 30 novembre à 10:00"
    reply = next(e for e in events if e["type"] == "sms_from_shopper")
    assert reply["text"] == reply["note"] == f"<b>merci</b> {HOSTILE}"


# --- rows written before codes, through the migration ------------------------------------

LEGACY = [  # (type, actor, note) as the services wrote them before codes
    ("pending_payment", "shopper", "panier réservé"),
    ("placed", "shopper", "paiement autorisé"),
    ("line_short", "shop:1", "Pain : complet : 1/3"),
    ("line_short", "shop:1", "écrit à la main"),
    ("cancelled", "shop:1", "Four en panne"),
    ("cancelled", "system", "non confirmée par la boutique à temps"),
    ("refunded", "shop:1", "1\u202f250,00\u00a0€ : baguette trop cuite"),
    ("sms_from_shopper", "shopper", "Merci !"),
    ("slot_moved", "shop:1", "samedi 28 novembre à 17:30 -> lundi 30 novembre à 10:00"),
]
MIGRATED = [  # (code, params, note)
    ("hold_started", None, None),
    ("payment_authorized", None, None),
    ("line_short", {"product": "Pain : complet", "confirmed": 1, "ordered": 3}, None),
    (None, None, "écrit à la main"),
    ("cancelled_by_shop", None, "Four en panne"),
    ("not_confirmed_in_time", None, None),
    ("refunded", {"amount_cents": 125000}, "baguette trop cuite"),
    ("sms_from_shopper", None, "Merci !"),
    (None, None, "samedi 28 novembre à 17:30 -> lundi 30 novembre à 10:00"),
]


def _migration():
    path = Path(__file__).resolve().parents[2] / "migrations/versions/order_event_codes.py"
    spec = importlib.util.spec_from_file_location("order_event_codes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(step) -> None:
    """A data step of the migration, on the test's connection (schema already at head)."""
    with Operations.context(MigrationContext.configure(db.session.connection())):
        step()
    db.session.expire_all()


def _events(order_id: int) -> list[tuple]:
    rows = db.session.execute(sa.select(OrderEvent.code, OrderEvent.params, OrderEvent.note)
                              .where(OrderEvent.order_id == order_id).order_by(OrderEvent.id))
    return [tuple(row) for row in rows]


def test_the_migration_gives_old_rows_their_codes_and_back(app, clock, payments):
    migration = _migration()
    shop = make_shop()
    order = place_order({shop: [(make_product(shop), 1)]}, clock.now, payments,
                        pay=False).orders[0]
    db.session.execute(sa.delete(OrderEvent).where(OrderEvent.order_id == order.id))
    db.session.add_all(OrderEvent(order_id=order.id, type=type_, actor=actor, note=note,
                                  at=clock.now) for type_, actor, note in LEGACY)
    db.session.flush()

    _run(migration.give_codes)

    assert _events(order.id) == MIGRATED
    _run(migration.give_notes_back)
    assert [note for _, _, note in _events(order.id)] == [note for _, _, note in LEGACY]
