"""order events as codes with parameters, put into words at display time

Revision ID: order_event_codes
Revises: stock_on_hand_held
Create Date: 2026-12-01 09:30:00

Rows written before codes keep working without them (their French note is shown through
the catalogue), but those whose note is one of the services' fixed texts get their code
here, and "line_short" notes ("Baguette : 1/2") their parameters: the note, which now holds
only what a person typed, is cleared for them. Downgrade writes the French notes back.
"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'order_event_codes'
down_revision = 'stock_on_hand_held'
branch_labels = None
depends_on = None

# The fixed notes the services wrote, as of this migration (frozen here: the code's own
# table, app/orders/event_text.py, may change wording later).
FIXED_NOTES = {
    "panier réservé": "hold_started",
    "paiement autorisé": "payment_authorized",
    "délai de paiement dépassé": "hold_expired",
    "articles indisponibles": "unavailable",
    "sans code de retrait : identité vérifiée par la boutique": "collected_without_code",
    "annulée par le client": "cancelled_by_shopper",
    "non confirmée par la boutique à temps": "not_confirmed_in_time",
    "non retirée": "not_collected",
    "autorisation bancaire arrivée à échéance : commande annulée, rien n'est débité pour "
    "elle": "authorization_lapsing",
}
LINE_SHORT = re.compile(r"^(?P<product>.+) : (?P<confirmed>\d+)/(?P<ordered>\d+)$", re.S)
# "1\u202f250,00\u00a0€ : reason" (app.money.euros, then what the shop typed)
REFUNDED = re.compile(r"^(?P<units>\d[\d\u202f]*),(?P<rest>\d\d)\u00a0€ : (?P<reason>.*)$", re.S)
TYPED = ("sms_to_shopper", "sms_from_shopper")  # the note is the message: type says it all
BATCH = 1000

events = sa.table("order_events", sa.column("id", sa.Integer), sa.column("type", sa.String),
                  sa.column("actor", sa.String), sa.column("note", sa.String),
                  sa.column("code", sa.String), sa.column("params", sa.JSON))


def upgrade():
    with op.batch_alter_table("order_events") as batch:
        batch.add_column(sa.Column("code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))
    give_codes()


def downgrade():
    give_notes_back()
    with op.batch_alter_table("order_events") as batch:
        batch.drop_column("params")
        batch.drop_column("code")


def give_codes():
    """Rows without a code whose note the services wrote: their code (and params)."""
    for note, code in FIXED_NOTES.items():
        op.execute(events.update().where(events.c.code.is_(None), events.c.note == note)
                   .values(code=code, note=None))
    for type_ in TYPED:
        op.execute(events.update().where(events.c.code.is_(None), events.c.type == type_)
                   .values(code=type_))
    # Any other cancellation with words is a shop's (or the manager's) typed reason.
    op.execute(events.update().where(events.c.code.is_(None), events.c.type == "cancelled",
                                     events.c.note.is_not(None),
                                     events.c.actor.not_in(("system", "shopper")))
               .values(code="cancelled_by_shop"))
    _parse("line_short", LINE_SHORT, lambda found: ({
        "product": found["product"], "confirmed": int(found["confirmed"]),
        "ordered": int(found["ordered"])}, None))
    _parse("refunded", REFUNDED, lambda found: ({
        "amount_cents": int(found["units"].replace("\u202f", "")) * 100 + int(found["rest"])},
        found["reason"] or None))


def _parse(type_: str, pattern: re.Pattern, read) -> None:
    """Notes of `type_` that the service wrote from numbers: back to code and params (and
    the typed part, if any, left as the note). Others are left as they are."""
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(events.c.id, events.c.note)
            .where(events.c.type == type_, events.c.code.is_(None),
                   events.c.note.is_not(None), events.c.id > last)
            .order_by(events.c.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        for row in rows:
            found = pattern.match(row.note)
            if found is not None:
                params, note = read(found)
                conn.execute(events.update().where(events.c.id == row.id)
                             .values(code=type_, params=params, note=note))


def give_notes_back():
    """The French notes, as the code before codes wrote and read them."""
    for note, code in FIXED_NOTES.items():
        op.execute(events.update().where(events.c.code == code, events.c.note.is_(None))
                   .values(note=note))
    conn = op.get_bind()
    rows = conn.execute(sa.select(events.c.id, events.c.code, events.c.params, events.c.note)
                        .where(events.c.code.in_(("line_short", "refunded", "slot_moved")))
                        ).all()
    for row in rows:
        params = row.params or {}
        if row.code == "line_short":
            note = f"{params.get('product')} : {params.get('confirmed')}/{params.get('ordered')}"
        elif row.code == "slot_moved":
            note = f"{params.get('from')} -> {params.get('to')}"
        else:
            note = f"{_euros(params.get('amount_cents') or 0)} : {row.note or ''}"
        conn.execute(events.update().where(events.c.id == row.id).values(note=note[:500]))


def _euros(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"
