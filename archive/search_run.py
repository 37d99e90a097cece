"""One search of the results page (``/-/search``): count, facets and page from the index alone.

For a query of words without a filter, the ids of the :data:`FACET_SAMPLE` newest matches
come first, in one ``group_concat``; fewer than that are every match, and nothing is
counted. Otherwise FTS5 counts the matches per year (or month of the chosen year) over the
search key's date range: the exact total and date counts, with no row produced (hidden
articles and failed extractions are not in the index, migration 0011). Up to
:data:`~archive.search_page.FACET_CAP` (100 000) matches, the older matches' ids are listed
too and their facet values come from the in-memory table of :mod:`archive.search_cache`:
every facet exact, and the date order's page is the list's own slice. Past the cap, the
facets count the :data:`FACET_SAMPLE` newest matches only, and the page says so.

With a filter (portal, section, files, changed, removed) or a phrase of several words (a
quoted phrase, "KT-XH"), the ids of every match are listed in one pass instead: a filter is
applied per profile in Python, and FTS5 checks a phrase's positions whether it counts or
lists, so one listing pass is cheaper than a count and a listing; count and facets are then
exact however many matches there are. No article row is read but the page's 50.

Relevance (BM25) ranks the newest :data:`~archive.search_page.RELEVANCE_CANDIDATES` results,
scored in one rowid range of the index; pages past them continue in date order. With a
second connection (``side``, the plugin's), the ranking runs beside the other pass: the
count, or the older half of a listing (docs/search.md, "The results page's time").
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from archive import search_page, vn_search
from archive.search_cache import KEY_DAY, Attributes, Profile, Stale, parse_ids, tally
from archive.search_page import BM25, PAGE_SIZE, Facets, SearchParams

NO_MONTH = "0000-00"
_WORDS = re.compile(r"[\W_]+")  # what separates the words of a phrase (FTS5's unicode61)
#: Past FACET_CAP matches, the facets count this many of the newest (labelled as such).
FACET_SAMPLE = 10_000


@dataclass
class Result:
    """What :func:`run` found: the exact total, the facets and the page's rows (dicts)."""

    total: int
    facets: Facets
    rows: list[dict[str, Any]] = field(default_factory=list)


def accepts(params: SearchParams, profile: Profile) -> bool:
    """True when an article of this profile is a result: not hidden, and every filter of
    ``params`` but the date ones (those are the index's rowid range) holds."""
    return not profile.hidden and all(
        wanted is None or wanted == value
        for wanted, value in (
            (params.portal, profile.portal),
            (params.section, profile.section),
            (params.attachments, profile.files),
            (params.changed, profile.changed),
            (params.removed, profile.removed),
        )
    )


def _filter_key(params: SearchParams) -> tuple:
    return (params.portal, params.section, params.attachments, params.changed, params.removed)


def _ids_sql(bounds: tuple[int, int] | None, limit: int | None) -> str:
    """The matches' ids joined by commas: the newest ``limit``, newest first, or all of them
    oldest first (FTS5 reads its index forwards ~20 % faster)."""
    where = ["articles_search MATCH :match"]
    if bounds:
        where.append("rowid BETWEEN :key_low AND :key_high")
    order = "ORDER BY rowid DESC" if limit is not None else "ORDER BY rowid"
    return (
        f"SELECT group_concat(i) FROM (SELECT rowid % {KEY_DAY} AS i FROM articles_search"
        f" WHERE {' AND '.join(where)} {order}"
        + (f" LIMIT {int(limit)}" if limit is not None else "")
        + ")"
    )


#: Runs a function on another connection to the same archive (the plugin's worker threads)
#: and hands back its future: the search runs two index passes at once with it.
Side = Callable[[Callable[[sqlite3.Connection], Any]], "Future[Any]"]


