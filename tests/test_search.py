"""Vietnamese search on a real archive, through Datasette: the articles table's own search
(HTML and JSON) and the ``search`` canned query (HTML, JSON, Atom) must agree, find Vietnamese
however it is typed, and never answer an error page."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import httpx
import pytest
from lxml import etree

from archive import ArchiveWriter, open_archive, search_index, vn_search
from archive.schema import migrations
from tests.site_support import Site, copy_archive

SEED_TITLE = "Thành ủy Trà Vinh tổ chức Hội nghị Ban Chấp hành Đảng bộ thành phố mở rộng"
ATOM = "{http://www.w3.org/2005/Atom}"
FETCHED = "2025-07-01T10:00:00+07:00"
PAGE_SIZE = 50  # rows per page of the search query

SEED_QUERIES = [
    "thanh uy tra vinh",
    "Thành ủy Trà Vinh",
    "Thành uỷ Trà Vinh",
    "dang bo thanh pho",
    unicodedata.normalize("NFD", "Đảng bộ thành phố"),
    "Nguyen Thanh Tam",
    '"sơ kết tình hình"',
]


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return Site(copy_archive(demo_archive, tmp_path_factory.mktemp("search") / "demo.db"))


@pytest.fixture(scope="module")
def seed_id(site: Site) -> int:
    return site.row("SELECT id FROM articles WHERE title LIKE ?", SEED_TITLE + "%")["id"]


def table_ids(site: Site, query: str, **extra: str) -> list[int]:
    """Every article id the articles table's search returns (following the pages)."""
    params = {"_search": query, "_size": "max", "_col": "title", **extra}
    path = "/demo/articles.json?" + urlencode(params)
    ids: list[int] = []
    while path:
        data = site.get(path).json()
        assert data.get("ok", True) is not False, data
        ids += [row[0] for row in data["rows"]]
        path = data.get("next_url") and data["next_url"].split("localhost", 1)[-1]
    return ids


def query_rows(site: Site, query: str, **extra: str) -> list[dict]:
    """Every row the ``search`` canned query returns, page after page."""
    rows: list[dict] = []
    for page in range(1, 100):
        params = {"q": query, "page": str(page), "_shape": "array", **extra}
        batch = site.get("/demo/search.json?" + urlencode(params)).json()
        rows += batch
        if len(batch) < PAGE_SIZE:
            return rows
    raise AssertionError("more than 99 pages")


def query_ids(site: Site, query: str, **extra: str) -> list[int]:
    return [row["id"] for row in query_rows(site, query, **extra)]


# -- the acceptance queries ---------------------------------------------------------


@pytest.mark.parametrize("query", SEED_QUERIES)
def test_seed_article_is_found_however_it_is_typed(site: Site, seed_id: int, query: str) -> None:
    assert seed_id in table_ids(site, query)
    assert seed_id in query_ids(site, query)


def test_tam_with_its_accent_does_not_find_tam(site: Site, seed_id: int) -> None:
    found = set(table_ids(site, "tám"))
    assert seed_id not in found and seed_id not in query_ids(site, "tám")
    assert found == set(query_ids(site, "tám"))
    # every hit really says "tám"/"Tám", not "tâm" or "tấm"
    for article_id in found:
        row = site.row("SELECT title, summary, body_text FROM articles WHERE id = ?", article_id)
        text = " ".join(v for v in row.values() if v).lower()
        assert re.search(r"(?<!\w)tám(?!\w)", text), article_id
    # the unaccented query is the one that widens to "tâm" (Nguyễn Thành Tâm in the seed)
    assert seed_id in table_ids(site, "tam")


def test_phrase_matches_only_consecutive_words(site: Site, seed_id: int) -> None:
    assert table_ids(site, '"sơ kết tình hình"') == [seed_id]
    assert query_ids(site, '"tình hình sơ kết"') == []


