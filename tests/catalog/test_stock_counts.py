"""Stock as the shop counts it: units on hand (bags set aside included) and units held by
open orders, apart; available = on hand - held. A checkout holds, a handover takes from
both, a release gives back the hold, a short confirmation empties the shelf; a count is
compare-and-set, never below what is held; a price edit never touches stock."""
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.catalog.importer import import_products
from app.catalog.models import Product
from app.catalog.services import (StockChanged, collect_stock, confirm_short, return_stock,
                                  take_stock, update_product)
from app.errors import Conflict, Invalid
from app.extensions import db
from app.orders import services as orders
from tests.api.conftest import bearer, error_of
from tests.factories import (counts_of, make_merchant, make_product, make_shop, place_order,
                             stock_of)
from tests.openapi_check import validating_client
from tests.test_migrations import empty_database, fresh_app  # noqa: F401  fixtures


@pytest.fixture
def bakery(app):
    return make_shop()


@pytest.fixture
def bread(bakery):
    return make_product(bakery, "Baguette tradition", 130, stock=10)


def _held_by_a_checkout(product, quantity, now, payments):
    """A shopper's checkout, not yet paid, holding `quantity` of the product."""
    return place_order({product.shop: [(product, quantity)]}, now, payments, pay=False)


# --- the moves ---------------------------------------------------------------------------

def test_a_checkout_holds_units_that_stay_on_hand(bread, clock, payments):
    _held_by_a_checkout(bread, 3, clock(), payments)

    assert counts_of(bread) == (10, 3)
    assert stock_of(bread) == 7


def test_a_hold_is_refused_beyond_what_is_available_and_nothing_moves(bread, bakery):
    assert take_stock(bread.id, 7) is True
    withdrawn = make_product(bakery, "Brioche", 450, stock=5, active=False)

    assert take_stock(bread.id, 4) is False
    assert take_stock(withdrawn.id, 1) is False
    assert counts_of(bread) == (10, 7) and counts_of(withdrawn) == (5, 0)


def test_collecting_takes_from_both(bread):
    take_stock(bread.id, 3)

    collect_stock(bread.id, 3)
    db.session.commit()

    assert counts_of(bread) == (7, 0)
    assert stock_of(bread) == 7  # what could be sold did not change: those were set aside


def test_releasing_a_hold_gives_back_held_only(bread):
    take_stock(bread.id, 3)

    return_stock(bread.id, 3)
    db.session.commit()

    assert counts_of(bread) == (10, 0)


def test_a_short_confirmation_empties_the_shelf_and_keeps_the_other_orders_bags(bread):
    take_stock(bread.id, 2)  # another order's bag
    take_stock(bread.id, 3)  # the order confirmed short: the shop finds 1 of 3

    confirm_short(bread.id, held_before=3, confirmed=1)
    db.session.commit()

    assert counts_of(bread) == (3, 3)
    assert stock_of(bread) == 0


# --- through an order's life (the order services call the moves) -------------------------

def test_an_order_collected_takes_its_units_from_the_shop_and_from_the_hold(bread, clock,
                                                                           payments):
    order = place_order({bread.shop: [(bread, 3)]}, clock(), payments).orders[0]
    orders.confirm_lines(order.id, bread.shop_id, [], now=clock(), provider=payments)
    orders.mark_ready(order.id, bread.shop_id, now=clock())

    orders.collect(order.id, bread.shop_id, now=clock(), provider=payments, without_code=True)

    assert counts_of(bread) == (7, 0) and stock_of(bread) == 7


def test_an_order_cancelled_gives_its_hold_back_and_the_count_stays(bread, clock, payments):
    order = place_order({bread.shop: [(bread, 3)]}, clock(), payments).orders[0]

    orders.cancel_by_shop(order.id, bread.shop_id, "Four en panne", now=clock(),
                          provider=payments)

    assert counts_of(bread) == (10, 0)


