"""The search page's counts and facets from the in-memory facet table (archive/search_cache.py,
archive/search_run.py) against brute-force SQL over ``articles``: hidden, failed-extraction
and removed rows, filters, a date range, the capped path (a small cap injected), and a table
that follows the archive while the site serves it."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from datasette.app import Datasette
from lxml import html as lxml_html

from archive import search_cache, search_index, search_page, search_run, site_config, vn_search
from archive.hide import REASONS, hide_article, unhide_article
from archive.schema import open_archive
from archive.search_page import SearchParams

from .conftest import served_archive

WORDS = ("ubnd", "thành phố", '"ủy ban"', "xã")
HIDE_REASON = next(iter(REASONS))
FILTERS: tuple[dict, ...] = (
    {},
    {"removed": True},
    {"removed": False},
    {"changed": True},
    {"attachments": True},
    {"attachments": False},
    {"section": "Chính trị"},
    {"date_from": date(2022, 6, 1), "date_to": date(2022, 6, 15)},
    {"year": 2022, "month": 6},
)


@pytest.fixture(scope="module")
def archive(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive with two failed extractions and three hidden articles that match
    (and the portal of one article moved, so portals are not all equal in size)."""
    db = tmp_path_factory.mktemp("search-counts") / "demo.db"
    shutil.copy(demo_archive, db)
    open_archive(db).close()  # migrations of this code (0010's indexes)
    conn = connect(db)
    with conn:
        conn.execute(
            "UPDATE articles SET extraction_failed = 'no_body' WHERE id IN (SELECT id FROM"
            " articles WHERE title LIKE '%UBND%' AND removed_at IS NULL ORDER BY id LIMIT 2)"
        )
    urls = [
        url
        for (url,) in conn.execute(
            "SELECT url FROM articles WHERE title LIKE '%UBND%' AND extraction_failed IS NULL"
            " ORDER BY id DESC LIMIT 3"
        )
    ]
    conn.close()
    for url in urls:
        hide_article(db, url, HIDE_REASON, note="test")
    return db


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    vn_search.register(conn)
    return conn


def brute_force(db: Path, params: SearchParams) -> list[dict]:
    """Every result of ``params``, newest first, with its facet values: a join of the index
    with ``articles``, filtered in SQL (what the page would do without the table)."""
    where = ["a.extraction_failed IS NULL", "a.hidden_at IS NULL"]
    values: list[object] = [params.q]
    bounds = search_page.key_range(params)
    if bounds:
        where.append("a.search_key BETWEEN ? AND ?")
        values += bounds
    for name, column in (("portal", "a.portal"), ("section", "a.section")):
        if getattr(params, name) is not None:
            where.append(f"{column} = ?")
            values.append(getattr(params, name))
    conn = connect(db)
    rows = conn.execute(
        "SELECT a.id, a.portal, a.section, a.search_key,"
        " coalesce(a.attachments NOT IN ('', '[]', 'null'), 0) AS files,"
        " a.id IN (SELECT article_id FROM article_versions WHERE change_kind = 'edit') AS changed,"
        " a.removed_at IS NOT NULL AS removed"
        " FROM articles_search AS s JOIN articles AS a ON a.search_key = s.rowid"
        f" WHERE articles_search MATCH vn_fts_query(?) AND {' AND '.join(where)}"
        " ORDER BY a.search_key DESC",
        values,
    ).fetchall()
    conn.close()
    out = []
    for article_id, portal, section, key, files, changed, removed in rows:
        row = {"id": article_id, "portal": portal, "section": section, "key": key}
        row |= {"files": bool(files), "changed": bool(changed), "removed": bool(removed)}
        if all(
            getattr(params, name) is None or getattr(params, name) == row[column]
            for name, column in (("attachments", "files"), ("changed", "changed"),
                                 ("removed", "removed"))
        ):  # fmt: skip
            out.append(row)
    return out


def expected_facets(rows: list[dict]) -> dict[str, dict]:
    months = Counter(search_page.key_day(r["key"]).strftime("%Y-%m") for r in rows)
    return {
        "portal": dict(Counter(r["portal"] for r in rows)),
        "section": dict(Counter(r["section"] for r in rows if r["section"] is not None)),
        "attachments": dict(Counter(r["files"] for r in rows)),
        "changed": dict(Counter(r["changed"] for r in rows)),
        "removed": dict(Counter(r["removed"] for r in rows)),
        "month": dict(months),
        "year": dict(Counter(int(m[:4]) for m in months.elements())),
    }


def run(
    db: Path, params: SearchParams, cap: int | None = None, sample: int | None = None
) -> search_run.Result:
    conn = connect(db)
    try:
        return search_run.run(conn, search_cache.load(conn), params, cap, sample)
    finally:
        conn.close()