@pytest.mark.parametrize(
    "query",
    [*SEED_QUERIES, "tám", "UBND", "Ủy ban nhân dân", "uy ban nhan dan", "TP.", "hoà giải",
     "hòa giải", "Đảng", "đồng chí", "COVID-19", "kinh tế - xã hội", "OCOP", '"Ban Chấp hành"'],
)  # fmt: skip
def test_table_search_and_search_query_agree(site: Site, query: str) -> None:
    from_table = table_ids(site, query)
    assert from_table, query  # every query here has hits in the demo archive
    assert sorted(from_table) == sorted(query_ids(site, query))


# -- abbreviations (demo articles written for this test, portal_spider/demo_portal) ---------


def ids_saying(site: Site, phrase: str) -> set[int]:
    rows = site.rows("SELECT id FROM articles WHERE instr(body_text, ?) > 0", phrase)
    return {row["id"] for row in rows}


ABBREVIATION_CASES = [
    (
        "vớt lục bình",
        ["UBND xã Long Đức vừa", "Ủy ban nhân dân xã Long Đức vừa", "Uỷ ban nhân dân xã Long Đức"],
        [
            'UBND "vớt lục bình"',
            'Ủy ban nhân dân "vớt lục bình"',
            'Uỷ ban nhân dân "vớt lục bình"',
            'uy ban nhan dan "vot luc binh"',
            '"UBND xã Long Đức vừa phát động"',
            '"Ủy ban nhân dân xã Long Đức vừa phát động"',
            '"Uỷ ban nhân dân xã Long Đức vừa phát động"',
            '"uy ban nhan dan xa long duc vua phat dong"',
        ],
    ),
    (
        "phiên giải trình",
        ["HĐND thành phố đã tổ chức phiên", "Hội đồng nhân dân thành phố đã tổ chức phiên"],
        [
            'HĐND "phiên giải trình"',
            'Hội đồng nhân dân "phiên giải trình"',
            'hoi dong nhan dan "phien giai trinh"',
            '"HĐND TP. đã tổ chức phiên giải trình"',
            '"HĐND thành phố đã tổ chức phiên giải trình"',  # spellings mixed in one phrase
            '"Hội đồng nhân dân thành phố đã tổ chức phiên giải trình"',
        ],
    ),
    (
        "cây sao dầu",
        ["Người dân TP. Trà Vinh", "Người dân thành phố Trà Vinh hưởng ứng"],
        [
            'TP. "cây sao dầu"',
            'thành phố "cây sao dầu"',
            '"TP. Trà Vinh hưởng ứng phong trào trồng cây sao dầu"',
            '"thành phố Trà Vinh hưởng ứng phong trào trồng cây sao dầu"',
            '"thanh pho tra vinh huong ung phong trao trong cay sao dau"',
        ],
    ),
]


@pytest.mark.parametrize(("marker", "spellings", "queries"), ABBREVIATION_CASES)
def test_abbreviations_find_their_expansions_and_back(
    site: Site, marker: str, spellings: list[str], queries: list[str]
) -> None:
    articles = ids_saying(site, marker)
    # the demo wrote each spelling into its own article: one says only "UBND", one only
    # "Ủy ban nhân dân"...
    by_spelling = [ids_saying(site, spelling) for spelling in spellings]
    assert all(len(ids) == 1 for ids in by_spelling), by_spelling
    assert set().union(*by_spelling) == articles and len(articles) == len(spellings)
    for query in queries:
        assert set(table_ids(site, query)) == articles, query
        assert set(query_ids(site, query)) == articles, query


# -- hostile input --------------------------------------------------------------------------