def run(
    conn: sqlite3.Connection,
    attributes: Attributes,
    params: SearchParams,
    cap: int | None = None,
    sample: int | None = None,
    side: Side | None = None,
) -> Result:
    """Count, facets and the page of ``params``; :class:`~archive.search_cache.Stale` when
    the index holds an article the table does not know (reload it and run again). ``cap``
    and ``sample``: :data:`archive.search_page.FACET_CAP` and :data:`FACET_SAMPLE` unless
    given. ``side``: runs a pass on a second connection meanwhile (the count beside the
    ranking, or the older half of a listing beside the newer one and its ranking), for a
    page ranked by relevance; the same result without."""
    cap = search_page.FACET_CAP if cap is None else cap
    sample = FACET_SAMPLE if sample is None else sample
    if params.sort != "relevance" or not search_page.relevance_covers(params.page):
        # Only a ranking gives the two connections enough to do at once: a date page is a
        # slice of the list, and the thread handoffs cost more than they save on a busy
        # machine (measured: docs/search.md).
        side = None
    bounds = search_page.key_range(params)
    values, positional = _values(params)
    profiles = attributes.profiles
    ok = attributes.accepted(_filter_key(params), lambda p: accepts(params, p))
    # Words only, no filter: FTS5 counts the matches per period much faster than it lists
    # them. Otherwise every match is listed: a filter is applied per match; a phrase makes
    # counting cost as much as listing, since positions are checked either way.
    if _counted_by_fts(params, attributes, positional):
        return _run_counted(conn, attributes, params, values, bounds, min(sample, cap), cap, side)
    keys = None
    split_span = None
    if side is not None and (halves := _halves(conn, bounds)) is not None:
        # The older half read and tallied on the other connection; the page from the
        # newer one when it holds it (ranked while the older half is read).
        def older_half(c: sqlite3.Connection) -> tuple[list[int], Counter[int]]:
            older_ids = _ids(c, halves[0], _bounded(values, halves[0]), None)
            return older_ids, tally(attributes, older_ids)

        older = side(older_half)
        ids = _ids(conn, halves[1], _bounded(values, halves[1]), None)
        counts = tally(attributes, ids)  # every id known before ok[by_id[i]]
        by_id = attributes.by_id
        keys = _early_page(conn, attributes, params, values, [i for i in ids if ok[by_id[i]]])
        older_ids, older_counts = older.result()
        ids += older_ids
        counts.update(older_counts)
        # Ranked after both halves: candidates spread over a quarter of the range or more
        # are scored in two halves at once.
        split_span = halves[2] // 4
    else:
        ids = _ids(conn, bounds, values, None)
        counts = tally(attributes, ids)
    facets = _facets(profiles, ok, counts, False)
    if keys is None:
        by_id = attributes.by_id
        accepted = (i for i in ids if ok[by_id[i]])
        keys = _page_ids(
            conn, attributes, params, values, accepted, facets.counted, False, side, split_span
        )
    return Result(facets.counted, facets, _rows(conn, attributes, keys))