def test_the_fixture_has_what_the_counts_must_leave_out(archive: Path) -> None:
    conn = connect(archive)
    hidden = conn.execute("SELECT count(*) FROM articles WHERE hidden_at IS NOT NULL").fetchone()
    failed = conn.execute("SELECT count(*) FROM articles WHERE extraction_failed IS NOT NULL")
    assert hidden[0] == 3 and failed.fetchone()[0] == 2
    conn.close()
    everything = brute_force(archive, SearchParams(q="ubnd"))
    assert any(r["removed"] for r in everything) and any(r["changed"] for r in everything)
    assert any(r["files"] for r in everything) and len(everything) > 100


@pytest.mark.parametrize("q", WORDS)
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_count_and_facets_equal_brute_force(archive: Path, q: str, filters: dict) -> None:
    params = SearchParams(q=q, **filters)
    expected = brute_force(archive, params)
    result = run(archive, params)
    assert result.total == len(expected)
    assert not result.facets.capped and result.facets.counted == len(expected)
    facets = expected_facets(expected)
    for name, counts in facets.items():
        assert getattr(result.facets, name) == counts, name


@pytest.mark.parametrize("sort", ["date", "relevance"])
def test_pages_list_every_result_once(archive: Path, sort: str) -> None:
    params = SearchParams(q="ubnd", sort=sort)
    expected = [r["id"] for r in brute_force(archive, params)]
    seen = []
    for number in range(1, search_page.page_count(len(expected)) + 1):
        page = SearchParams(q="ubnd", sort=sort, page=number)
        seen += [row["id"] for row in run(archive, page).rows]
    if sort == "date":
        assert seen == expected
    else:
        assert sorted(seen) == sorted(expected) and seen != expected


def test_relevance_order_is_the_sql_ranking(archive: Path) -> None:
    """The ranking read over the candidates' rowid range equals the all-SQL ranking of the
    index (hidden articles are not in it)."""
    params = SearchParams(q="thành phố")
    query = search_page.page_query(params)
    conn = connect(archive)
    by_sql = [row[0] for row in conn.execute(query.sql, query.params)]
    conn.close()
    assert [row["id"] for row in run(archive, params).rows] == by_sql


def test_past_the_cap_facets_say_so_and_totals_stay_exact(archive: Path) -> None:
    params = SearchParams(q="ubnd")
    expected = brute_force(archive, params)
    result = run(archive, params, cap=20)
    assert result.total == len(expected) > 20
    assert result.facets.capped
    newest = brute_force(archive, params)[: result.facets.counted]
    assert result.facets.counted == 20  # hidden articles are not in the index
    assert result.facets.portal == expected_facets(newest)["portal"]
    assert result.facets.year == expected_facets(expected)["year"]
    assert result.facets.month == {}  # by year, months only once a year is chosen
    in_year = run(archive, SearchParams(q="ubnd", year=2022), cap=20)
    assert in_year.facets.month == expected_facets(expected)["month"]
    assert in_year.total == len(expected)


def test_past_the_cap_a_smaller_sample_is_counted(archive: Path) -> None:
    params = SearchParams(q="ubnd", year=2022)
    expected = brute_force(archive, params)
    result = run(archive, params, cap=20, sample=7)
    assert result.total == len(expected) and result.facets.capped
    assert result.facets.counted == 7
    assert sum(result.facets.changed.values()) == 7
    assert result.facets.month == expected_facets(expected)["month"]


@pytest.mark.parametrize("sort", ["date", "relevance"])
def test_past_the_cap_pages_still_list_every_result(archive: Path, sort: str) -> None:
    expected = [r["id"] for r in brute_force(archive, SearchParams(q="ubnd"))]
    seen = []
    for number in range(1, search_page.page_count(len(expected)) + 1):
        result = run(archive, SearchParams(q="ubnd", sort=sort, page=number), cap=20)
        seen += [row["id"] for row in result.rows]
    assert sorted(seen) == sorted(expected)
    if sort == "date":
        assert seen == expected


def test_a_filter_past_the_cap_counts_every_match(archive: Path) -> None:
    params = SearchParams(q="ubnd", removed=False)
    expected = brute_force(archive, params)
    result = run(archive, params, cap=20)
    assert result.total == len(expected) > 20
    assert not result.facets.capped and result.facets.counted == len(expected)