HOSTILE = [
    '"', '""', '"""', '"unterminated', 'a"b', '"a" "b', "''", "'", "\\", "\\\"",
    "COVID-19", "kinh tế - xã hội", "-", "--", "- Đảng", "-Đảng", "a -b", "NOT", "AND OR NOT",
    "a AND", "OR b", "NEAR", "NEAR(a b)", "NEAR(a b, 2)", "(", ")", "(a", "a)", "((a) OR b)",
    "*", "a*", "*a", "Thành*", "^", "^a", "a^", ":", "title:x", "title: Thành ủy",
    "{title body}: x", "variants:UBND", "rowid:1", "a + b", "a & b | c", "a;b; DROP TABLE x",
    "%", "_", "🙂", "🇻🇳 Việt Nam 🙂", "x" * 3000, "Thành ủy " * 500,
]  # fmt: skip
# Raw (percent-encoded) query values: control characters, broken UTF-8, lone surrogates.
HOSTILE_ENCODED = [
    "%00", "a%00b", "%01%1F%7F", "%0A%0D%09", "%ED%A0%80", "%ED%BF%BF%ED%A0%80",
    "%F0%9F", "%FF%FE", "%C3", "Th%C3%A0nh%00%20u%E1%BB%B7", "%EE%80%80x%EE%80%81",
    "%25", "%2B%2B", "%22%22%22",
]  # fmt: skip


def hostile_paths() -> Iterator[str]:
    for query in HOSTILE:
        value = quote(query, safe="")
        yield from hostile_paths_for(value)
    for value in HOSTILE_ENCODED:
        yield from hostile_paths_for(value)


def hostile_paths_for(value: str) -> Iterator[str]:
    # A sort of the reader's own keeps the table page (a plain box search is redirected to
    # the search page: test_plain_box_search_opens_the_search_page).
    yield f"/demo/articles?_search={value}&_sort_desc=published_at"
    yield f"/demo/articles.json?_search={value}"
    yield f"/demo/search?q={value}"
    yield f"/demo/search.json?q={value}"
    yield f"/demo/search.atom?q={value}"


RAW_MODE = [
    "/demo/articles.json?_search=COVID-19&_searchmode=raw",
    "/demo/articles?_search=kinh+t%E1%BA%BF+-+x%C3%A3+h%E1%BB%99i&_searchmode=raw&_size=5",
    "/demo/articles.json?_search=%22&_searchmode=raw",
    "/demo/articles.json?_search=NEAR(&_searchmode=raw&_searchmode=raw",
    "/demo/articles.json?_search=title%3Ax&_searchmode=RAW",
    "/demo/articles.json?_search_title=%22&_searchmode=raw",
    "/demo/articles.json?_search=&_searchmode=raw",
    "/demo/articles.json?_search=x&_fts_table=nope&_fts_pk=nope",
    "/demo/search.json?q=COVID-19&_searchmode=raw",
    "/demo/articles.json?_search_title=Th%C3%A0nh&_search_body=%22",
]


def test_fifty_hostile_queries_never_error(site: Site) -> None:
    assert len(HOSTILE) + len(HOSTILE_ENCODED) >= 50
    paths = [*hostile_paths(), *RAW_MODE]

    async def fetch_all() -> list[httpx.Response]:
        return [await site.datasette.client.get(path, follow_redirects=True) for path in paths]

    for path, response in zip(paths, asyncio.run(fetch_all()), strict=True):
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        if ".json" in path:
            data = response.json()
            assert data.get("ok", True) is True and not data.get("error"), (path, data)
        elif ".atom" in path:
            assert etree.fromstring(response.content).tag == ATOM + "feed", path
        else:
            assert "message-error" not in response.text, path


def test_raw_search_mode_is_turned_into_the_safe_one(site: Site) -> None:
    raw = site.get("/demo/articles.json?_search=COVID-19&_searchmode=raw&_size=max&_col=title")
    assert sorted(r[0] for r in raw.json()["rows"]) == sorted(table_ids(site, "COVID-19"))


def test_control_characters_and_nfd_are_cleaned_before_searching(site: Site, seed_id: int) -> None:
    nfc = table_ids(site, "Đảng bộ thành phố")
    assert table_ids(site, unicodedata.normalize("NFD", "Đảng bộ thành phố")) == nfc
    assert table_ids(site, "Đảng\x00bộ\x1fthành phố") == nfc
    assert seed_id in nfc