def _run_counted(
    conn: sqlite3.Connection,
    attributes: Attributes,
    params: SearchParams,
    values: dict[str, Any],
    bounds: tuple[int, int] | None,
    head_size: int,
    cap: int,
    side: Side | None,
) -> Result:
    """:func:`run` for words without a filter. The newest ``head_size`` matches first: when
    there are fewer, they are every match and nothing is counted. Otherwise FTS5 counts per
    period (on ``side`` when given) while the page is made from them when they hold it: the
    same page whatever the count (no filter: every match is a result, newest first); past
    ``cap`` the facets count these newest ones, under it the older matches are listed too."""
    profiles = attributes.profiles
    ok = attributes.accepted(_filter_key(params), lambda p: accepts(params, p))
    head, oldest = _head(conn, bounds, values, head_size)
    by_id = attributes.by_id
    if len(head) < head_size:  # every match
        facets = _facets(profiles, ok, tally(attributes, head), False)
        accepted = (i for i in head if ok[by_id[i]])
        keys = _page_ids(conn, attributes, params, values, accepted, facets.counted, False)
        return Result(facets.counted, facets, _rows(conn, attributes, keys))
    if side is not None:
        counting = side(lambda c: search_page.period_counts(c, params)).result
    else:
        counting = lambda: search_page.period_counts(conn, params)  # noqa: E731
    counts = tally(attributes, head)  # every id known before its key is read
    keys = _early_page(conn, attributes, params, values, head)
    rows = None if keys is None else _rows(conn, attributes, keys)
    total, periods = counting()
    if total > cap:
        facets = _with_periods(_facets(profiles, ok, counts, True), periods)
        if rows is None:
            keys = _page_ids(conn, attributes, params, values, iter(head), total, True)
            rows = _rows(conn, attributes, keys)
        return Result(total, facets, rows)
    older = (bounds[0] if bounds else 0, oldest - 1)
    rest = _ids(conn, older, _bounded(values, older), None)
    counts.update(tally(attributes, rest))
    ids = head + rest
    facets = _facets(profiles, ok, counts, False)
    if rows is None:
        accepted = (i for i in ids if ok[by_id[i]])
        keys = _page_ids(conn, attributes, params, values, accepted, facets.counted, False)
        rows = _rows(conn, attributes, keys)
    return Result(facets.counted, facets, rows)


def _early_page(
    conn: sqlite3.Connection,
    attributes: Attributes,
    params: SearchParams,
    values: dict[str, Any],
    newest: list[int],
) -> list[tuple[int, float]] | None:
    """The page's (id, score) pairs from ``newest``, the newest results (a prefix of all of
    them, newest first), when they decide it whatever follows: all the relevance
    candidates, or a full page in date order; None otherwise."""
    offset = (params.page - 1) * PAGE_SIZE
    if params.sort == "relevance" and search_page.relevance_covers(params.page):
        candidates = newest[: search_page.RELEVANCE_CANDIDATES]
        if len(candidates) < search_page.RELEVANCE_CANDIDATES:
            return None
        return _ranked(conn, attributes, values, candidates)[offset : offset + PAGE_SIZE]
    page = newest[offset : offset + PAGE_SIZE]
    return [(i, 0.0) for i in page] if len(page) == PAGE_SIZE else None


def _bounded(values: dict[str, Any], bounds: tuple[int, int]) -> dict[str, Any]:
    return {**values, "key_low": bounds[0], "key_high": bounds[1]}


def _halves(
    conn: sqlite3.Connection, bounds: tuple[int, int] | None
) -> tuple[tuple[int, int], tuple[int, int], int] | None:
    """The search's key range cut at the middle of the archive's keys in it: (older, newer,
    how many keys the archive's articles span in it); None when it holds no article."""
    first, last = conn.execute(search_page.KEY_SPAN).fetchone()
    if first is None or last is None:
        return None
    low, high = bounds or (0, 1 << 62)
    start, end = max(low, first), min(high, last)
    if start >= end:
        return None
    middle = (start + end) // 2
    return (low, middle), (middle + 1, high), end - start


def _head(
    conn: sqlite3.Connection,
    bounds: tuple[int, int] | None,
    values: dict[str, Any],
    limit: int,
) -> tuple[list[int], int]:
    """The newest ``limit`` matches' ids, newest first, and the search key of the last."""
    where = ["articles_search MATCH :match"]
    if bounds:
        where.append("rowid BETWEEN :key_low AND :key_high")
    sql = (
        f"SELECT group_concat(i), min(k) FROM (SELECT rowid AS k, rowid % {KEY_DAY} AS i"
        f" FROM articles_search WHERE {' AND '.join(where)} ORDER BY rowid DESC"
        f" LIMIT {int(limit)})"
    )
    text, oldest = conn.execute(sql, values).fetchone()
    return parse_ids(text), oldest or 0


