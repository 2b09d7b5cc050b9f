"""The database's own full-text index over products.search_stems: the folded words and their
French stems (Snowball, stemmed here in Python, so SQLite and PostgreSQL find exactly the
same products) of a product's name, English name, description, aisle (and its English name) and its shop's
kind (in French and English). SQLite: FTS5, kept current by triggers; PostgreSQL: a GIN
index on the 'simple' configuration over those words (no second stemming). Created by the
migration search_words; not a model, so Alembic's comparisons leave these names alone.

Typos: `search_words` holds every folded word of the catalogue's names, aisles and kinds;
a word that finds nothing is replaced by its nearest one by trigram similarity (pg_trgm's
`similarity` and its GIN index on PostgreSQL, the same measure as a Python function on
SQLite, whose vocabulary is a town's few thousand words)."""
import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer
import sqlalchemy as sa

FTS_TABLE = "products_fts"
PG_INDEX = "ix_products_fulltext"
PG_VECTOR = "to_tsvector('simple', search_stems)"
TRGM_INDEX = "ix_search_words_trgm"
MAX_WORDS = 8
MAX_STEMS = 1000    # characters of products.search_stems
MAX_WORD = 40       # characters of a vocabulary word
MAX_COMPLETIONS = 30  # words a typed prefix may be spelled out as, on PostgreSQL
SIMILAR = 0.3       # pg_trgm's default threshold: below it, two words are not near
CORRECT = 0.4       # a word that finds nothing is replaced only by a word this near

# Folded, so "Œufs" is "oeufs" and "cœur" "coeur"; NFKD already splits ﬁ and ﬂ.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss",
                           "’": "'", "ʼ": "'"})
# Dropped from a query (when other words remain): they would only match everything.
STOP_WORDS = frozenset("a au aux d de des du en et l la le les of the un une".split())

# What a shop is (app.shops.services.SHOP_KINDS), in the words people search it by.
KIND_WORDS = {
    "boulangerie": "boulangerie patisserie bakery baker bread pastry",
    "boucherie": "boucherie charcuterie viande butcher meat",
    "fromagerie": "fromagerie fromage cremerie cheese cheesemonger dairy",
    "epicerie": "epicerie grocery grocer",
    "primeur": "primeur fruits legumes greengrocer fruit vegetables",
    "poissonnerie": "poissonnerie poisson fishmonger fish seafood",
    "caviste": "caviste cave wine shop",
    "fleuriste": "fleuriste fleurs florist flowers",
    "librairie": "librairie livres bookshop books",
    "autre": "",
}
# Shops' usual aisles (folded) and their English names: searched on English words, and
# shown in English on English pages. An aisle not listed is shown as the shop wrote it.
AISLES_EN = {
    "pains": "Bread", "pain": "Bread", "viennoiseries": "Viennese pastries",
    "patisseries": "Cakes and pastries", "fromages": "Cheese", "cremerie": "Dairy",
    "boucherie": "Butcher's meat", "charcuterie": "Cold meats", "volailles": "Poultry",
    "legumes": "Vegetables", "fruits": "Fruit", "fruits et legumes": "Fruit and vegetables",
    "vins": "Wine", "bieres et cidres": "Beer and cider", "bieres": "Beer",
    "sans alcool": "Soft drinks", "spiritueux": "Spirits", "boissons": "Drinks",
    "epicerie": "Grocery", "epicerie sucree": "Sweet grocery", "epicerie salee": "Savoury grocery",
    "miels": "Honey", "miel": "Honey", "miels et confitures": "Honey and jam",
    "confitures": "Jam", "poissons": "Fish", "fleurs": "Flowers", "livres": "Books",
    "traiteur": "Deli", "chocolats": "Chocolate", "the et cafe": "Tea and coffee",
}


def fold(text: str) -> str:
    """'Côte de Bœuf' -> 'cote de boeuf': case, accents and ligatures do not matter."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def words(folded_query: str) -> list[str]:
    """The query's words, letters and digits only: nothing of a query language survives
    (quotes, stars, NEAR, parentheses, &, |, !, :)."""
    return re.findall(r"[a-z0-9]+", folded_query)[:MAX_WORDS]


def query_words(q: str) -> list[str]:
    """The words of what a shopper typed that search: small words dropped when others
    remain ("pain de seigle" searches "pain" and "seigle")."""
    found = words(fold(q))
    kept = [w for w in found if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]
    return kept or found


_local = threading.local()  # a Snowball stemmer keeps state while it stems: one per thread


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The French Snowball stem (the algorithm of PostgreSQL's 'french' configuration):
    'baguettes' -> 'baguet', 'fromagerie' -> 'fromager', 'vins' -> 'vin'."""
    if not word.isalpha():  # "250", "75cl", "18": kept as typed (and 0.1 ms saved each)
        return word
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer.stemWord(word) or word


def aisle_english(category: str) -> str:
    return AISLES_EN.get(fold(category), "")