# -- the search page: order, empty query, snippets, feed -------------------------------------


def test_relevance_puts_title_matches_first_and_date_sorts_newest_first(site: Site) -> None:
    by_relevance = query_rows(site, "thanh uy tra vinh")
    first = vn_search.fold(by_relevance[0]["title"]).lower()
    assert all(word in first for word in ("thanh uy", "tra vinh"))
    by_date = query_rows(site, "thanh uy tra vinh", sort="date")
    assert sorted(r["id"] for r in by_date) == sorted(r["id"] for r in by_relevance)
    days = [r["published_at"][:10] for r in by_date]  # newest day first (search_key)
    assert days == sorted(days, reverse=True)


def test_empty_query_lists_the_newest_articles(site: Site) -> None:
    rows = query_rows(site, "")
    assert len(rows) == site.row("SELECT count(*) AS n FROM articles")["n"]
    days = [r["published_at"][:10] for r in rows]
    assert days == sorted(days, reverse=True)
    assert all(vn_search.MARK_START not in r["snippet"] for r in rows)
    assert [r["id"] for r in query_rows(site, '  ""  ')] == [r["id"] for r in rows]
    assert query_rows(site, "", portal="no-such-portal") == []
    assert len(query_rows(site, "", portal="demo")) == len(rows)


def test_snippets_mark_matches_in_html_and_json(site: Site, seed_id: int) -> None:
    [row] = [r for r in query_rows(site, "thanh uy tra vinh") if r["id"] == seed_id]
    assert f"{vn_search.MARK_START}Thành ủy Trà Vinh{vn_search.MARK_END}" in row["snippet"]
    page = site.get("/demo/search?q=thanh+uy+tra+vinh").text
    assert "<mark>Thành ủy Trà Vinh</mark>" in page
    assert vn_search.MARK_START not in page
    table = site.get("/demo/articles?_search=thanh+uy+tra+vinh&_size=max").text
    assert f"<mark>{SEED_TITLE.split(' tổ')[0]}</mark>" in table  # the title cell
    bodies = re.findall(r'<td class="col-body_text type-str">(.*?)</td>', table, re.S)
    assert len(bodies) == len(table_ids(site, "thanh uy tra vinh"))
    assert all(len(body) < 1000 for body in bodies)  # snippets
    # Marked by phrase: query words standing together, never a lone "thành" or "uỷ".
    marked = [m for body in bodies for m in re.findall(r"<mark>(.*?)</mark>", body)]
    assert marked and all(len(m.split()) >= 2 for m in marked), marked
    assert all("<mark>" in b for b in bodies if "Trà Vinh" in b or "Thành ủy" in b)
    assert "<mark>" not in site.get("/demo/articles").text  # no search, no marks


def test_atom_feed_of_a_search_is_valid_with_timezones(site: Site, seed_id: int) -> None:
    feed = etree.fromstring(site.get("/demo/search.atom?q=thanh+uy+tra+vinh").content)
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == len(query_ids(site, "thanh uy tra vinh")[:PAGE_SIZE])
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")
    for entry in entries:
        assert stamp.match(entry.findtext(ATOM + "updated")), entry.findtext(ATOM + "updated")
        assert entry.findtext(ATOM + "id").startswith("http://127.0.0.1")
        assert entry.find(ATOM + "content").get("type") == "text"
    seed_url = site.row("SELECT url FROM articles WHERE id = ?", seed_id)["url"]
    [seed] = [e for e in entries if e.findtext(ATOM + "id") == seed_url]
    assert seed.findtext(ATOM + "updated") == "2022-06-02T16:30:00+07:00"
    assert feed.findtext(ATOM + "title") == "Tìm kiếm tin bài / Search articles"
    empty = etree.fromstring(site.get("/demo/search.atom?q=khongcotu").content)
    assert empty.findall(ATOM + "entry") == [] and stamp.match(empty.findtext(ATOM + "updated"))


