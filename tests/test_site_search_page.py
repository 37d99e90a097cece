"""The search results page /-/search: a real `portal-archive serve` over a crawl of the demo
portal (days 0 and 1: edits and removals), every figure checked against SQL run here."""

from __future__ import annotations

import csv
import io
import math
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import httpx
import pytest
from lxml import html

from archive import search_page, vn_search
from archive.hide import REASONS, hide_article
from archive.permalinks import permalink
from archive.search_page import SearchInputError, SearchParams

from .conftest import free_port, served_archive, stop, wait_for_http

WORD = "ubnd"  # in most demo articles: a result set of several pages
FAILED_TITLE_LIKE = "%UBND%"
HIDE_REASON = next(iter(REASONS))


@pytest.fixture(scope="module")
def archive(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo archive where one matching article failed extraction."""
    db = tmp_path_factory.mktemp("search-page") / "demo.db"
    shutil.copy(demo_archive, db)
    conn = sqlite3.connect(db)
    vn_search.register(conn)  # the index triggers need the functions
    with conn:
        conn.execute(
            "UPDATE articles SET extraction_failed = 'no_body' WHERE id = (SELECT min(id)"
            " FROM articles WHERE title LIKE ? AND removed_at IS NULL)",
            [FAILED_TITLE_LIKE],
        )
    hidden_url = conn.execute(
        "SELECT url FROM articles WHERE title LIKE ? AND extraction_failed IS NULL"
        " ORDER BY id DESC LIMIT 1",
        [FAILED_TITLE_LIKE],
    ).fetchone()[0]
    conn.close()
    hide_article(db, hidden_url, HIDE_REASON, note="test")
    return db


@pytest.fixture(scope="module")
def base(archive: Path) -> Iterator[str]:
    with served_archive(archive) as url:
        yield url


def get(base: str, path: str, status: int = 200, **params: str) -> httpx.Response:
    response = httpx.get(base + path, params=params, timeout=30)
    assert response.status_code == status, (path, params, response.status_code, response.text[:500])
    return response


def page_of(response: httpx.Response) -> html.HtmlElement:
    return html.fromstring(response.text)


def text(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def matches(db: Path, q: str, where: str = "1", *params: object) -> list[int]:
    """Ids of the articles the query matches, newest first, by our own SQL."""
    conn = sqlite3.connect(db)
    vn_search.register(conn)
    try:
        return [
            row[0]
            for row in conn.execute(
                "SELECT a.id FROM articles_search JOIN articles AS a"
                " ON a.search_key = articles_search.rowid"
                " WHERE articles_search MATCH vn_fts_query(?) AND a.extraction_failed IS NULL"
                " AND a.hidden_at IS NULL"
                f" AND {where} ORDER BY a.search_key DESC",
                [q, *params],
            )
        ]
    finally:
        conn.close()


def scalar(db: Path, sql: str, *params: object) -> object:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def scalar_rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# -- count and paging --------------------------------------------------------------------------


def test_title_count_and_page_links(base: str, archive: Path) -> None:
    expected = matches(archive, WORD)
    pages = math.ceil(len(expected) / search_page.PAGE_SIZE)
    assert pages >= 3, "the demo word must give several pages"
    doc = page_of(get(base, "/-/search", q=WORD))
    assert doc.findtext(".//title").strip() == f"Tìm kiếm: {WORD} — {vn(len(expected))} kết quả"
    assert doc.cssselect(".sr-count")[0].get("data-count") == str(len(expected))
    assert f"{vn(len(expected))} kết quả" in text(doc.cssselect(".sr-count")[0])
    assert len(doc.cssselect("li.sr-result")) == search_page.PAGE_SIZE
    numbers = [text(a) for a in doc.cssselect(".sr-pages a.sr-page")]
    assert numbers[0] == "2" and numbers[-1] == str(pages)
    assert doc.cssselect(".sr-pages .sr-current")[0].text == "1"
    assert doc.cssselect(".sr-pages a.sr-next") and not doc.cssselect(".sr-pages a.sr-prev")
    for link in doc.cssselect(".sr-pages a"):
        assert parse_qs(urlsplit(link.get("href")).query)["q"] == [WORD]
    last = page_of(get(base, "/-/search", q=WORD, page=str(pages)))
    rows = len(expected) - (pages - 1) * search_page.PAGE_SIZE
    assert len(last.cssselect("li.sr-result")) == rows
    assert last.cssselect(".sr-pages a.sr-prev") and not last.cssselect(".sr-pages a.sr-next")
    assert last.cssselect("ol.sr-results")[0].get("start") == str((pages - 1) * 50 + 1)


@pytest.mark.parametrize("sort", ["date", "relevance"])
def test_pages_cover_every_match_once(base: str, archive: Path, sort: str) -> None:
    expected = matches(archive, WORD)
    first = get(base, "/-/search.json", q=WORD, sort=sort).json()
    assert first["count"] == len(expected)
    assert first["pages"] == math.ceil(len(expected) / 50)
    seen: list[int] = []
    for number in range(1, first["pages"] + 1):
        data = get(base, "/-/search.json", q=WORD, sort=sort, page=str(number)).json()
        assert data["page"] == number and data["count"] == len(expected)
        seen += [row["id"] for row in data["rows"]]
        assert (data["next_url"] is None) == (number == first["pages"])
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == set(expected)
    if sort == "date":
        assert seen == expected  # newest first, exactly the index's order


def test_failed_and_hidden_rows_stay_out(base: str, archive: Path) -> None:
    failed = scalar(archive, "SELECT id FROM articles WHERE extraction_failed IS NOT NULL")
    hidden = scalar(archive, "SELECT id FROM articles WHERE hidden_at IS NOT NULL")
    assert failed is not None and hidden is not None
    data = get(base, "/-/search.json", q=WORD, sort="date", page="1").json()
    ids = set()
    for number in range(1, data["pages"] + 1):
        page = get(base, "/-/search.json", q=WORD, sort="date", page=str(number)).json()
        ids |= {row["id"] for row in page["rows"]}
    assert failed not in ids and hidden not in ids
    assert len(ids) == data["count"]
    for filtered in ({"removed": "0"}, {"year": "2022"}, {"section": "Chính trị"}):
        count = get(base, "/-/search.json", q=WORD, **filtered).json()["count"]
        where = {"removed": "a.removed_at IS NULL", "year": "1",
                 "section": "a.section = 'Chính trị'"}[next(iter(filtered))]  # fmt: skip
        assert count == len(matches(archive, WORD, where))


def test_relevance_past_its_candidates_continues_in_date_order(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 50 ranked candidates, page 1 is ranked and every later page is the date order's
    page: together they still list every match once."""
    monkeypatch.setattr(search_page, "RELEVANCE_CANDIDATES", 50)
    conn = sqlite3.connect(archive)
    vn_search.register(conn)
    expected = matches(archive, WORD)
    seen = []
    for number in range(1, math.ceil(len(expected) / 50) + 1):
        for sort in ("relevance", "date"):
            query = search_page.page_query(SearchParams(q=WORD, sort=sort, page=number))
            ids = [row[0] for row in conn.execute(query.sql, query.params)]
            if sort == "relevance":
                seen += ids
                ranked = ids
            elif number > 1:
                assert ranked == ids  # past the candidates: the date order's page
            else:
                assert set(ranked) == set(ids) and ranked != ids  # ranked among the newest 50
    assert sorted(seen) == sorted(expected)
    conn.close()


def test_relevance_note_when_the_ranking_stops(base: str, archive: Path) -> None:
    """On the demo every match is ranked (fewer than 1 000): no note is shown."""
    assert len(matches(archive, WORD)) <= search_page.RELEVANCE_CANDIDATES
    doc = page_of(get(base, "/-/search", q=WORD))
    assert not doc.cssselect("#sr-order-note")
    data = get(base, "/-/search.json", q=WORD).json()
    assert data["order"] == "relevance" and data["order_note"] is None


# -- facets and date range -------------------------------------------------------------------


def test_facets_are_links_that_keep_the_query(base: str, archive: Path) -> None:
    doc = page_of(get(base, "/-/search", q=WORD, sort="date"))
    facets = {f.get("data-facet"): f for f in doc.cssselect(".sr-facet")}
    assert {"portal", "section", "year", "attachments", "changed", "removed"} <= set(facets)
    for facet in facets.values():
        for link in facet.cssselect("a"):
            args = parse_qs(urlsplit(link.get("href")).query)
            assert args["q"] == [WORD] and args["sort"] == ["date"]
    sections = {
        text(li.cssselect("a")[0]): int(li.cssselect(".sr-n")[0].text.replace(".", ""))
        for li in facets["section"].cssselect("li")
    }
    for section, count in sections.items():
        assert count == len(matches(archive, WORD, "a.section = ?", section))
    assert sum(sections.values()) == len(matches(archive, WORD, "a.section IS NOT NULL"))


def test_following_a_facet_filters_and_counts_exactly(base: str, archive: Path) -> None:
    data = get(base, "/-/search.json", q=WORD).json()
    facets = data["facets"]
    assert facets["capped"] is False and facets["counted"] == data["count"]
    changed = {item["value"]: item for item in facets["changed"]}
    edited = len(matches(archive, WORD, "a.id IN (SELECT article_id FROM article_versions"
                                        " WHERE change_kind = 'edit')"))  # fmt: skip
    assert edited > 0 and changed[True]["count"] == edited
    narrowed = httpx.get(base + changed[True]["url"], timeout=30).json()
    assert narrowed["count"] == edited and narrowed["filters"] == {"changed": "1"}
    assert all(row["changed"] for row in narrowed["rows"])
    removed = {item["value"]: item["count"] for item in facets["removed"]}
    assert removed[True] == len(matches(archive, WORD, "a.removed_at IS NOT NULL")) > 0
    files = {item["value"]: item["count"] for item in facets["attachments"]}
    with_files = matches(archive, WORD, "a.attachments NOT IN ('[]', '')")
    assert files[True] == len(with_files) > 0
    files_only = get(base, "/-/search.json", q=WORD, attachments="1").json()
    assert files_only["count"] == len(with_files)
    assert all(row["has_attachments"] for row in files_only["rows"])


def test_year_and_month_facets(base: str, archive: Path) -> None:
    data = get(base, "/-/search.json", q=WORD).json()
    years = {item["value"]: item["count"] for item in data["facets"]["year"]}
    for year, count in years.items():
        assert count == len(matches(archive, WORD, "a.search_key / 100000000 BETWEEN ? AND ?",
                                    search_page.day_number(date(year, 1, 1)),
                                    search_page.day_number(date(year, 12, 31))))  # fmt: skip
    year = max(years)
    in_year = get(base, "/-/search.json", q=WORD, year=str(year)).json()
    assert in_year["count"] == years[year]
    months = {item["value"]: item["count"] for item in in_year["facets"]["month"]}
    assert sum(months.values()) == years[year]
    month = max(months, key=lambda m: months[m])
    one = get(base, "/-/search.json", q=WORD, year=str(year), month=str(month)).json()
    assert one["count"] == months[month]
    for row in one["rows"]:
        shown = (row["published_at"] or row["first_seen_at"])[:7]
        assert shown == f"{year:04d}-{month:02d}"
    doc = page_of(get(base, "/-/search", q=WORD, year=str(year), month=str(month)))
    active = [text(a) for a in doc.cssselect(".sr-active a")]
    assert active == [f"Đăng tháng {month}/{year} ×"]
    undo = parse_qs(urlsplit(doc.cssselect(".sr-active a")[0].get("href")).query)
    assert undo == {"q": [WORD]}


def test_date_range_on_publication_date(base: str, archive: Path) -> None:
    start, end = "2022-03-10", "2022-04-30"
    expected = matches(archive, WORD, "substr(coalesce(a.published_at, a.first_seen_at), 1, 10)"
                                      " BETWEEN ? AND ?", start, end)  # fmt: skip
    assert 0 < len(expected) < len(matches(archive, WORD))
    data = get(base, "/-/search.json", q=WORD, **{"from": start, "to": end}).json()
    assert data["count"] == len(expected)
    assert data["filters"] == {"from": start, "to": end}
    for row in data["rows"]:
        assert start <= row["published_at"][:10] <= end
    doc = page_of(get(base, "/-/search", q=WORD, **{"from": start, "to": end}))
    assert doc.cssselect("input[name=from]")[0].get("value") == start
    assert [text(a) for a in doc.cssselect(".sr-active a")] == [
        "Từ ngày 10/03/2022 ×",
        "Đến ngày 30/04/2022 ×",
    ]
    wrong = page_of(get(base, "/-/search", 400, q=WORD, **{"from": end, "to": start}))
    assert "ngày bắt đầu sau ngày kết thúc" in text(wrong.cssselect(".sr-message")[0])


# -- formats -----------------------------------------------------------------------------------


def test_json_carries_count_pages_facets_rows(base: str, archive: Path) -> None:
    data = get(base, "/-/search.json", q=WORD, page="2").json()
    assert data["ok"] is True and data["count"] == len(matches(archive, WORD))
    assert (data["page"], data["page_size"]) == (2, 50)
    assert data["previous_url"].endswith("q=ubnd")
    assert "page=3" in data["next_url"]
    row = data["rows"][0]
    keys = {"id", "title", "url", "archive_url", "snippet", "snippet_html", "published_at",
            "portal", "section", "changed", "removed_at", "has_attachments"}  # fmt: skip
    assert keys <= set(row)
    assert vn_search.MARK_START not in row["snippet"] and "<mark>" in row["snippet_html"]
    assert row["archive_url"] == base + permalink(row["url"])  # citable: survives snapshots
    article = httpx.get(row["archive_url"], timeout=30, follow_redirects=True)
    assert article.status_code == 200 and row["title"] in article.text


def test_csv_has_a_bom_and_parses(base: str) -> None:
    response = get(base, "/-/search.csv", q=WORD)
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 50
    by_json = {r["url"]: r for r in get(base, "/-/search.json", q=WORD).json()["rows"]}
    for row in rows:
        assert row["snippet"] == by_json[row["url"]]["snippet"]
        assert row["title"] == by_json[row["url"]]["title"]
        for value in row.values():
            assert "\ue000" not in value and "\ue001" not in value and "<mark>" not in value
    assert any("," in row["snippet"] for row in rows)  # quoting exercised


def test_atom_in_date_order_with_the_query_in_its_title(base: str, archive: Path) -> None:
    feed = feedparser.parse(get(base, "/-/search.atom", q=WORD, sort="relevance").content)
    assert not feed.bozo
    assert feed.feed.title.startswith(f"Tìm kiếm: {WORD}")
    times = [entry.updated_parsed for entry in feed.entries]
    assert len(times) == 50 and times == sorted(times, reverse=True)
    newest = matches(archive, WORD)[:50]
    urls = dict(scalar_rows(archive, "SELECT id, url FROM articles"))
    assert {e.id for e in feed.entries} == {base + permalink(urls[i]) for i in newest}
    assert all(entry.link == entry.id for entry in feed.entries)


@pytest.mark.parametrize("suffix", [".xml", ".rss", ".html5", ".json2"])
def test_unknown_format_is_a_vietnamese_404(base: str, suffix: str) -> None:
    doc = page_of(get(base, f"/-/search{suffix}", 404, q=WORD))
    assert "Không có định dạng" in text(doc.cssselect(".sr-message")[0])
    assert doc.getroottree().getroot().get("lang") == "vi"


def test_old_canned_query_links_still_work(base: str) -> None:
    response = get(base, "/archive/search.json", q=WORD, _shape="array")
    assert len(response.json()) == 50


# -- honest answers ----------------------------------------------------------------------------


@pytest.mark.parametrize("q", ['"', "*", "😀", '""', "- ^"])
def test_a_query_without_a_word_says_so(base: str, q: str) -> None:
    doc = page_of(get(base, "/-/search", 400, q=q))
    assert "không có từ nào để tìm" in text(doc.cssselect(".sr-message")[0])
    assert not doc.cssselect("li.sr-result")
    data = get(base, "/-/search.json", 400, q=q).json()
    assert data["ok"] is False and "không có từ nào" in data["error"]


def test_no_results_offer_nearby_searches(base: str, archive: Path) -> None:
    doc = page_of(get(base, "/-/search", q="Thánh ủy"))
    assert "Không tìm thấy kết quả nào" in text(doc.cssselect(".sr-count")[0])
    [link] = doc.cssselect(".sr-alternatives a")
    assert parse_qs(urlsplit(link.get("href")).query)["q"] == ["Thanh uy"]
    assert len(matches(archive, "Thanh uy")) > 0
    quoted = get(base, "/-/search.json", q='"Trà Vinh UBND"').json()
    assert quoted["count"] == 0
    labels = {a["label"]: a for a in quoted["alternatives"]}
    assert labels["Bỏ ngoặc kép"]["count"] == len(matches(archive, "Trà Vinh UBND")) > 0
    filtered = get(base, "/-/search.json", q=WORD, year="2021").json()
    assert filtered["count"] == 0
    [everywhere] = filtered["alternatives"]
    assert everywhere["args"] == {"q": WORD} and everywhere["count"] == len(matches(archive, WORD))
    page = page_of(get(base, "/-/search", q=WORD, year="2021"))
    assert "Trên mọi cổng" in text(page.cssselect(".sr-alternatives")[0])


@pytest.mark.parametrize(
    ("page", "status", "words"),
    [
        ("0", 400, "bắt đầu từ 1"),
        ("-1", 400, "không hợp lệ"),
        ("abc", 400, "không hợp lệ"),
        ("1.5", 400, "không hợp lệ"),
        ("1000000000000", 400, "quá lớn"),
        ("9" * 40, 400, "quá lớn"),
        ("99", 404, "chỉ có"),
    ],
)
def test_bad_paging_gets_a_clear_message(base: str, page: str, status: int, words: str) -> None:
    response = get(base, "/-/search", status, q=WORD, page=page)
    message = text(page_of(response).cssselect(".sr-message")[0])
    assert words in message
    for bad in ("datatype mismatch", "Traceback", "Error 500", "OverflowError"):
        assert bad not in response.text
    assert get(base, "/-/search.json", status, q=WORD, page=page).json()["ok"] is False


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({"sort": "best"}, "sort=relevance"),
        ({"year": "20x2"}, "Năm"),
        ({"month": "6"}, "cần cả năm"),
        ({"year": "2022", "month": "13"}, "Tháng"),
        ({"changed": "yes"}, "changed"),
        ({"from": "02/06/2022"}, "năm-tháng-ngày"),
    ],
)
def test_bad_filters_are_vietnamese_400s(base: str, args: dict, words: str) -> None:
    doc = page_of(get(base, "/-/search", 400, q=WORD, **args))
    assert words in text(doc.cssselect(".sr-message")[0])