def test_hidden_articles_leave_the_index_and_come_back(archive: Path, tmp_path: Path) -> None:
    """Migration 0011's function takes out articles hidden before it; its triggers then
    follow hiding and restoring."""
    db = tmp_path / "copy.db"
    shutil.copy(archive, db)
    conn = connect(db)

    def found(article_id: int) -> bool:
        key = conn.execute("SELECT search_key FROM articles WHERE id = ?", [article_id])
        sql = "SELECT 1 FROM articles_search WHERE articles_search MATCH ? AND rowid = ?"
        return conn.execute(sql, ["ubnd", key.fetchone()[0]]).fetchone() is not None

    shown = brute_force(db, SearchParams(q="ubnd"))[0]["id"]
    assert found(shown)
    with conn:  # hidden by an archive from before 0011: the row stays indexed
        conn.execute("DROP TRIGGER articles_search_au")
        conn.execute("UPDATE articles SET hidden_at = '2024-01-01' WHERE id = ?", [shown])
    assert found(shown)
    with conn:
        search_index.skip_hidden_articles(conn)
    assert not found(shown)
    with conn:
        conn.execute("UPDATE articles SET hidden_at = NULL WHERE id = ?", [shown])
    assert found(shown)
    with conn:
        conn.execute("UPDATE articles SET hidden_at = '2024-01-02' WHERE id = ?", [shown])
    assert not found(shown)
    conn.close()


