"""Every article's facet values in memory, so the search page counts its matches in Python.

Why (issue 13, measured on the 200 000-article bench archive, docs/site.md): the results page
shows the exact count and the facets (portal, section, year and month, has files, changed,
removed) of *all* matches, without hidden ones. Reading those values from ``articles`` costs
10-40 µs a match (a row and its text pages; seconds for a common word), while the FTS5 index
hands over a match's rowid for well under a microsecond. So the site keeps, per article id,
the number of its *profile* (its combination of facet values: a few thousand distinct ones
on a real archive) and one index pass -- ``group_concat`` of the matches' ids, parsed in C --
gives the count, every facet, the year and month counts and the page's ids at once
(:func:`tally`).

Invalidation: a served archive is written by the crawler while the site reads it. Each
cached table records ``PRAGMA data_version`` of a connection of its own to the file, read
*before* the table is loaded; SQLite changes that number whenever another connection commits.
Every search reads it again (~10 µs) and reloads the table when it moved (0.3-0.6 s at
200 000 articles, once after each crawl batch); a match whose id the table does not know
(committed between the check and the search) also forces a reload. An immutable database
(``serve --public`` serves snapshots with ``-i``) never changes: it is loaded once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from archive.schema import HAS_FILES

SEARCH_TABLE = "articles_search"
KEY_DAY = 100_000_000  # articles.search_key = Julian day number * KEY_DAY + id
_JULIAN_OFFSET = 1_721_424  # date.toordinal() + this = the Julian day number in the key


class Stale(Exception):
    """A match the cached table does not know: the archive changed under it."""


@dataclass(frozen=True)
class Profile:
    """One combination of facet values, shared by many articles. ``month``: ``"2022-06"``,
    the publication month the search key encodes (the date facets' own)."""

    portal: str | None
    section: str | None
    month: str
    files: bool
    changed: bool
    removed: bool
    hidden: bool


@dataclass
class Attributes:
    """The profile number of each article id (``None``: no such article in the search index,
    e.g. deleted, or flagged ``extraction_failed``) and each id's search key."""

    profiles: list[Profile]
    by_id: list[int | None]
    keys: array
    hidden_ids: frozenset[int] = frozenset()  # still indexed: before migration 0011 only
    _accepted: dict[tuple, list[bool]] = field(default_factory=dict, repr=False)

    def key(self, article_id: int) -> int:
        return self.keys[article_id]

    def accepted(self, filters: tuple, accepts: Callable[[Profile], bool]) -> list[bool]:
        """``accepts`` of each profile, kept per ``filters`` (a search's filter values)."""
        found = self._accepted.get(filters)
        if found is None:
            if len(self._accepted) > 256:
                self._accepted.clear()
            found = self._accepted[filters] = [accepts(p) for p in self.profiles]
        return found


def _ids(conn: sqlite3.Connection, sql: str) -> set[int]:
    return set(parse_ids(conn.execute(f"SELECT group_concat(id) FROM ({sql})").fetchone()[0]))


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return conn.execute(sql, [name]).fetchone() is not None


def load(conn: sqlite3.Connection) -> Attributes:
    """Read every indexed article's facet values from indexes only (never the article text:
    see migration 0010): the keys from the search index's own ``_docsize`` table (one row
    per indexed article, so failed extractions are absent), portal and section from
    ``idx_articles_portal_section``, the rest from small partial indexes. Lists of ids
    come joined by ``group_concat`` (a row each would cost ~10x more in Python)."""
    keys_text = conn.execute(f"SELECT group_concat(id) FROM {SEARCH_TABLE}_docsize").fetchone()[0]
    all_keys = parse_ids(keys_text)
    top = max((key % KEY_DAY for key in all_keys), default=0)
    origin: list[tuple[str, str | None] | None] = [None] * (top + 1)
    for portal, section, ids in conn.execute(
        "SELECT portal, section, group_concat(id) FROM articles GROUP BY portal, section"
    ):
        place = (portal, section)
        for article_id in parse_ids(ids):
            if article_id <= top:
                origin[article_id] = place
    files = _ids(conn, f"SELECT id FROM articles WHERE {HAS_FILES}")
    removed = _ids(conn, "SELECT id FROM articles WHERE removed_at IS NOT NULL")
    edited = _ids(conn, "SELECT article_id AS id FROM article_versions WHERE change_kind = 'edit'")
    hidden: set[int] = set()
    if _has_table(conn, "hidden_articles"):
        open_rows = "SELECT article_id AS id FROM hidden_articles WHERE restored_at IS NULL"
        hidden = _ids(conn, open_rows)
    by_id: list[int | None] = [None] * (top + 1)
    keys = array("q", bytes(8 * (top + 1)))
    numbers: dict[tuple, int] = {}
    profiles: list[Profile] = []
    months: dict[int, str] = {}
    for key in all_keys:
        article_id, day = key % KEY_DAY, key // KEY_DAY
        month = months.get(day)
        if month is None:
            month = months[day] = _month(day)
        place = origin[article_id]
        if place is None:  # indexed, yet no article row: the archive changed meanwhile
            continue
        values = (*place, month, article_id in files, article_id in edited,
                  article_id in removed, article_id in hidden)  # fmt: skip
        number = numbers.get(values)
        if number is None:
            number = numbers[values] = len(profiles)
            profiles.append(Profile(*values))
        by_id[article_id] = number
        keys[article_id] = key
    shown_hidden = frozenset(i for i in hidden if i <= top and by_id[i] is not None)
    return Attributes(profiles, by_id, keys, shown_hidden)


def _month(day: int) -> str:
    try:
        return date.fromordinal(day - _JULIAN_OFFSET).strftime("%Y-%m")
    except (ValueError, OverflowError):  # key 0: neither date could be read
        return "0000-00"


def parse_ids(text: str | None) -> list[int]:
    """The ids ``group_concat`` joined with commas (``None``: no match); the JSON parser
    reads them twice as fast as ``int()`` on each piece."""
    return json.loads(f"[{text}]") if text else []


def tally(attributes: Attributes, ids: Iterable[int]) -> Counter[int]:
    """Matches per profile number; :class:`Stale` when an id is unknown to the table."""
    by_id = attributes.by_id
    try:
        counts = Counter(map(by_id.__getitem__, ids))
    except IndexError:
        raise Stale from None
    if None in counts:
        raise Stale
    return counts


class AttributeCache:
    """One :class:`Attributes` per database file, reloaded when the file changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int | None, Attributes]] = {}
        self._watchers: dict[str, sqlite3.Connection] = {}

    def get(
        self, conn: sqlite3.Connection, path: str, mutable: bool, reload: bool = False
    ) -> Attributes:
        """The table for ``path``, read through ``conn`` when it is missing or outdated;
        ``reload`` forces a new read (after :class:`Stale`)."""
        with self._lock:
            version = self._version(path) if mutable else None
            entry = self._entries.get(path)
            if entry is not None and not reload and entry[0] == version:
                return entry[1]
            attributes = load(conn)
            self._entries[path] = (version, attributes)
            return attributes

    def _version(self, path: str) -> int:
        watcher = self._watchers.get(path)
        if watcher is None:
            watcher = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self._watchers[path] = watcher
        return int(watcher.execute("PRAGMA data_version").fetchone()[0])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            for watcher in self._watchers.values():
                watcher.close()
            self._watchers.clear()
