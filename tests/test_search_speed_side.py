"""search_run.run with a second connection (``side``: the count beside the page, the older
half of a listing beside the newer one) gives the very result of the one-connection run,
and both agree with SQL over the index: totals, facets, every page's ids and scores, with
the cap and sample small enough that every path is taken (every match in the newest ones,
capped, under the cap past the newest ones; a phrase, a filter, a date range)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from archive import search_cache, search_page, search_run, vn_search
from archive.search_page import SearchParams

QUERIES = ("ubnd", "thành phố", '"ủy ban"', "xã", "ubnd xã", "tỉnh", "nông nghiệp", "giáo dục")
PARAMS: tuple[dict[str, Any], ...] = (
    {},
    {"removed": False},
    {"section": "Chính trị"},
    {"date_from": date(2022, 6, 1), "date_to": date(2022, 6, 15)},
    {"year": 2022, "month": 6},
)
LIMITS = ((None, None), (20, 7), (5, 3), (40, 30), (1000, 60))


class Side:
    """A side connection run by one thread, counting what it was given."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.calls = 0

    def __call__(self, fn: Any) -> Any:
        self.calls += 1
        return self.pool.submit(fn, self.conn)

    def close(self) -> None:
        self.pool.shutdown()
        self.conn.close()


@pytest.fixture(scope="module")
def conn(demo_archive: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{demo_archive}?mode=ro", uri=True, check_same_thread=False)
    vn_search.register(conn)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def side(demo_archive: Path) -> Iterator[Side]:
    side = Side(demo_archive)
    yield side
    side.close()


def outcome(result: search_run.Result) -> tuple:
    return result.total, result.facets, [(row["id"], row["score"]) for row in result.rows]


def index_keys(conn: sqlite3.Connection, params: SearchParams) -> list[int]:
    """Every match's article id, newest first, by SQL over the index alone."""
    bounds = search_page.key_range(params) or (0, 1 << 62)
    sql = (
        "SELECT rowid % 100000000 FROM articles_search WHERE articles_search MATCH ?"
        " AND rowid BETWEEN ? AND ? ORDER BY rowid DESC"
    )
    return [i for (i,) in conn.execute(sql, [vn_search.fts_query(params.q), *bounds])]


@pytest.mark.parametrize("candidates", (1000, 50))
@pytest.mark.parametrize("limits", LIMITS, ids=str)
@pytest.mark.parametrize("extra", PARAMS, ids=lambda p: ",".join(p) or "none")
@pytest.mark.parametrize("q", QUERIES)
def test_the_side_connection_changes_nothing(
    conn: sqlite3.Connection,
    side: Side,
    q: str,
    extra: dict,
    limits: tuple,
    candidates: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With 50 relevance candidates, the demo's results have more than that: the ranking
    is then made from the newest matches while the rest is read."""
    monkeypatch.setattr(search_page, "RELEVANCE_CANDIDATES", candidates)
    attributes = search_cache.load(conn)
    cap, sample = limits
    for sort in ("relevance", "date"):
        first = search_run.run(conn, attributes, SearchParams(q=q, sort=sort, **extra), cap, sample)
        pages = search_page.page_count(first.total)
        for number in sorted({1, 2, 3, pages, pages + 1}):
            params = SearchParams(q=q, sort=sort, page=number, **extra)
            alone = search_run.run(conn, attributes, params, cap, sample)
            beside = search_run.run(conn, attributes, params, cap, sample, side=side)
            assert outcome(beside) == outcome(alone), (sort, number)


@pytest.mark.parametrize("limits", LIMITS, ids=str)
@pytest.mark.parametrize("q", QUERIES)
def test_every_path_lists_each_match_once_in_date_order(
    conn: sqlite3.Connection, side: Side, q: str, limits: tuple
) -> None:
    """No filter: the date order's pages are the index's own order, whichever path (every
    match among the newest ones, capped, or listed past them) and with or without a side."""
    attributes = search_cache.load(conn)
    cap, sample = limits
    expected = index_keys(conn, SearchParams(q=q))
    assert len(expected) > 3
    for helper in (None, side):
        seen = []
        for number in range(1, search_page.page_count(len(expected)) + 1):
            params = SearchParams(q=q, sort="date", page=number)
            result = search_run.run(conn, attributes, params, cap, sample, side=helper)
            assert result.total == len(expected)
            seen += [row["id"] for row in result.rows]
        assert seen == expected


def test_the_side_is_used_for_a_count_and_for_half_a_listing(
    conn: sqlite3.Connection, side: Side
) -> None:
    attributes = search_cache.load(conn)
    before = side.calls
    search_run.run(conn, attributes, SearchParams(q="ubnd"), 20, 7, side=side)  # capped: count
    assert side.calls == before + 1
    # A phrase: the older half of the listing, then (fewer than 1 000 candidates, spread over
    # the whole archive) the older half of the candidates' ranking.
    search_run.run(conn, attributes, SearchParams(q='"ủy ban"'), side=side)
    assert side.calls == before + 3
    search_run.run(conn, attributes, SearchParams(q="ubnd"), side=side)  # every match newest
    assert side.calls == before + 3
    search_run.run(conn, attributes, SearchParams(q='"ủy ban"', sort="date"), side=side)
    assert side.calls == before + 3  # a date page: nothing to rank meanwhile


def test_the_plugin_side_runs_on_its_own_read_only_connection(
    demo_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archive.site.plugins import archive_search_page as plugin

    side = plugin._side(str(demo_archive), True, 3000)
    seen = side(lambda c: (c.execute("PRAGMA cache_size").fetchone()[0], threading.get_ident()))
    cache_size, thread = seen.result()
    assert cache_size == -32768 and thread != threading.get_ident()

    def write(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE side_test (x)")

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        side(write).result()
    monkeypatch.setattr(plugin.os, "getloadavg", lambda: (64.0, 0.0, 0.0))
    assert not plugin._idle_core()  # saturated: one connection, no handoffs
    monkeypatch.setattr(plugin.os, "getloadavg", lambda: (0.1, 0.0, 0.0))
    assert plugin._idle_core()


@pytest.mark.parametrize("sort", ("relevance", "date"))
@pytest.mark.parametrize("limits", ((None, None), (20, 7), (1000, 60)), ids=str)
@pytest.mark.parametrize("q", ("ubnd", '"ủy ban"'))
def test_a_match_the_table_does_not_know_is_stale_on_every_path(
    demo_archive: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    q: str,
    limits: tuple,
    sort: str,
) -> None:
    """An article committed after the table was read is newer than all it knows: found
    among the newest matches, before its key is looked up (Stale: the plugin reloads the
    table), never an IndexError."""
    monkeypatch.setattr(search_page, "RELEVANCE_CANDIDATES", 5)
    db = tmp_path / "copy.db"
    shutil.copy(demo_archive, db)
    conn = sqlite3.connect(db, check_same_thread=False)
    vn_search.register(conn)
    attributes = search_cache.load(conn)
    with conn:
        conn.execute(
            "INSERT INTO articles (url, portal, title, body_text, content_hash, first_seen_at,"
            " last_seen_at, published_at, version) SELECT url || '?new', portal, title,"
            " body_text, 'x', first_seen_at, last_seen_at, '2099-01-01', 1 FROM articles"
            " WHERE id = (SELECT rowid % 100000000 FROM articles_search"
            " WHERE articles_search MATCH vn_fts_query(?) LIMIT 1)",
            [q],
        )
    side = Side(db)
    try:
        for helper in (None, side):
            with pytest.raises(search_cache.Stale):
                params = SearchParams(q=q, sort=sort)
                search_run.run(conn, attributes, params, *limits, side=helper)
    finally:
        side.close()
        conn.close()