def test_a_line_confirmed_short_empties_the_shelf_and_its_handover_takes_what_was_found(
        bread, clock, payments):
    other = place_order({bread.shop: [(bread, 2)]}, clock(), payments, phone="06 98 76 54 32")
    order = place_order({bread.shop: [(bread, 3)]}, clock(), payments).orders[0]
    line = order.lines[0]

    orders.confirm_lines(order.id, bread.shop_id, [(line.id, 1)], now=clock(),
                         provider=payments)
    confirmed = counts_of(bread)
    orders.collect(order.id, bread.shop_id, now=clock(), provider=payments, without_code=True)

    assert confirmed == (3, 3) and stock_of(bread) == 0  # the other order's 2 and this 1
    assert counts_of(bread) == (2, 2) and other.orders[0].status == "placed"


# --- the shop's edits --------------------------------------------------------------------

def test_saving_a_price_while_a_checkout_holds_3_of_10_leaves_7_available(bread, clock,
                                                                          payments):
    _held_by_a_checkout(bread, 3, clock(), payments)

    update_product(bread.shop_id, bread.id, {"price_cents": 140, "active": True})

    assert counts_of(bread) == (10, 3)
    assert stock_of(bread) == 7


def test_a_count_against_a_figure_that_moved_is_refused_and_nothing_is_written(bread):
    take_stock(bread.id, 3)
    collect_stock(bread.id, 3)  # 7 on hand now; the shop's page still says 10
    db.session.commit()

    with pytest.raises(StockChanged) as refused:
        update_product(bread.shop_id, bread.id,
                       {"on_hand": 12, "expected_on_hand": 10, "price_cents": 150})
    db.session.rollback()

    assert (refused.value.status, refused.value.code, refused.value.field) == \
        (409, "stock_changed", "on_hand")
    assert (refused.value.on_hand, refused.value.held) == (7, 0)
    assert "7 en boutique" in refused.value.message
    db.session.refresh(bread)
    assert (bread.on_hand, bread.price_cents) == (7, 130)


def test_a_count_below_what_is_held_is_refused(bread):
    take_stock(bread.id, 3)

    with pytest.raises(Conflict) as refused:
        update_product(bread.shop_id, bread.id, {"on_hand": 2, "expected_on_hand": 10})
    db.session.rollback()

    assert (refused.value.code, refused.value.field) == ("below_held", "on_hand")
    assert "3 sont mis de côté" in refused.value.message


def test_a_count_replaces_on_hand_and_a_v1_stock_sets_what_is_available(bread):
    take_stock(bread.id, 3)

    update_product(bread.shop_id, bread.id, {"on_hand": 12, "expected_on_hand": 10})
    counted = counts_of(bread)
    update_product(bread.shop_id, bread.id, {"stock": 5})

    assert counted == (12, 3)
    assert counts_of(bread) == (8, 3) and stock_of(bread) == 5


# --- the API -----------------------------------------------------------------------------

@pytest.fixture
def api(app):
    return validating_client(app)


@pytest.fixture
def auth(bakery):
    return bearer(make_merchant(bakery))


def _patch(api, auth, product, body):
    return api.patch(f"/api/v1/merchant/products/{product.id}", headers=auth, json=body)


def test_the_merchant_json_gives_on_hand_held_and_what_can_be_sold(api, auth, bread):
    take_stock(bread.id, 3)
    db.session.commit()

    product, = api.get("/api/v1/merchant/products", headers=auth).json

    assert {k: product[k] for k in ("on_hand", "held", "available_quantity", "stock",
                                    "available")} == \
        {"on_hand": 10, "held": 3, "available_quantity": 7, "stock": 7, "available": True}


def test_patch_on_hand_against_a_stale_expected_figure_is_409(api, auth, bread):
    take_stock(bread.id, 3)
    collect_stock(bread.id, 3)
    db.session.commit()

    response = _patch(api, auth, bread, {"on_hand": 12, "expected_on_hand": 10,
                                         "price_cents": 150})

    assert error_of(response) == (409, "stock_changed", "on_hand")
    assert "7 en boutique" in response.json["error"]["message"]
    db.session.refresh(bread)
    assert (bread.on_hand, bread.price_cents) == (7, 130)


