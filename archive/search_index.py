"""The ``articles_search`` FTS5 index: its table, triggers, backfill and rules check.

The text rules live in :mod:`archive.vn_search`; this module is only their SQLite plumbing.

Index rowids are ``articles.search_key``, not ``articles.id``: a generated column ordering
articles by publication day (``published_at``, else ``first_seen_at``), then id. FTS5 returns
matches in rowid order without reading them all, so "newest matches first" is a stream that
stops after one page (0.1 ms for a word in every article of 20 000, against 30 ms to sort
them; the gap grows with the archive). Datasette's table search uses it through
``fts_pk: search_key`` in metadata.json.

The index is *contentless* (``content=''``): it keeps the tokens, not another copy of every
article's text (with its derived copies a regular FTS5 table was 2.6x larger; docs/search.md
has the numbers). The price is that FTS5 can only remove a row when it is given the exact
values that were indexed, so:

- the triggers compute old and new values with the same deterministic SQL functions
  (:func:`archive.vn_search.register`), from ``old.*`` and ``new.*``;
- a change of the rules (code or ``abbreviations.tsv``) would make those recomputed values
  differ, so :data:`META_TABLE` records :func:`archive.vn_search.rules_hash` and
  :func:`ensure_current` rebuilds the whole index when it differs, before anything writes.

A connection without the functions (a plain ``sqlite3`` shell) can read everything, and
searching works with hand-written MATCH queries, but writing ``articles`` fails with
``no such function: vn_search_fold`` instead of corrupting the index.

Articles flagged ``extraction_failed`` (migration 0005) are not indexed: they have no text
to find, and a search result must be something a reader can read. The triggers then index
and unindex on the flag's transitions (a failed row read successfully later is added).

Articles hidden from the public site (``articles.hidden_at``, migration 0009) are out of the
index as well since migration 0011, by the same triggers: every search surface leaves them
out, and the search page's counts come straight from the index.

``search_key`` is a VIRTUAL generated column: a migration that rebuilds ``articles`` must
keep it (sqlite-utils ``transform`` would drop it, and the triggers would then fail loudly).
"""

from __future__ import annotations

import sqlite3

from archive import vn_search

TABLE = "articles_search"
META_TABLE = "_articles_search_meta"
COLUMNS = ("title", "body", "title_folded", "body_folded", "variants")
TOKENIZE = "unicode61 remove_diacritics 0"
# bm25 weights, in COLUMNS order: a match in the title counts most, in the derived copies
# of the text least (they repeat what the exact columns say in another spelling).
BM25_WEIGHTS = (8.0, 1.0, 8.0, 1.0, 0.5)
KEY_COLUMN = "search_key"
# The day of publication as the page writes it (Julian day number of the first 10
# characters of published_at; first_seen_at when that is no date) x 10^8 + id: unique while
# ids stay below 10^8. A day, not a second: FTS5 stores rowid deltas as varints, and keys
# seconds apart made the index 38 % larger (measured on 20 000 articles; days: +2 %).
_DAY = (
    "coalesce(CAST(julianday(substr(published_at, 1, 10)) AS INTEGER),"
    " CAST(julianday(substr(first_seen_at, 1, 10)) AS INTEGER), 0)"
)
KEY_EXPRESSION = f"{_DAY} * 100000000 + id"
_CONTENT_COLUMNS = ("title", "summary", "body_text")
_KEY_COLUMNS = ("published_at", "first_seen_at")
_TRIGGERS = ("articles_search_ai", "articles_search_ad", "articles_search_au")


def _values(row: str) -> str:
    """SQL for the indexed values of an ``articles`` row (``row`` is new/old/a table alias)."""
    title, summary, body = (f"{row}.{c}" for c in _CONTENT_COLUMNS)
    text = f"vn_search_text({summary}, {body})"
    return ", ".join(
        (
            title,
            text,
            f"vn_search_fold({title})",
            f"vn_search_fold({text})",
            f"vn_search_variants({title}, {summary}, {body})",
        )
    )


_INSERT_NEW = (
    f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES (new.{KEY_COLUMN}, {_values('new')})"
)
_DELETE_OLD = (
    f"INSERT INTO {TABLE} ({TABLE}, rowid, {', '.join(COLUMNS)}) "
    f"VALUES ('delete', old.{KEY_COLUMN}, {_values('old')})"
)


# Migration 0005 and later: only rows without extraction_failed are in the index. Each
# statement is an INSERT ... SELECT with a WHERE, since a trigger body has no IF.
_READABLE = "{row}.extraction_failed IS NULL"
_INSERT_NEW_READABLE = (
    f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
    f"SELECT new.{KEY_COLUMN}, {_values('new')} WHERE {_READABLE.format(row='new')}"
)
_DELETE_OLD_READABLE = (
    f"INSERT INTO {TABLE} ({TABLE}, rowid, {', '.join(COLUMNS)}) "
    f"SELECT 'delete', old.{KEY_COLUMN}, {_values('old')} WHERE {_READABLE.format(row='old')}"
)


def skip_failed_articles(conn: sqlite3.Connection) -> None:
    """Recreate the triggers so rows flagged ``extraction_failed`` stay out of the index.

    Existing rows all have the flag NULL when migration 0005 adds it, so the index itself
    is already right; only future writes change.
    """
    for trigger in _TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute(
        f"CREATE TRIGGER articles_search_ai AFTER INSERT ON articles "
        f"BEGIN {_INSERT_NEW_READABLE}; END"
    )
    conn.execute(
        f"CREATE TRIGGER articles_search_ad AFTER DELETE ON articles "
        f"BEGIN {_DELETE_OLD_READABLE}; END"
    )
    watched = ", ".join((*_CONTENT_COLUMNS, *_KEY_COLUMNS, "extraction_failed"))
    conn.execute(
        f"CREATE TRIGGER articles_search_au AFTER UPDATE OF {watched} ON articles "
        f"BEGIN {_DELETE_OLD_READABLE}; {_INSERT_NEW_READABLE}; END"
    )


