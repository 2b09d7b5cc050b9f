"""search words: French stems of products on both databases, English names, typo vocabulary

products.search_stems (the full-text index's column, now the French Snowball stems of name,
English name, description, aisle and shop kind, computed in Python) and products.name_en;
search_words, the catalogue's words, for typos (pg_trgm's GIN index on PostgreSQL). The
FTS5 table (SQLite) and the GIN index (PostgreSQL) move from search_text to search_stems;
search_text is recomputed too (ligatures are now folded: "bœuf" is "boeuf").

Revision ID: search_words
Revises: seo_pages
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = 'search_words'
down_revision = 'seo_pages'
branch_labels = None
depends_on = None

FTS_TRIGGERS = ("insert", "delete", "update")


def _fts(column: str) -> None:
    """SQLite's FTS5 table over one column of products, as catalog_fulltext made it."""
    op.execute(f"CREATE VIRTUAL TABLE products_fts USING fts5({column}, content='products', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    op.execute("CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
               f"INSERT INTO products_fts(rowid, {column}) VALUES (new.id, new.{column}); END")
    op.execute("CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN "
               f"INSERT INTO products_fts(products_fts, rowid, {column}) "
               f"VALUES ('delete', old.id, old.{column}); END")
    op.execute(f"CREATE TRIGGER products_fts_update AFTER UPDATE OF {column} ON products "
               f"BEGIN INSERT INTO products_fts(products_fts, rowid, {column}) "
               f"VALUES ('delete', old.id, old.{column}); "
               f"INSERT INTO products_fts(rowid, {column}) VALUES (new.id, new.{column}); END")
    op.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")


def _drop_fts() -> None:
    for trigger in FTS_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS products_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS products_fts")


def _backfill(bind) -> None:
    from app.catalog.fulltext import fold
    from app.catalog.models import reindex_products
    products = sa.table("products", sa.column("id"), sa.column("shop_id"), sa.column("name"),
                        sa.column("name_en"), sa.column("category"),
                        sa.column("description"), sa.column("search_text"),
                        sa.column("search_stems"))
    rows = [{"pid": pid, "text": fold(f"{name} {description or ''}")[:600]}
            for pid, name, description in bind.execute(
                sa.select(products.c.id, products.c.name, products.c.description))]
    if rows:
        bind.execute(products.update().where(products.c.id == sa.bindparam("pid"))
                     .values(search_text=sa.bindparam("text")), rows)
    reindex_products(bind, products)


def upgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    op.add_column("products", sa.Column("search_stems", sa.String(length=1000),
                                        server_default="", nullable=False))
    op.add_column("products", sa.Column("name_en", sa.String(length=200), nullable=True))
    op.create_table("search_words",
                    sa.Column("word", sa.String(length=40), nullable=False),
                    sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")))
    if postgresql:
        op.execute("DROP INDEX IF EXISTS ix_products_fulltext")
    else:
        _drop_fts()
    _backfill(bind)
    if postgresql:
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_search_words_trgm ON search_words "
                   "USING gin (word gin_trgm_ops)")
        op.execute("CREATE INDEX ix_products_fulltext ON products "
                   "USING gin (to_tsvector('simple', search_stems))")
    else:
        _fts("search_stems")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_products_fulltext")
        op.execute("DROP INDEX IF EXISTS ix_search_words_trgm")
    else:
        _drop_fts()
    op.drop_table("search_words")
    # ALTER TABLE … DROP COLUMN on SQLite too (3.35+): a batch copy of products would
    # rename its constraints under the older migrations' feet.
    op.drop_column("products", "name_en")
    op.drop_column("products", "search_stems")
    if bind.dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_products_fulltext ON products "
                   "USING gin (to_tsvector('french', search_text))")
    else:
        _fts("search_text")