def test_patch_on_hand_with_the_figure_of_now_is_saved(api, auth, bread):
    take_stock(bread.id, 3)
    db.session.commit()

    response = _patch(api, auth, bread, {"on_hand": 12, "expected_on_hand": 10})
    unchecked = _patch(api, auth, bread, {"on_hand": 11})

    assert response.status_code == 200
    assert {k: response.json[k] for k in ("on_hand", "held", "stock")} == \
        {"on_hand": 12, "held": 3, "stock": 9}
    assert unchecked.status_code == 200 and unchecked.json["on_hand"] == 11


def test_patch_on_hand_below_what_is_held_is_409(api, auth, bread):
    take_stock(bread.id, 3)
    db.session.commit()

    response = _patch(api, auth, bread, {"on_hand": 2})

    assert error_of(response) == (409, "below_held", "on_hand")
    assert counts_of(bread) == (10, 3)


def test_patch_v1_stock_sets_what_can_be_sold_on_top_of_what_is_held(api, auth, bread):
    take_stock(bread.id, 3)
    db.session.commit()

    response = _patch(api, auth, bread, {"stock": 5})
    price_only = _patch(api, auth, bread, {"price_cents": 150})

    assert response.status_code == 200
    assert {k: response.json[k] for k in ("on_hand", "held", "stock")} == \
        {"on_hand": 8, "held": 3, "stock": 5}
    assert price_only.json["stock"] == 5 and counts_of(bread) == (8, 3)


@pytest.mark.parametrize("body, field", [
    ({"on_hand": "5"}, "on_hand"),
    ({"on_hand": -1}, "on_hand"),
    ({"on_hand": True}, "on_hand"),
    ({"on_hand": 10**9}, "on_hand"),
    ({"on_hand": 5, "expected_on_hand": "10"}, "expected_on_hand"),
    ({"expected_on_hand": 10}, "expected_on_hand"),
    ({"on_hand": 5, "stock": 5}, "stock"),
])
def test_a_bad_count_is_422_on_its_field_and_nothing_changes(api, auth, bread, body, field):
    response = _patch(api, auth, bread, body)

    assert error_of(response) == (422, "invalid", field)
    assert counts_of(bread) == (10, 0)


# --- the CSV import ----------------------------------------------------------------------

def test_the_csv_stock_column_is_the_count_on_hand(bread, bakery):
    take_stock(bread.id, 3)
    db.session.commit()

    import_products(bakery, "name;price;stock\nBaguette tradition;1,30;12\nFicelle;0,90;4\n")

    assert counts_of(bread) == (12, 3) and stock_of(bread) == 9
    ficelle = db.session.scalar(sa.select(Product).where(Product.name == "Ficelle"))
    assert counts_of(ficelle) == (4, 0)


def test_a_csv_count_below_what_is_held_is_refused_with_its_line(bread, bakery):
    take_stock(bread.id, 3)
    db.session.commit()

    with pytest.raises(Invalid) as refused:
        import_products(bakery, "name;price;stock\nFicelle;0,90;4\nBaguette tradition;1,50;2\n")

    assert refused.value.field == "stock" and refused.value.message.startswith("ligne 3 :")
    assert counts_of(bread) == (10, 3) and bread.price_cents == 130
    assert db.session.scalar(sa.select(Product).where(Product.name == "Ficelle")) is None


# --- the migration -----------------------------------------------------------------------

PRODUCT_ROWS = [(1, "Baguette", 4), (2, "Tarte", 0), (3, "Pâté", 7)]
# (order id, status, [(product, quantity, confirmed quantity)])
ORDER_ROWS = [(1, "pending_payment", [(1, 2, None)]),
              (2, "confirmed", [(1, 3, 1), (2, 2, 2)]),  # confirmed short on the baguette
              (3, "collected", [(1, 5, 5)]),             # gone: held by nobody
              (4, "cancelled", [(3, 1, None)])]