def test_an_unknown_match_is_stale(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(archive, db)
    conn = connect(db)
    attributes = search_cache.load(conn)
    with conn:
        conn.execute(
            "INSERT INTO articles (url, portal, title, body_text, content_hash, first_seen_at,"
            " last_seen_at, version) SELECT url || '?new', portal, title, body_text, 'x',"
            " first_seen_at, last_seen_at, 1 FROM articles WHERE hidden_at IS NULL"
            " AND extraction_failed IS NULL AND title LIKE '%UBND%' ORDER BY id LIMIT 1"
        )
    with pytest.raises(search_cache.Stale):
        search_run.run(conn, attributes, SearchParams(q="ubnd"))
    conn.close()


def test_the_cache_reloads_after_another_connection_commits(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(archive, db)
    cache = search_cache.AttributeCache()
    reader = connect(db)
    first = cache.get(reader, str(db), mutable=True)
    assert cache.get(reader, str(db), mutable=True) is first  # nothing changed
    writer = connect(db)
    with writer:
        writer.execute("UPDATE articles SET removed_at = '2024-01-01' WHERE id = 1")
    second = cache.get(reader, str(db), mutable=True)
    assert second is not first and second.profiles[second.by_id[1]].removed
    immutable = search_cache.AttributeCache()  # a snapshot served with -i never changes:
    once = immutable.get(reader, str(db), mutable=False)  # no version is read, ever
    with writer:
        writer.execute("UPDATE articles SET removed_at = NULL WHERE id = 1")
    assert immutable.get(reader, str(db), mutable=False) is once
    assert cache.get(reader, str(db), mutable=True) is not second
    writer.close()
    reader.close()
    cache.clear()


@pytest.fixture()
def served_copy(archive: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    db = tmp_path / "served.db"
    shutil.copy(archive, db)
    with served_archive(db) as base:
        yield db, base


def test_the_site_follows_hiding_and_restoring_while_it_serves(
    served_copy: tuple[Path, str],
) -> None:
    """Hide then restore an article while the site is up: the count, the facet and the
    pages follow at once (the table is reloaded when the archive changes)."""
    db, base = served_copy

    def search(**args: str) -> dict:
        response = httpx.get(base + "/-/search.json", params={"q": "ubnd", **args}, timeout=30)
        assert response.status_code == 200, response.text[:300]
        return response.json()

    before = search()
    assert before["count"] == len(brute_force(db, SearchParams(q="ubnd")))
    newest = search(sort="date")["rows"][0]
    hide_article(db, newest["url"], HIDE_REASON, note="test")
    after = search(sort="date")
    assert after["count"] == before["count"] - 1
    assert newest["id"] not in {row["id"] for row in after["rows"]}
    portal = {i["value"]: i["count"] for i in after["facets"]["portal"]}
    assert portal == expected_facets(brute_force(db, SearchParams(q="ubnd")))["portal"]
    unhide_article(db, newest["url"])
    assert search(sort="date")["rows"][0]["id"] == newest["id"]
    assert search()["count"] == before["count"]


def test_a_phrase_is_ranked_by_the_bm25_of_its_words(archive: Path) -> None:
    """Among the phrase's newest matches, the order of BM25 over its words (scoring the
    phrase itself would check positions in the whole index a second time)."""
    params = SearchParams(q='"ủy ban"')
    expected = [r["key"] for r in brute_force(archive, params)][: search_page.RELEVANCE_CANDIDATES]
    conn = connect(archive)
    scores = dict(
        conn.execute(
            f"SELECT rowid, {search_page.BM25} FROM articles_search"
            ' WHERE articles_search MATCH \'"ủy" "ban"\''
        ).fetchall()
    )
    conn.close()
    ranked = sorted(expected, key=lambda key: (scores[key], -key))
    ids = [row["id"] for row in run(archive, params).rows]
    assert len(expected) > 50 and ids == [key % search_page.KEY_DAY for key in ranked[:50]]


def test_a_phrase_past_the_cap_is_counted_exactly(archive: Path) -> None:
    """A phrase lists every match anyway (counting it costs as much): no cap applies."""
    params = SearchParams(q='"ủy ban"')
    expected = brute_force(archive, params)
    result = run(archive, params, cap=5, sample=3)
    assert result.total == len(expected) > 5 and not result.facets.capped
    assert result.facets.section == expected_facets(expected)["section"]


def test_a_search_reloads_the_table_when_stale_and_gives_up_cleanly(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site retries a search with a reloaded table; an archive that changes under every
    attempt ends as a read error (the page's Vietnamese 500), not a traceback."""
    from archive.site.plugins import archive_search_page as plugin

    db = tmp_path / "copy.db"
    shutil.copy(archive, db)
    conn = connect(db)
    first = search_cache.load(conn)
    seen: list[search_cache.Attributes] = []

    def stale_once(
        conn: sqlite3.Connection, database: str, params: SearchParams, attributes: object
    ) -> str:
        seen.append(attributes)
        if len(seen) == 1:
            raise search_cache.Stale
        return "outcome"

    class Database:
        is_mutable = True

    monkeypatch.setattr(plugin, "ATTRIBUTES", search_cache.AttributeCache())
    monkeypatch.setattr(plugin, "_run", stale_once)
    params = SearchParams(q="ubnd")
    assert plugin._run_fresh(conn, "demo", params, first, str(db), Database()) == "outcome"
    assert seen[0] is first and seen[1] is not first  # reloaded before the second attempt

    def always_stale(*args: object) -> None:
        seen.append(args[-1])
        raise search_cache.Stale

    seen.clear()
    monkeypatch.setattr(plugin, "_run", always_stale)
    with pytest.raises(sqlite3.OperationalError):
        plugin._run_fresh(conn, "demo", params, first, str(db), Database())
    assert len(seen) == plugin.STALE_RETRIES
    conn.close()


def test_the_page_says_when_facets_are_capped(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small cap and sample injected: the HTML page and the JSON say that the portal,
    section… counts cover the newest matches only; the total stays exact."""
    monkeypatch.setattr(search_page, "FACET_CAP", 20)
    monkeypatch.setattr(search_run, "FACET_SAMPLE", 10)
    expected = len(brute_force(archive, SearchParams(q="ubnd")))
    site = Datasette(
        files=[str(archive)],
        metadata=json.loads(site_config.METADATA_PATH.read_text(encoding="utf-8")),
        settings=site_config.site_settings(),
        plugins_dir=str(site_config.PLUGINS_DIR),
        template_dir=str(site_config.TEMPLATES_DIR),
    )

    async def fetch() -> tuple[str, dict]:
        await site.invoke_startup()
        page = await site.client.get("/-/search", params={"q": "ubnd"})
        data = await site.client.get("/-/search.json", params={"q": "ubnd"})
        assert page.status_code == data.status_code == 200
        return page.text, data.json()

    page, data = asyncio.run(fetch())
    assert data["count"] == expected > 20
    assert data["facets"]["capped"] is True
    assert data["facets"]["counted"] == 10 and data["facets"]["cap"] == 20
    assert sum(item["count"] for item in data["facets"]["portal"]) == 10
    assert sum(item["count"] for item in data["facets"]["year"]) == expected
    [note] = lxml_html.fromstring(page).cssselect(".sr-capped")
    words = " ".join(note.text_content().split())
    assert "10 kết quả mới nhất" in words and f"{expected} kết quả" in words


@pytest.mark.parametrize("q", WORDS)
def test_the_count_alone_equals_brute_force(archive: Path, q: str) -> None:
    """search_run.count (the counts of the alternatives a search without results offers)."""
    conn = connect(archive)
    attributes = search_cache.load(conn)
    for filters in FILTERS:
        params = SearchParams(q=q, **filters)
        assert search_run.count(conn, attributes, params) == len(brute_force(archive, params))
    conn.close()


def test_past_the_cap_month_counts_stay_exact_within_a_date_range(archive: Path) -> None:
    """A year and a date range inside it, capped: each month's count is FTS5's exact count of
    the range's part of that month."""
    params = SearchParams(
        q="ubnd", year=2022, date_from=date(2022, 3, 15), date_to=date(2022, 9, 10)
    )
    expected = brute_force(archive, params)
    result = run(archive, params, cap=5, sample=3)
    assert result.total == len(expected) > 5 and result.facets.capped
    assert result.facets.month == expected_facets(expected)["month"]
    assert len(result.facets.month) > 1 and result.facets.year == {2022: len(expected)}


@pytest.fixture()
def before_0011(archive: Path, tmp_path: Path) -> Path:
    """A copy whose hidden articles are back in the index, as in an archive that has not had
    migration 0011 (e.g. given to ``datasette`` directly, without ``serve``)."""
    db = tmp_path / "before-0011.db"
    shutil.copy(archive, db)
    conn = connect(db)
    table, columns = search_index.TABLE, ", ".join(search_index.COLUMNS)
    with conn:
        conn.execute(
            f"INSERT INTO {table} (rowid, {columns}) SELECT a.{search_index.KEY_COLUMN},"
            f" {search_index._values('a')} FROM articles AS a"
            " WHERE a.extraction_failed IS NULL AND a.hidden_at IS NOT NULL"
        )
    conn.close()
    return db


def test_an_archive_before_0011_still_leaves_hidden_articles_out(before_0011: Path) -> None:
    conn = connect(before_0011)
    attributes = search_cache.load(conn)
    assert len(attributes.hidden_ids) == 3
    query = search_page.count_query(SearchParams(q="ubnd"))
    indexed = conn.execute(query.sql, query.params).fetchone()[0]
    assert indexed == len(brute_force(before_0011, SearchParams(q="ubnd"))) + 3
    for params in (
        SearchParams(q="ubnd"),
        SearchParams(q="ubnd", year=2022),
        SearchParams(q="ubnd", removed=False),
        SearchParams(q="ubnd", sort="date", page=1),
    ):
        expected = brute_force(before_0011, params)
        for cap in (None, 20):  # listed and filtered, never capped
            result = search_run.run(conn, attributes, params, cap)
            assert result.total == len(expected) and not result.facets.capped
            assert result.facets.portal == expected_facets(expected)["portal"]
            assert result.facets.year == expected_facets(expected)["year"]
        ids = [row["id"] for row in result.rows]
        assert ids and not set(ids) & attributes.hidden_ids
        if params.sort == "date":
            assert ids == [r["id"] for r in expected][:50]
        assert search_run.count(conn, attributes, params) == len(expected)
    conn.close()


@pytest.mark.parametrize("indexed_hidden", [False, True], ids=["after-0011", "before-0011"])
def test_the_alternatives_count_without_hidden_articles(
    archive: Path, before_0011: Path, indexed_hidden: bool
) -> None:
    """A search without results offers the query without tone marks, without quotes and
    without filters, each with its exact count (hidden articles left out either way)."""
    from archive.site.plugins import archive_search_page as plugin

    db = before_0011 if indexed_hidden else archive
    conn = connect(db)
    params = SearchParams(q='"ubnd thành phố"', section="Tin tức - Sự kiện")  # 2 hidden match
    found = plugin._alternatives(conn, params, search_cache.load(conn))
    conn.close()
    assert [a["key"] for a in found] == ["alt_no_tone_marks", "alt_no_quotes", "alt_unfiltered"]
    for alternative in found:
        args = alternative["args"]
        expected = brute_force(db, SearchParams(q=args["q"], section=args.get("section")))
        assert alternative["count"] == len(expected) > 0, alternative


def test_serve_applies_migration_0011_before_the_site_starts(
    before_0011: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` (not ``--public``) migrates the archive before it becomes Datasette: the
    hidden articles leave the index, so FTS5's own counts are the page's again."""
    from archive import serve

    conn = connect(before_0011)
    with conn:
        conn.execute(
            "DELETE FROM _sqlite_migrations WHERE name = '0011_hidden_out_of_search_index'"
        )
    assert len(search_cache.load(conn).hidden_ids) == 3
    conn.close()

    class Started(Exception):
        pass

    def execve(*args: object) -> None:
        raise Started

    monkeypatch.setattr(serve.os, "execve", execve)
    with pytest.raises(Started):
        serve.serve(before_0011)
    conn = connect(before_0011)
    assert not search_cache.load(conn).hidden_ids
    query = search_page.count_query(SearchParams(q="ubnd"))
    indexed = conn.execute(query.sql, query.params).fetchone()[0]
    conn.close()
    assert indexed == len(brute_force(before_0011, SearchParams(q="ubnd")))