def index_terms(*, name: str, name_en: str | None = None, description: str = "",
                category: str = "", kind: str = "") -> tuple[str, set[str]]:
    """products.search_stems, and the words for search_words, in one pass.

    search_stems holds each word and its stem once, the name's first. A query word matches
    its own stem exactly or starts a word: "pâtes" finds "pâte" (stem "pat") and "bag"
    finds "baguette", but "pate" does not find "pâtisseries" (stem "patisser"). Every
    word (folded, not stemmed) goes to search_words: PostgreSQL's query spells out the
    words a typed prefix starts (exact GIN lookups, not a partial match over the index),
    and a typo is corrected to one of them."""
    found = words_of(" ".join((name, name_en or "", category, aisle_english(category),
                               KIND_WORDS.get(kind or "", ""), description or "")))
    terms = dict.fromkeys(t for w in found for t in (w, stem(w)))
    out, size = [], 0
    for term in terms:
        if size + len(term) + 1 > MAX_STEMS:
            break
        out.append(term)
        size += len(term) + 1
    return " ".join(out), {w for w in found if len(w) <= MAX_WORD}


def document(**fields) -> str:
    return index_terms(**fields)[0]


def vocabulary(**fields) -> set[str]:
    return index_terms(**fields)[1]


def matches(query_word: str, word: str) -> bool:
    """The index's rule, for one word of a product: the same stem, or a prefix."""
    return word.startswith(query_word) or (word[:1] == query_word[:1]
                                           and stem(word) == stem(query_word))


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def remember_words(connection, found: set[str]) -> None:
    """Adds new words to search_words; words already there are left as they are (two
    writers adding the same word at once is no conflict)."""
    if not found:
        return
    table = sa.table("search_words", sa.column("word"))
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    connection.execute(insert(table).on_conflict_do_nothing(),
                       [{"word": w} for w in sorted(found)])


def include_name(name, type_, parent_names) -> bool:
    """For Alembic: the index's own objects (FTS5 shadow tables, the GIN indexes) are not
    the models' business."""
    return not (name or "").startswith((FTS_TABLE, PG_INDEX, TRGM_INDEX))


def fts5_query(query: list[str]) -> str:
    """Each word, its stem or as a prefix: '("pain" OR "pain"*) AND ("epeautr" OR
    "epeautre"*)'."""
    return " AND ".join(f'("{stem(w)}" OR "{w}"*)' for w in query)


def tsquery(query: list[str], completions: dict[str, list[str] | None]) -> str:
    """Each word: its stem, or a word of the catalogue that it starts, spelled out; a
    prefix match (`:*`) only when it starts too many ("p")."""
    terms = []
    for w in query:
        starts = completions.get(w)
        alternatives = [stem(w), *(starts if starts is not None else [f"{w}:*"])]
        terms.append("(" + " | ".join(dict.fromkeys(alternatives)) + ")")
    return " & ".join(terms)


def completions(connection, query: list[str]) -> dict[str, list[str] | None]:
    """The catalogue's words each query word starts (None: more than MAX_COMPLETIONS)."""
    out = {}
    for w in query:
        escaped = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found = list(connection.execute(sa.text(
            "SELECT word FROM search_words WHERE word LIKE :p ESCAPE '\\' "
            "ORDER BY length(word), word LIMIT :n"),
            {"p": escaped + "%", "n": MAX_COMPLETIONS + 1}).scalars())
        out[w] = found if len(found) <= MAX_COMPLETIONS else None
    return out


def pg_match(connection, query: list[str]):
    """PostgreSQL's filter for the products whose search_stems hold every query word (its
    stem, or a word of the catalogue it starts). SQLite's is FTS5's MATCH on fts5_query
    (app/catalog/search.py)."""
    tsq = sa.func.to_tsquery(sa.literal_column("'simple'"),
                             tsquery(query, completions(connection, query)))
    vector = sa.literal_column(PG_VECTOR.replace("search_stems", "products.search_stems"))
    return vector.op("@@")(tsq)


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def similarity(a: str | None, b: str | None) -> float:
    """pg_trgm's similarity(a, b) for words of letters and digits: shared trigrams over
    all trigrams of both."""
    if not a or not b:
        return 0.0
    x, y = trigrams(a), trigrams(b)
    return len(x & y) / len(x | y)


def nearby_words(connection, word: str, limit: int = 5) -> list[tuple[str, float]]:
    """The catalogue's words nearest to `word`, best first, similarity at least SIMILAR."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(sa.text(
            "SELECT word, similarity(word, :w) AS s FROM search_words WHERE word % :w "
            "AND length(word) >= 3 ORDER BY s DESC, word LIMIT :n"), {"w": word, "n": limit})
    else:
        connection.connection.driver_connection.create_function(
            "similarity", 2, similarity, deterministic=True)
        rows = connection.execute(sa.text(
            "SELECT word, similarity(word, :w) AS s FROM search_words "
            "WHERE length(word) BETWEEN :short AND :long AND length(word) >= 3 "
            "AND similarity(word, :w) >= :least "
            "ORDER BY s DESC, word LIMIT :n"),
            {"w": word, "n": limit, "least": SIMILAR, "short": max(1, len(word) // 2),
             "long": len(word) * 2 + 2})
    return [(w, float(s)) for w, s in rows]


def known_prefix(connection, word: str) -> bool:
    """True when a word of the catalogue starts with `word` (then it is no typo)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return connection.execute(sa.text(
        "SELECT 1 FROM search_words WHERE word LIKE :p ESCAPE '\\' LIMIT 1"),
        {"p": escaped + "%"}).first() is not None
