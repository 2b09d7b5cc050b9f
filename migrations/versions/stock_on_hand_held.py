"""stock as the shop counts it: units on hand and units held, apart

Revision ID: stock_on_hand_held
Revises: catalog_fulltext
Create Date: 2026-12-01 09:30:00

`stock` meant "available". Units held by open orders (pending payment to ready) are still
in the shop, so on_hand = stock + held, and available (on_hand - held) is what it was.

SQLite cannot drop a column named in a table CHECK, so products is rebuilt there. Not by
batch_alter_table: it drops the old table after filling the new one, and with foreign keys
on, order_lines' references to the dropped rows fail the migration on any database with
orders. Here the old rows are copied aside, the table dropped with foreign key checks
deferred, and the rows inserted again under the same ids, which settles every reference
before commit. Dropping the table drops the full-text triggers; they are made again.
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'stock_on_hand_held'
down_revision = 'catalog_fulltext'
branch_labels = None
depends_on = None

OPEN_STATES = ("pending_payment", "placed", "confirmed", "ready")
KEPT = ("id", "shop_id", "name", "search_text", "description", "sku", "price_cents", "active",
        "updated_at", "category", "promo_price_cents", "promo_starts_at", "promo_ends_at")


def _held_by_product():
    """Units set aside per product: a line holds what was ordered until the shop confirms,
    then what it confirmed."""
    lines = sa.table("order_lines", sa.column("order_id", sa.Integer),
                     sa.column("product_id", sa.Integer), sa.column("quantity", sa.Integer),
                     sa.column("confirmed_quantity", sa.Integer))
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("status", sa.String))
    return (sa.select(lines.c.product_id,
                      sa.func.sum(sa.func.coalesce(lines.c.confirmed_quantity,
                                                   lines.c.quantity)).label("held"))
            .join_from(lines, orders, orders.c.id == lines.c.order_id)
            .where(orders.c.status.in_(OPEN_STATES))
            .group_by(lines.c.product_id))


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        held = "COALESCE(held_now.held, 0)"
        _rebuild_sqlite(_counted_columns(), _counted_checks(),
                        {"on_hand": f"old.stock + {held}", "held": held})
        return
    for name in ("on_hand", "held"):
        op.add_column("products", sa.Column(name, sa.Integer(), server_default="0",
                                            nullable=False))
    products = sa.table("products", sa.column("id", sa.Integer), sa.column("stock", sa.Integer),
                        sa.column("on_hand", sa.Integer), sa.column("held", sa.Integer))
    held_now = _held_by_product().subquery()
    op.execute(products.update().where(products.c.id == held_now.c.product_id)
               .values(held=held_now.c.held))
    op.execute(products.update().values(on_hand=products.c.stock + products.c.held))
    for name, rule in _counted_checks():
        op.create_check_constraint(op.f(name), "products", rule)
    op.drop_constraint(op.f("ck_products_stock"), "products", type_="check")
    op.drop_column("products", "stock")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite([sa.Column("stock", sa.Integer(), nullable=False)],
                        [("ck_products_stock", "stock >= 0")],
                        {"stock": "old.on_hand - old.held"}, with_held=False)
        return
    op.add_column("products", sa.Column("stock", sa.Integer(), server_default="0",
                                        nullable=False))
    op.execute("UPDATE products SET stock = on_hand - held")
    op.alter_column("products", "stock", server_default=None)
    op.create_check_constraint(op.f("ck_products_stock"), "products", "stock >= 0")
    for name, _rule in _counted_checks():
        op.drop_constraint(op.f(name), "products", type_="check")
    op.drop_column("products", "held")
    op.drop_column("products", "on_hand")


def _counted_columns():
    return [sa.Column("on_hand", sa.Integer(), server_default="0", nullable=False),
            sa.Column("held", sa.Integer(), server_default="0", nullable=False)]


def _counted_checks():
    return [("ck_products_on_hand", "on_hand >= 0"), ("ck_products_held", "held >= 0"),
            ("ck_products_held_on_hand", "held <= on_hand")]


def _rebuild_sqlite(stock_columns, stock_checks, stock_values: dict, *, with_held=True):
    """products again with other stock columns; `stock_values` fills them from the old row
    (`old`, and `held_now` when `with_held`)."""
    op.execute("PRAGMA defer_foreign_keys = ON")  # until commit; the ids come back below
    op.execute("CREATE TABLE _products_before AS SELECT * FROM products")
    op.execute("DROP TABLE products")
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("search_text", sa.String(length=600), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        *stock_columns,
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", app.database.UTCDateTime(), nullable=False),
        sa.Column("category", sa.String(length=60), server_default="", nullable=False),
        sa.Column("promo_price_cents", sa.Integer(), nullable=True),
        sa.Column("promo_starts_at", app.database.UTCDateTime(), nullable=True),
        sa.Column("promo_ends_at", app.database.UTCDateTime(), nullable=True),
        sa.CheckConstraint("price_cents >= 0", name=op.f("ck_products_price")),
        *(sa.CheckConstraint(rule, name=op.f(name)) for name, rule in stock_checks),
        sa.CheckConstraint("promo_price_cents IS NULL OR promo_price_cents >= 0",
                           name=op.f("ck_products_promo_price")),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"],
                                name=op.f("fk_products_shop_id_shops")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    op.create_index(op.f("ix_products_search_text"), "products", ["search_text"])
    op.create_index("ix_products_shop_active", "products", ["shop_id", "active"])
    op.create_index(op.f("ix_products_category"), "products", ["category"])
    joined = "_products_before AS old"
    if with_held:
        held = _held_by_product().compile(dialect=op.get_bind().dialect,
                                          compile_kwargs={"literal_binds": True})
        joined += f" LEFT JOIN ({held}) AS held_now ON held_now.product_id = old.id"
    op.execute(f"INSERT INTO products ({', '.join((*KEPT, *stock_values))}) "
               f"SELECT {', '.join((*(f'old.{c}' for c in KEPT), *stock_values.values()))} "
               f"FROM {joined}")
    op.execute("DROP TABLE _products_before")
    _fulltext_triggers()


def _fulltext_triggers():
    """As catalog_fulltext made them: the index follows search_text."""
    op.execute("CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
               "INSERT INTO products_fts(rowid, search_text) VALUES (new.id, new.search_text); "
               "END")
    op.execute("CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN "
               "INSERT INTO products_fts(products_fts, rowid, search_text) "
               "VALUES ('delete', old.id, old.search_text); END")
    op.execute("CREATE TRIGGER products_fts_update AFTER UPDATE OF search_text ON products "
               "BEGIN INSERT INTO products_fts(products_fts, rowid, search_text) "
               "VALUES ('delete', old.id, old.search_text); "
               "INSERT INTO products_fts(rowid, search_text) VALUES (new.id, new.search_text); "
               "END")