def count(conn: sqlite3.Connection, attributes: Attributes, params: SearchParams) -> int:
    """The exact number of results of ``params`` (the counts of the alternatives a search
    without results offers), by the same rules as :func:`run` without facets or rows."""
    values, positional = _values(params)
    if _counted_by_fts(params, attributes, positional):
        query = search_page.count_query(params)
        return int(conn.execute(query.sql, query.params).fetchone()[0])
    ok = attributes.accepted(_filter_key(params), lambda p: accepts(params, p))
    ids = _ids(conn, search_page.key_range(params), values, None)
    return sum(n for number, n in tally(attributes, ids).items() if ok[number])


def _values(params: SearchParams) -> tuple[dict[str, Any], bool]:
    """The search's SQL parameters (the query, its words, the rowid range) and whether it
    holds a phrase of several words (FTS5 checks word positions for it)."""
    phrases = vn_search.query_phrases(params.q)
    words = [word for phrase in phrases for word in _WORDS.split(phrase) if word]
    values: dict[str, Any] = {"match": vn_search.fts_query(params.q)}
    values["words"] = " ".join(f'"{word}"' for word in words) or values["match"]
    bounds = search_page.key_range(params)
    if bounds:
        values["key_low"], values["key_high"] = bounds
    return values, len(words) > len(phrases)


def _counted_by_fts(params: SearchParams, attributes: Attributes, positional: bool) -> bool:
    """True when FTS5's own count is the answer: words only, no article filter, and no
    hidden article in the index (one is there only in an archive that has not had
    migration 0011, e.g. an old file given to ``datasette`` directly: its matches are then
    listed and the facet table leaves the hidden ones out)."""
    return not (search_page.needs_articles(params) or attributes.hidden_ids or positional)


def _ids(
    conn: sqlite3.Connection,
    bounds: tuple[int, int] | None,
    values: dict[str, Any],
    limit: int | None,
) -> list[int]:
    """The matches' article ids, newest first (the newest ``limit`` when given)."""
    ids = parse_ids(conn.execute(_ids_sql(bounds, limit), values).fetchone()[0])
    if limit is None:
        ids.reverse()
    return ids


def _facets(profiles: list[Profile], ok: list[bool], counts: Counter[int], capped: bool) -> Facets:
    tables: dict[str, dict] = {
        name: {}
        for name in ("portal", "section", "year", "month", "attachments", "changed", "removed")
    }
    counted = 0
    for number, n in counts.items():
        if not ok[number]:
            continue
        profile = profiles[number]
        counted += n
        for name, value in (
            ("portal", profile.portal),
            ("section", profile.section),
            ("attachments", profile.files),
            ("changed", profile.changed),
            ("removed", profile.removed),
        ):
            if value is not None:
                tables[name][value] = tables[name].get(value, 0) + n
        if profile.month != NO_MONTH:
            tables["month"][profile.month] = tables["month"].get(profile.month, 0) + n
            year = int(profile.month[:4])
            tables["year"][year] = tables["year"].get(year, 0) + n
    return Facets(**tables, counted=counted, capped=capped)


def _with_periods(facets: Facets, periods: dict[str, int]) -> Facets:
    """The facets with exact year (and month) counts from the index."""
    years: dict[int, int] = {}
    months: dict[str, int] = {}
    for label, n in periods.items():
        if n:
            years[int(label[:4])] = years.get(int(label[:4]), 0) + n
            if len(label) > 4:
                months[label] = n
    return Facets(**{**facets.__dict__, "year": years, "month": months})


def _page_ids(
    conn: sqlite3.Connection,
    attributes: Attributes,
    params: SearchParams,
    values: dict[str, Any],
    accepted: Iterator[int],
    total: int,
    capped: bool,
    side: Side | None = None,
    split_span: int | None = None,
) -> list[tuple[int, float]]:
    """The page's (article id, score) pairs, in page order (``side``, ``split_span``: see
    :func:`_ranked`)."""
    offset = (params.page - 1) * PAGE_SIZE
    if not total or offset >= total:
        return []
    if params.sort == "relevance" and search_page.relevance_covers(params.page):
        candidates = list(islice(accepted, search_page.RELEVANCE_CANDIDATES))
        if len(candidates) == search_page.RELEVANCE_CANDIDATES or not capped:
            ranked = _ranked(conn, attributes, values, candidates, side, split_span)
            return ranked[offset : offset + PAGE_SIZE]
    else:
        page = list(islice(accepted, offset, offset + PAGE_SIZE))
        if len(page) == PAGE_SIZE or not capped or offset + len(page) >= total:
            return [(i, 0.0) for i in page]
    # Past the sample the capped path read (words only, no filter): the index's own page.
    query = search_page.page_query(params)
    rows = conn.execute(query.sql, query.params).fetchall()
    return [(row[0], row[-1]) for row in rows]


