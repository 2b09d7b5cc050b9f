"""The database's own full-text index over products.search_text (a lower-case, accent-free
copy of name and description that every writer keeps): SQLite FTS5, kept current by
triggers, or on PostgreSQL a GIN index on the French text search configuration (its
stemmer: "baguettes" finds "baguette"). Created by the migration catalog_fulltext; not a
model, so Alembic's comparisons leave these names alone."""
import re

import sqlalchemy as sa

FTS_TABLE = "products_fts"
PG_INDEX = "ix_products_fulltext"
PG_VECTOR = "to_tsvector('french', search_text)"
MAX_WORDS = 8


def include_name(name, type_, parent_names) -> bool:
    """For Alembic: the index's own objects (FTS5 shadow tables, the GIN index) are not
    the models' business."""
    return not (name or "").startswith((FTS_TABLE, PG_INDEX))


def words(folded_query: str) -> list[str]:
    """The query's words, letters and digits only: nothing of a query language survives
    (quotes, stars, NEAR, parentheses, &, |, !, :)."""
    return re.findall(r"[a-z0-9]+", folded_query)[:MAX_WORDS]


def _singular(word: str) -> str:
    """A light French stem for SQLite (FTS5 has none): 'baguettes' -> 'baguette', then a
    prefix match finds both; PostgreSQL stems with its French dictionary."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def fts5_query(query_words: list[str]) -> str:
    """Every word, as a prefix ("bag" finds "baguette"): 'pain epeautre' -> '"pain"* AND
    "epeautre"*'."""
    return " AND ".join(f'"{_singular(w)}"*' for w in query_words)


def tsquery(query_words: list[str]) -> str:
    return " & ".join(f"{w}:*" for w in query_words)


def match_clause(dialect: str, query_words: list[str], products):
    """(filter, rank) for products matching every word: rank lower is better."""
    if dialect == "postgresql":
        query = sa.func.to_tsquery(sa.literal_column("'french'"), tsquery(query_words))
        vector = sa.literal_column(PG_VECTOR.replace("search_text", "products.search_text"))
        return vector.op("@@")(query), -sa.func.ts_rank(vector, query)
    fts = sa.table(FTS_TABLE, sa.column("rowid"), sa.column("rank"))
    matching = (sa.select(fts.c.rowid, fts.c.rank)
                .where(sa.text(f"{FTS_TABLE} MATCH :fts_query")
                       .bindparams(fts_query=fts5_query(query_words)))
                .subquery("fts_match"))
    return matching, matching.c.rank