# Migration 0011 and later: hidden articles (``portal-archive hide``, migration 0009) are
# out of the index too, so every count the search page reads from it is already without
# them (no per-search subtraction); ``unhide`` puts the article back through the same trigger.
_SHOWN = "{row}.extraction_failed IS NULL AND {row}.hidden_at IS NULL"


def _triggers(readable: str, watched_extra: tuple[str, ...]) -> list[str]:
    """The three index triggers for rows where ``readable`` (a template over ``{row}``)."""
    insert_new = (
        f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
        f"SELECT new.{KEY_COLUMN}, {_values('new')} WHERE {readable.format(row='new')}"
    )
    delete_old = (
        f"INSERT INTO {TABLE} ({TABLE}, rowid, {', '.join(COLUMNS)}) "
        f"SELECT 'delete', old.{KEY_COLUMN}, {_values('old')} WHERE {readable.format(row='old')}"
    )
    watched = ", ".join((*_CONTENT_COLUMNS, *_KEY_COLUMNS, *watched_extra))
    return [
        f"CREATE TRIGGER articles_search_ai AFTER INSERT ON articles BEGIN {insert_new}; END",
        f"CREATE TRIGGER articles_search_ad AFTER DELETE ON articles BEGIN {delete_old}; END",
        f"CREATE TRIGGER articles_search_au AFTER UPDATE OF {watched} ON articles "
        f"BEGIN {delete_old}; {insert_new}; END",
    ]


def skip_hidden_articles(conn: sqlite3.Connection) -> None:
    """Recreate the triggers so hidden articles stay out of the index, and take out those
    hidden now (their indexed values recomputed from the row, as a delete needs)."""
    for trigger in _TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute(
        f"INSERT INTO {TABLE} ({TABLE}, rowid, {', '.join(COLUMNS)}) "
        f"SELECT 'delete', a.{KEY_COLUMN}, {_values('a')} FROM articles AS a "
        "WHERE a.extraction_failed IS NULL AND a.hidden_at IS NOT NULL"
    )
    for sql in _triggers(_SHOWN, ("extraction_failed", "hidden_at")):
        conn.execute(sql)


def _has_failure_flag(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "extraction_failed" for row in conn.execute("PRAGMA table_info(articles)"))


def _has_hidden_flag(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "hidden_at" for row in conn.execute("PRAGMA table_info(articles)"))


def create(conn: sqlite3.Connection) -> None:
    """Add ``articles.search_key``; create the index, its triggers and meta table; index
    every existing article."""
    conn.execute(
        f"ALTER TABLE articles ADD COLUMN {KEY_COLUMN} INTEGER "
        f"GENERATED ALWAYS AS ({KEY_EXPRESSION}) VIRTUAL"
    )
    conn.execute(f"CREATE INDEX idx_articles_{KEY_COLUMN} ON articles ({KEY_COLUMN})")
    conn.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(COLUMNS)}, "
        f"content='', tokenize='{TOKENIZE}')"
    )
    conn.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute(
        f"CREATE TRIGGER articles_search_ai AFTER INSERT ON articles BEGIN {_INSERT_NEW}; END"
    )
    conn.execute(
        f"CREATE TRIGGER articles_search_ad AFTER DELETE ON articles BEGIN {_DELETE_OLD}; END"
    )
    # Only when indexed text or the key changes: a re-crawl that moves last_seen_at is free.
    watched = ", ".join((*_CONTENT_COLUMNS, *_KEY_COLUMNS))
    conn.execute(
        f"CREATE TRIGGER articles_search_au AFTER UPDATE OF {watched} ON articles "
        f"BEGIN {_DELETE_OLD}; {_INSERT_NEW}; END"
    )
    rebuild(conn)


def rebuild(conn: sqlite3.Connection) -> int:
    """Re-index every readable article with the current rules; returns the number of
    articles in the table."""
    conn.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")
    readable = "WHERE a.extraction_failed IS NULL " if _has_failure_flag(conn) else ""
    if readable and _has_hidden_flag(conn):
        readable += "AND a.hidden_at IS NULL "
    conn.execute(
        f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
        f"SELECT a.{KEY_COLUMN}, {_values('a')} FROM articles AS a {readable}"
        f"ORDER BY a.{KEY_COLUMN}"
    )
    conn.execute(
        f"INSERT OR REPLACE INTO {META_TABLE} (key, value) VALUES ('rules_hash', ?)",
        [vn_search.rules_hash()],
    )
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def stored_rules_hash(conn: sqlite3.Connection) -> str | None:
    row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'rules_hash'").fetchone()
    return row[0] if row else None


def ensure_current(conn: sqlite3.Connection) -> bool:
    """Rebuild the index if it was built with other rules; True if it was rebuilt.

    Runs in one transaction (a concurrent writer waits on the busy timeout).
    """
    if stored_rules_hash(conn) == vn_search.rules_hash():
        return False
    with conn:
        rebuild(conn)
    return True


def drop_legacy_fts(conn: sqlite3.Connection) -> None:
    """Remove migration 0001's ``articles_fts`` (sqlite-utils ``enable_fts``) and its triggers."""
    for trigger in ("articles_ai", "articles_ad", "articles_au"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP TABLE IF EXISTS articles_fts")