def _ranked(
    conn: sqlite3.Connection,
    attributes: Attributes,
    values: dict[str, Any],
    candidates: list[int],
    side: Side | None = None,
    split_span: int | None = None,
) -> list[tuple[int, float]]:
    """The candidates by BM25 (best first; equal scores newest first), scored in one pass
    over their rowid range (rows of the range that are not candidates are not scored).

    BM25 first counts, over the whole index, the articles holding each phrase; for a phrase
    of several words (a quoted phrase, "KT-XH") that count checks positions in every article
    holding its words: a second pass as costly as the search itself. So the candidates (the
    phrase's matches) are scored by the BM25 of the query's *words*.

    With ``side``, candidates spread over ``split_span`` keys or more (a rare phrase's: the
    pass reads every article holding its words in their range) are scored in two halves at
    once, the older on the other connection: an article's score depends on the article and
    the whole index only, so the order is the same (each half counts the phrases again)."""
    if not candidates:
        return []
    keys = [attributes.key(i) for i in candidates]
    half = len(keys) // 2
    if side is not None and split_span is not None and half and keys[0] - keys[-1] >= split_span:
        older = side(lambda c: _scored(c, values, keys[half:]))
        scored = _scored(conn, values, keys[:half]) + older.result()
    else:
        scored = _scored(conn, values, keys)
    scored.sort()
    return [(-negative % KEY_DAY, score) for score, negative in scored]


def _scored(
    conn: sqlite3.Connection, values: dict[str, Any], keys: list[int]
) -> list[tuple[float, int]]:
    """(BM25 score, -key) of each of ``keys`` (newest first) that holds the query's words."""
    sql = (
        f"SELECT rowid, {BM25} FROM articles_search WHERE articles_search MATCH :match"
        " AND rowid BETWEEN :low AND :high AND +rowid IN (SELECT value FROM json_each(:keys))"
    )
    ranking = {"match": values["words"], "low": keys[-1], "high": keys[0], "keys": json.dumps(keys)}
    return [(score, -key) for key, score in conn.execute(sql, ranking)]


_ROW_COLUMNS = (
    "a.id, a.url, a.portal, a.section, a.title, a.summary, a.body_text, a.published_at,"
    " a.first_seen_at, a.removed_at, a.search_key, a.author"
)


def _rows(
    conn: sqlite3.Connection, attributes: Attributes, page: list[tuple[int, float]]
) -> list[dict[str, Any]]:
    """The page's rows, in page order, with their score; ``has_files`` and ``changed`` from
    the table (SQL would read every edit's version row to know)."""
    if not page:
        return []
    sql = f"SELECT {_ROW_COLUMNS} FROM articles AS a WHERE a.id IN (SELECT value FROM json_each(?))"
    cursor = conn.execute(sql, [json.dumps([i for i, _ in page])])
    names = [d[0] for d in cursor.description]
    found = {row[0]: dict(zip(names, row, strict=True)) for row in cursor}
    out = []
    for article_id, score in page:
        row = found.get(article_id)
        number = attributes.by_id[article_id] if article_id < len(attributes.by_id) else None
        if row is None or number is None:  # deleted since the pass
            raise Stale
        profile = attributes.profiles[number]
        out.append({**row, "has_files": profile.files, "changed": profile.changed, "score": score})
    return out
