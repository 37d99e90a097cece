"""One search of the results page (``/-/search``): count, facets and page from one index pass.

The matches' article ids come from the FTS5 index in one ``group_concat`` (newest first, a
date range applied by the index as a rowid range); their facet values come from the
in-memory table of :mod:`archive.search_cache`. So the exact count, every facet, the year
and month counts, the hidden articles' exclusion and the date order's page all come from that
single pass, in Python, without reading any article row; the page's 50 rows are then read by
id. Relevance (BM25) ranks the newest :data:`~archive.search_page.RELEVANCE_CANDIDATES`
matches, read in one rowid range of the index.

Past :data:`~archive.search_page.FACET_CAP` (100 000) matches, when no filter needs every
match, the pass stops at the newest ``FACET_CAP``: the portal, section, files, changed and
removed counts then cover those only (and the page says so), while the total and the year
and month counts stay exact (counted by the index per period, hidden matches subtracted).
With a filter (portal, section…) the pass reads every match: a filter's count is exact only
over all of them.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from archive import search_page, vn_search
from archive.search_cache import KEY_DAY, Attributes, Profile, Stale, parse_ids, tally
from archive.search_page import BM25, PAGE_SIZE, Facets, SearchParams

NO_MONTH = "0000-00"


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


def _ids_sql(bounds: tuple[int, int] | None, limit: int | None, before: int | None = None) -> str:
    """The matches' ids, newest first, joined by commas."""
    where = ["articles_search MATCH :match"]
    if bounds:
        where.append("rowid BETWEEN :key_low AND :key_high")
    if before is not None:
        where.append("rowid < :before")
    return (
        f"SELECT group_concat(i) FROM (SELECT rowid % {KEY_DAY} AS i FROM articles_search"
        f" WHERE {' AND '.join(where)} ORDER BY rowid DESC"
        + (f" LIMIT {int(limit)}" if limit is not None else "")
        + ")"
    )


def run(
    conn: sqlite3.Connection,
    attributes: Attributes,
    params: SearchParams,
    cap: int | None = None,
) -> Result:
    """Count, facets and the page of ``params``; :class:`~archive.search_cache.Stale` when
    the index holds an article the table does not know (reload it and run again). ``cap``:
    :data:`archive.search_page.FACET_CAP` unless given."""
    cap = search_page.FACET_CAP if cap is None else cap
    match = vn_search.fts_query(params.q)
    bounds = search_page.key_range(params)
    values: dict[str, Any] = {"match": match}
    if bounds:
        values["key_low"], values["key_high"] = bounds
    whole = search_page.needs_articles(params)  # a filter: its count needs every match
    ids_sql = _ids_sql(bounds, None if whole else cap + 1)
    ids = parse_ids(conn.execute(ids_sql, values).fetchone()[0])
    capped = not whole and len(ids) > cap
    if capped:
        del ids[cap:]
    counts = tally(attributes, ids)
    profiles = attributes.profiles
    ok = [accepts(params, profile) for profile in profiles]
    facets = _facets(profiles, ok, counts, capped)
    total = facets.counted
    if capped:
        total, periods = _exact_periods(conn, attributes, params, values, ids)
        facets = _with_periods(facets, periods)
    by_id = attributes.by_id
    accepted = (i for i in ids if ok[by_id[i]])
    keys = _page_ids(conn, attributes, params, values, accepted, total, capped, len(ids))
    return Result(total, facets, _rows(conn, keys))


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


def _exact_periods(
    conn: sqlite3.Connection,
    attributes: Attributes,
    params: SearchParams,
    values: dict[str, Any],
    scanned: list[int],
) -> tuple[int, dict[str, int]]:
    """The exact total and counts per year (or month of the chosen year) past the cap:
    counted by the index per period, less the hidden articles that match (those among the
    scanned matches are known; older ones are looked up in one query)."""
    total, periods = search_page.period_counts(conn, params, False)
    hidden = list(attributes.hidden_ids.intersection(scanned))
    oldest = attributes.key(scanned[-1])
    older = [k for k in attributes.hidden_keys if k < oldest]
    if older:
        sql = (
            "SELECT rowid FROM articles_search WHERE articles_search MATCH :match"
            " AND rowid IN (SELECT value FROM json_each(:hidden))"
        )
        bounds = search_page.key_range(params) or (0, 1 << 62)
        for (key,) in conn.execute(sql, {"match": values["match"], "hidden": json.dumps(older)}):
            if bounds[0] <= key <= bounds[1]:
                hidden.append(key % KEY_DAY)
    spans = search_page.periods(params, *attributes.key_span)
    for article_id in hidden:
        key = attributes.key(article_id)
        for label, low, high in spans:
            if low <= key <= high:
                periods[label] -= 1
                total -= 1
    return total, periods


def _page_ids(
    conn: sqlite3.Connection,
    attributes: Attributes,
    params: SearchParams,
    values: dict[str, Any],
    accepted: Any,
    total: int,
    capped: bool,
    scanned: int,
) -> list[tuple[int, float]]:
    """The page's (article id, score) pairs, in page order."""
    offset = (params.page - 1) * PAGE_SIZE
    if not total or offset >= total:
        return []
    if params.sort == "relevance" and search_page.relevance_covers(params.page):
        candidates = list(islice(accepted, search_page.RELEVANCE_CANDIDATES))
        if len(candidates) == search_page.RELEVANCE_CANDIDATES or not capped:
            return _ranked(conn, attributes, values, candidates)[offset : offset + PAGE_SIZE]
    else:
        page = list(islice(accepted, offset, offset + PAGE_SIZE))
        if len(page) == PAGE_SIZE or not capped or offset + len(page) >= total:
            return [(i, 0.0) for i in page]
    # Past the matches the capped pass read (only without article filters): the index's
    # own page, hidden articles left out by their keys.
    query = search_page.page_query(params, hidden=bool(attributes.hidden_keys))
    rows = conn.execute(query.sql, query.params).fetchall()
    return [(row[0], row[-1]) for row in rows]


def _ranked(
    conn: sqlite3.Connection, attributes: Attributes, values: dict[str, Any], candidates: list[int]
) -> list[tuple[int, float]]:
    """The candidates by BM25 (best first; equal scores newest first), scored in one pass
    over their rowid range."""
    if not candidates:
        return []
    wanted = {attributes.key(i) for i in candidates}
    sql = (
        f"SELECT rowid, {BM25} FROM articles_search WHERE articles_search MATCH :match"
        " AND rowid BETWEEN :low AND :high"
    )
    low, high = attributes.key(candidates[-1]), attributes.key(candidates[0])
    scored = [
        (score, -key)
        for key, score in conn.execute(sql, {"match": values["match"], "low": low, "high": high})
        if key in wanted
    ]
    scored.sort()
    return [(-negative % KEY_DAY, score) for score, negative in scored]


def _rows(conn: sqlite3.Connection, page: list[tuple[int, float]]) -> list[dict[str, Any]]:
    """The page's rows (the columns :func:`archive.search_page.page_query` selects), in
    page order, with their score."""
    if not page:
        return []
    sql = (
        f"SELECT {search_page.ROW_COLUMNS} FROM articles AS a"
        " WHERE a.id IN (SELECT value FROM json_each(?))"
    )
    cursor = conn.execute(sql, [json.dumps([i for i, _ in page])])
    names = [d[0] for d in cursor.description]
    found = {row[0]: dict(zip(names, row, strict=True)) for row in cursor}
    out = []
    for article_id, score in page:
        row = found.get(article_id)
        if row is None:  # deleted since the pass
            raise Stale
        out.append({**row, "score": score})
    return out