def test_empty_query_shows_the_form_and_help(base: str) -> None:
    doc = page_of(get(base, "/-/search"))
    assert doc.cssselect("form.sr-form input[name=q]")
    assert doc.cssselect("details.sr-help[open]")
    assert not doc.cssselect("li.sr-result")
    sql_link = [a for a in doc.cssselect("a") if text(a) == "SQL cho người dùng nâng cao"]
    assert sql_link and "/search?" in sql_link[0].get("href")


# -- pure parts ----------------------------------------------------------------------------------


def test_parse_params_and_links_round_trip() -> None:
    args = {"q": " ủy ban ", "sort": "date", "portal": "demo", "year": "2022", "month": "6",
            "changed": "1", "removed": "0", "from": "2022-06-01", "page": "3"}  # fmt: skip
    params = search_page.parse_params(args)
    assert params.q == "ủy ban" and params.page == 3 and params.removed is False
    assert search_page.parse_params(params.args()) == params
    with pytest.raises(SearchInputError) as error:
        search_page.parse_params({"q": "x", "page": "١٢"})  # Arabic-Indic digits: isdigit()
    assert error.value.status == 400


def test_key_range_and_periods() -> None:
    params = SearchParams(q="x", year=2022, month=12)
    low, high = search_page.key_range(params)
    assert search_page.key_day(low) == date(2022, 12, 1)
    assert search_page.key_day(high) == date(2022, 12, 31)
    assert search_page.day_number(date(2022, 6, 2)) == 2459732  # SQLite: julianday() floored
    first = search_page.day_number(date(2021, 11, 5)) * search_page.KEY_DAY
    last = search_page.day_number(date(2023, 2, 1)) * search_page.KEY_DAY + 7
    years = search_page.periods(SearchParams(q="x"), first, last)
    assert [label for label, _, _ in years] == ["2021", "2022", "2023"]
    months = search_page.periods(SearchParams(q="x", year=2022), first, last)
    assert len(months) == 12 and months[0][0] == "2022-01"
    ranged = SearchParams(q="x", date_from=date(2022, 3, 15), date_to=date(2022, 5, 2), year=2022)
    labels = [label for label, _, _ in search_page.periods(ranged, first, last)]
    assert labels == ["2022-03", "2022-04", "2022-05"]


def test_a_search_stopped_by_the_time_limit_is_a_vietnamese_503(archive: Path) -> None:
    """A site whose SQL time limit is 1 ms: the search is interrupted, and says so."""
    port = free_port()
    command = [sys.executable, "-m", "portal_spider", "serve", "--db", str(archive),
               "--port", str(port), "--sql-time-limit-ms", "1"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/-/versions.json")
        doc = page_of(get(base, "/-/search", 503, q="thành phố"))
        assert "quá nhiều thời gian" in text(doc.cssselect(".sr-message")[0])
        data = get(base, "/-/search.json", 503, q="thành phố").json()
        assert data["ok"] is False and data["status"] == 503
    finally:
        stop(process)
