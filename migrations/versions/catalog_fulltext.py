"""full-text index over products: SQLite FTS5 with triggers, PostgreSQL French GIN

Revision ID: catalog_fulltext
Revises: catalog_promotions
Create Date: 2026-11-22 10:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'catalog_fulltext'
down_revision = 'catalog_promotions'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_products_fulltext ON products "
                   "USING gin (to_tsvector('french', search_text))")
        return
    # External content: the index reads search_text from products; triggers keep it in step.
    op.execute("CREATE VIRTUAL TABLE products_fts USING fts5(search_text, content='products', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
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
    op.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_products_fulltext")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS products_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS products_fts")
