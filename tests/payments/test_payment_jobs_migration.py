"""The payment_jobs migration on a database with money in flight: a settlement or a
refund not yet done becomes a job that the next sweep carries out (under its provider
idempotency key, so nothing is done twice), done ones stay in the history as they were,
and the way back restores the old rows."""
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.test_migrations import empty_database, fresh_app  # noqa: F401  fixtures

BEFORE = "order_event_codes"


def _money_in_flight(conn) -> None:
    """Three checkouts as the old schema kept them: 1 captured and partly refunded (the
    refund still pending), 2 with its capture pending, 3 with a void being processed."""
    conn.execute(sa.text("INSERT INTO customers (id, phone, name, created_at) "
                         "VALUES (1, '+33612345678', 'C', '2026-11-01 08:00:00')"))
    conn.execute(sa.text("INSERT INTO shops (id, slug, name, address, phone, description, "
                         "slot_minutes, seats_per_slot, prep_minutes, hold_minutes, "
                         "reminder_minutes, no_show_minutes, active, created_at) VALUES (1, "
                         "'b', 'B', 'a', '', '', 15, 4, 60, 15, 60, 30, :yes, "
                         "'2026-11-01 08:00:00')"), {"yes": True})
    for checkout_id in (1, 2, 3):
        conn.execute(sa.text("INSERT INTO checkouts (id, customer_id, status, total_cents, "
                             "hold_expires_at, payment_provider, created_at) VALUES (:id, 1, "
                             "'placed', 500, '2026-11-01 08:15:00', 'offline', "
                             "'2026-11-01 08:00:00')"), {"id": checkout_id})
        conn.execute(sa.text(
            "INSERT INTO orders (id, checkout_id, shop_id, customer_id, status, slot_start, "
            "slot_end, total_cents, tracking_token, created_at) VALUES (:id, :id, 1, 1, "
            "'collected', '2026-11-02 09:00:00', '2026-11-02 09:15:00', 500, :token, "
            "'2026-11-01 08:00:00')"), {"id": checkout_id, "token": f"t{checkout_id}"})
    rows = [(1, 1, "authorize", 500, "succeeded", "authorize:1", 1),
            (2, 1, "capture", 500, "succeeded", "settle:1", 1),
            (3, 2, "authorize", 500, "succeeded", "authorize:2", 1),
            (4, 2, "capture", 400, "pending", "settle:2", 2),
            (5, 3, "authorize", 500, "succeeded", "authorize:3", 1),
            (6, 3, "void", 0, "processing", "settle:3", 1)]
    for row_id, checkout_id, kind, amount, status, key, attempts in rows:
        conn.execute(sa.text(
            "INSERT INTO payment_transactions (id, checkout_id, kind, amount_cents, provider, "
            "provider_ref, status, idempotency_key, attempts, created_at) VALUES (:id, :c, "
            ":kind, :amount, 'offline', :ref, :status, :key, :attempts, "
            "'2026-11-02 10:00:00')"),
            {"id": row_id, "c": checkout_id, "kind": kind, "amount": amount,
             "ref": f"ref-{row_id}", "status": status, "key": key, "attempts": attempts})
    conn.execute(sa.text(
        "INSERT INTO refunds (id, order_id, checkout_id, capture_id, amount_cents, reason, "
        "actor, status, attempts, created_at) VALUES (1, 1, 1, 2, 200, 'abime', 'shop:1', "
        "'processing', 1, '2026-11-03 10:00:00')"))
    if conn.dialect.name == "postgresql":  # ids given by hand: the sequence follows them
        conn.execute(sa.text("SELECT setval('payment_transactions_id_seq', 6)"))


def test_money_in_flight_becomes_jobs_and_comes_back_on_the_way_down(fresh_app):
    upgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        _money_in_flight(conn)

    upgrade(revision="payment_jobs")
    with db.engine.connect() as conn:
        jobs = conn.execute(sa.text(
            "SELECT checkout_id, kind, amount_cents, provider_ref, refund_id, idempotency_key, "
            "status, attempts FROM payment_jobs ORDER BY idempotency_key")).all()
        history = conn.execute(sa.text(
            "SELECT id, kind, status, idempotency_key FROM payment_transactions "
            "ORDER BY id")).all()
        refund = conn.execute(sa.text("SELECT status FROM refunds")).scalar_one()

    assert [tuple(job) for job in jobs] == [
        (1, "refund", 200, "ref-2", 1, "refund:1", "pending", 1),
        (2, "capture", 400, "ref-4", None, "settle:2", "pending", 2),
        (3, "void", 0, "ref-6", None, "settle:3", "pending", 1)]
    # Only what happened stays in the history: authorisations and the done capture.
    assert [tuple(row) for row in history] == [
        (1, "authorize", "succeeded", "authorize:1"), (2, "capture", "succeeded", "settle:1"),
        (3, "authorize", "succeeded", "authorize:2"), (5, "authorize", "succeeded",
                                                       "authorize:3")]
    assert refund == "pending"

    downgrade(revision=BEFORE)
    with db.engine.connect() as conn:
        back = conn.execute(sa.text(
            "SELECT checkout_id, kind, status, idempotency_key FROM payment_transactions "
            "WHERE kind != 'authorize' ORDER BY idempotency_key")).all()
    assert [tuple(row) for row in back] == [
        (1, "capture", "succeeded", "settle:1"), (2, "capture", "pending", "settle:2"),
        (3, "void", "pending", "settle:3")]