# -- escaping ------------------------------------------------------------------------------


def test_article_html_in_matched_text_is_escaped(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.db"
    with ArchiveWriter(db_path) as writer:
        writer.ensure_portal("demo", "Cổng thử", "https://example.vn", None, [])
        writer.add_article(
            {
                "url": "https://example.vn/1",
                "title": "Tiêu đề <script>alert('title')</script> Thành uỷ",
                "summary": "Sapo <img src=x onerror=alert(1)> Thành uỷ",
                "body_text": f"Nội dung <script>alert(1)</script> {vn_search.MARK_START}b",
            },
            portal="demo",
            section=None,
            fetched_at=FETCHED,
        )
    site = Site(db_path)
    for path in (
        # Quoted: two bare words are marked only side by side (highlighting by phrase).
        "/demo/articles?_search=%22script%22+%22onerror%22&_sort_desc=published_at",
        "/demo/search?q=%22script%22+%22onerror%22",
    ):
        page = site.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert "&lt;<mark>script</mark>&gt;alert(" in page, path
        assert "<mark>onerror</mark>" in page, path
    table = site.get("/demo/articles?_search=thanh+uy&_sort_desc=published_at").text
    assert "Tiêu đề &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; <mark>Thành uỷ</mark>" in (
        table
    )


# -- the index follows the archive ----------------------------------------------------------


def search(db_path: Path, query: str) -> list[int]:
    db = open_archive(db_path)
    try:
        sql = (
            "SELECT a.id FROM articles_search AS s JOIN articles AS a ON a.search_key = s.rowid"
            " WHERE articles_search MATCH vn_fts_query(?)"
        )
        return sorted(row[0] for row in db.execute(sql, [query]))
    finally:
        db.close()


def integrity_check(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("INSERT INTO articles_search (articles_search) VALUES ('integrity-check')")
        docs = conn.execute("SELECT count(*) FROM articles_search_docsize").fetchone()[0]
        assert docs == conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


def add(writer: ArchiveWriter, url: str, title: str, body: str) -> None:
    writer.add_article(
        {"url": url, "title": title, "body_text": body},
        portal="demo",
        section=None,
        fetched_at=FETCHED,
    )


def test_index_follows_inserts_edits_and_deletes(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    with ArchiveWriter(db_path, batch_size=1) as writer:
        writer.ensure_portal("demo", "Cổng thử", "https://example.vn", None, [])
        add(writer, "https://example.vn/1", "Hội nghị hoà giải", "UBND xã họp bàn")
        add(writer, "https://example.vn/2", "Tin khác", "Không liên quan")
    assert search(db_path, "hòa giải") == search(db_path, "hoa giai") == [1]
    assert search(db_path, "Ủy ban nhân dân") == [1]
    with ArchiveWriter(db_path, batch_size=1) as writer:  # an edit: the old words must go
        add(writer, "https://example.vn/1", "Hội nghị tiếp xúc cử tri", "HĐND xã họp bàn")
    assert search(db_path, "hòa giải") == search(db_path, "Ủy ban nhân dân") == []
    assert search(db_path, "Hội đồng nhân dân") == search(db_path, "cu tri") == [1]
    integrity_check(db_path)
    db = open_archive(db_path)
    with db.conn:
        db.execute("DELETE FROM article_versions WHERE article_id = 2")
        db.execute("DELETE FROM articles WHERE id = 2")
        db.execute("UPDATE articles SET last_seen_at = '2026-01-01T00:00:00.000000Z'")
    db.close()
    assert search(db_path, "khong lien quan") == [] and search(db_path, "cu tri") == [1]
    integrity_check(db_path)


def test_a_connection_without_the_functions_cannot_corrupt_the_index(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    with ArchiveWriter(db_path) as writer:
        writer.ensure_portal("demo", "Cổng thử", "https://example.vn", None, [])
        add(writer, "https://example.vn/1", "Thành uỷ họp", "Nội dung")
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.OperationalError, match="no such function: vn_search"):
        conn.execute("UPDATE articles SET title = 'Khác' WHERE id = 1")
    # reading and hand-written searches still work
    hand_written = (
        "SELECT a.id FROM articles_search AS s JOIN articles AS a ON a.search_key = s.rowid"
        ' WHERE articles_search MATCH \'"thanh" "uy"\''
    )
    assert conn.execute(hand_written).fetchall() == [(1,)]
    conn.close()
    integrity_check(db_path)


def test_changed_rules_rebuild_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = tmp_path / "archive.db"
    with ArchiveWriter(db_path) as writer:
        writer.ensure_portal("demo", "Cổng thử", "https://example.vn", None, [])
        add(writer, "https://example.vn/1", "Câu lạc bộ thơ ra mắt", "Nội dung")
    assert search(db_path, "CLB") == []
    extended = vn_search._abbreviation_file_text() + "CLB\tcâu lạc bộ\n"
    monkeypatch.setattr(vn_search, "_abbreviation_file_text", lambda: extended)
    vn_search.default_abbreviations.cache_clear()
    try:
        new_hash = vn_search.rules_hash()
        assert search(db_path, "CLB") == [1]  # open_archive saw new rules and rebuilt
        conn = sqlite3.connect(db_path)
        assert search_index.stored_rules_hash(conn) == new_hash
        conn.close()
        with ArchiveWriter(db_path) as writer:  # and later edits delete the right tokens
            add(writer, "https://example.vn/1", "Đội bóng ra mắt", "Nội dung")
        assert search(db_path, "CLB") == []
        integrity_check(db_path)
    finally:
        vn_search.default_abbreviations.cache_clear()
        vn_search._matcher.cache_clear()


def test_upgrade_replaces_the_old_index(tmp_path: Path) -> None:
    import sqlite_utils

    db_path = tmp_path / "archive.db"
    db = sqlite_utils.Database(db_path)
    migrations.apply(db, stop_before="0003_vietnamese_search")
    db["portals"].insert({"slug": "demo", "name": "Cổng", "base_url": "https://x"})
    seen = "2025-06-01T00:00:00.000000Z"
    db["articles"].insert(
        {"id": 7, "url": "https://x/7", "portal": "demo", "title": "Đảng bộ thành phố"}
        | {"content_hash": "h", "first_seen_at": seen, "last_seen_at": seen, "version": 1}
    )
    assert db["articles_fts"].exists()
    db.close()
    assert search(db_path, "dang bo") == [7]
    db = open_archive(db_path)
    assert not db["articles_fts"].exists()
    assert not {"articles_ai", "articles_ad", "articles_au"} & {t.name for t in db.triggers}
    db.close()
    integrity_check(db_path)


def test_plain_box_search_opens_the_search_page(site: Site) -> None:
    """The table's own box (only _search, default sort) leads to the ranked search page;
    a filter, a sort of the reader's own or the JSON API stay on the table."""
    for query in ("thanh uy tra vinh", 'a"b (c) NEAR *', "Thành uỷ"):
        value = quote(query, safe="")
        for path in (f"/archive/articles?_search={value}",
                     f"/archive/articles?_search={value}&_sort_desc=search_key"):  # fmt: skip
            response = site.get(path, status=302)
            target = response.headers["location"]
            assert target == f"/-/search?q={quote_plus(vn_search.clean_query(query))}"
            assert site.get(target).status_code == 200
    for path in (
        "/demo/articles?_search=thanh&_sort_desc=published_at",
        "/demo/articles?_search=thanh&portal=demo",
        "/demo/articles.json?_search=thanh",
    ):
        assert site.get(path).status_code == 200