def _insert_before(conn):
    """Rows as the schema of catalog_fulltext stores them: `stock` = available."""
    conn.execute(sa.text("INSERT INTO shops (id, slug, name, address, phone, description, "
                         "slot_minutes, seats_per_slot, prep_minutes, hold_minutes, reminder_minutes, "
                         "no_show_minutes, active, created_at) VALUES (1, 'boulangerie', 'B', "
                         "'a', '', '', 15, 4, 60, 15, 60, 30, :yes, '2026-11-01 08:00:00')"),
                 {"yes": True})
    conn.execute(sa.text("INSERT INTO customers (id, phone, name, created_at) "
                         "VALUES (1, '+33612345678', 'C', '2026-11-01 08:00:00')"))
    for pid, name, stock in PRODUCT_ROWS:
        conn.execute(sa.text(
            "INSERT INTO products (id, shop_id, name, search_text, description, price_cents, "
            "stock, active, updated_at, category) VALUES (:id, 1, :name, :search, '', 100, "
            ":stock, :yes, '2026-11-01 08:00:00', '')"),
            {"id": pid, "name": name, "search": name.lower(), "stock": stock, "yes": True})
    line_id = 0
    for order_id, status, lines in ORDER_ROWS:
        conn.execute(sa.text("INSERT INTO checkouts (id, customer_id, status, total_cents, "
                             "hold_expires_at, payment_provider, created_at) VALUES (:id, 1, "
                             "'placed', 0, '2026-11-01 08:15:00', 'offline', "
                             "'2026-11-01 08:00:00')"), {"id": order_id})
        conn.execute(sa.text(
            "INSERT INTO orders (id, checkout_id, shop_id, customer_id, status, slot_start, "
            "slot_end, total_cents, tracking_token, created_at) VALUES (:id, :id, 1, 1, "
            ":status, '2026-11-02 09:00:00', '2026-11-02 09:15:00', 0, :token, "
            "'2026-11-01 08:00:00')"), {"id": order_id, "status": status,
                                         "token": f"token-{order_id}"})
        for product_id, quantity, confirmed in lines:
            line_id += 1
            conn.execute(sa.text(
                "INSERT INTO order_lines (id, order_id, product_id, name, unit_price_cents, "
                "quantity, confirmed_quantity) VALUES (:id, :order_id, :product_id, 'x', 100, "
                ":quantity, :confirmed)"),
                {"id": line_id, "order_id": order_id, "product_id": product_id,
                 "quantity": quantity, "confirmed": confirmed})


def test_the_migration_keeps_what_was_available_and_counts_the_bags_on_hand(fresh_app):
    upgrade(revision="catalog_fulltext")
    with db.engine.begin() as conn:
        _insert_before(conn)

    upgrade(revision="stock_on_hand_held")
    with db.engine.begin() as conn:
        after = conn.execute(sa.text("SELECT id, on_hand, held FROM products ORDER BY id")).all()
        lines = conn.execute(sa.text("SELECT count(*) FROM order_lines")).scalar_one()
        conn.execute(sa.text("UPDATE products SET search_text = 'ficelle' WHERE id = 2"))
        found = _fulltext(conn, "ficelle")
    downgrade(revision="catalog_fulltext")
    with db.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT id, stock FROM products ORDER BY id")).all()

    # Baguette: 4 available, 2 held unpaid + 1 confirmed of 3; tarte: 2 confirmed.
    assert [tuple(row) for row in after] == [(1, 7, 3), (2, 2, 2), (3, 7, 0)]
    assert lines == 5  # the orders' lines still point at their products
    assert found in ([2], None)  # the full-text index still follows the products
    assert [tuple(row) for row in before] == [(pid, stock) for pid, _name, stock in PRODUCT_ROWS]


def _fulltext(conn, word: str) -> list[int] | None:
    """Ids the SQLite full-text index finds (PostgreSQL's is an index on the column)."""
    if conn.dialect.name != "sqlite":
        return None
    return list(conn.scalars(sa.text("SELECT rowid FROM products_fts WHERE products_fts "
                                     "MATCH :word"), {"word": word}))
