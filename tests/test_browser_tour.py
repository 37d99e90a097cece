"""Issue 13 point 12: one headless-Chromium tour of points 1-10, each at 1280 px and 390 px.

The site is the documented public setup (docs/publishing.md): the demo archive (days 0 and 1:
edits, removals) with one article hidden by `portal-archive hide`, a snapshot taken with
`portal-archive snapshot`, then 1 100 more articles of a second portal (our own text) and a
second snapshot; each snapshot is served by `portal-archive serve --public`. Links read on
the first site must open on the second (permanent links survive a new snapshot), and a search
there has more than a thousand results (Vietnamese separators, many pages, paging past the
1 000 matches relevance ranks).

Brief by design: the other browser tests and the test_site_* tests check each point in depth;
the tour checks that every point holds, at both widths, on one public site. Point 11 (`make
demo` tells the whole story) is not a browser matter: tests/test_end_to_end.py::
test_demo_main_job_serves_the_archive runs `portal-archive demo` and opens every address it
prints. Screenshots: test-artifacts/screenshots/tour-*.png.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit
from xml.etree import ElementTree

import pytest

from archive import ArchiveWriter, permalinks, vn_search
from archive.changes import week_of

from .browser_support import RecordedPage, open_page
from .conftest import portal_archive, served_archive

WIDTHS = (1280, 390)
#: Matches about 195 demo articles and every bulletin: more than 1 000 results, 26 pages.
MANY = "phường"
BULLETINS = 1_100
ATOM = "{http://www.w3.org/2005/Atom}"
ENGLISH_CHROME = ("Powered by", "Queries took", "This data as")
VN_TIME = re.compile(r"^\d{2}/\d{2}/\d{4}( \d{2}:\d{2}(:\d{2})?)?( \(giờ Việt Nam\))?$")
VIETNAM = timezone(timedelta(hours=7))
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?\b")


@dataclass(frozen=True)
class Tour:
    base: str  # the newer snapshot, served --public
    old_base: str  # the older snapshot, served --public
    db: Path  # the newer snapshot's file
    live: Path  # the archive the snapshots were taken from
    snapshots: Path
    edited: str  # original URL of an article edited on day 1
    removed: str  # original URL of an article removed on day 1
    hidden: str  # original URL of the article hidden before both snapshots
    hidden_title: str


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    vn_search.register(conn)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def match_count(db: Path, query: str, where: str = "a.hidden_at is null", *params: object) -> int:
    """Readable articles matching ``query`` (our own SQL, not the page's) and ``where``."""
    return rows(
        db,
        "select count(*) from articles_search as s join articles as a on a.search_key = s.rowid"
        f" where articles_search match vn_fts_query(?) and ({where})",
        query,
        *params,
    )[0][0]


def instant(value: str) -> datetime:
    """A shown time as an instant: a portal's time without offset is Vietnam time."""
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)


def vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def add_bulletins(db: Path, count: int) -> None:
    """A second portal's ``count`` articles (our own text), published through 2021."""
    with ArchiveWriter(db, batch_size=500) as writer:
        writer.ensure_portal(
            "bencau", "Cổng thử nghiệm xã Bến Cầu (bản mô phỏng)", "https://bencau.example.vn",
            None, ["nong-nghiep"],
        )  # fmt: skip
        for n in range(count):
            ward = 1 + n % 9
            writer.add_article(
                {
                    "url": f"https://bencau.example.vn/nong-nghiep/ban-tin-{n}.html",
                    "kind": "article",
                    "title": f"Bản tin số {n}: nông dân phường {ward} thu hoạch lúa hè thu",
                    "published_at": f"2021-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00+07:00",
                    "summary": f"Phường {ward} thu hoạch lúa hè thu, năng suất ổn định.",
                    "body_text": f"Nông dân phường {ward} thu hoạch {40 + n % 50} ha lúa.\n"
                    "Hợp tác xã hỗ trợ máy gặt đập liên hợp.",
                    "images": [],
                    "attachments": [],
                    "links": [],
                },
                portal="bencau",
                section="Nông nghiệp" if n % 2 else "Tin tức",
                fetched_at="2026-11-02T01:00:00Z",
            )


def snapshot(db: Path, out: Path) -> Path:
    made = portal_archive("snapshot", "--db", str(db), "--out", str(out))
    assert made.returncode == 0, made.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out / manifest["snapshots"][-1]["file"]


@pytest.fixture(scope="module")
def tour(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tour]:
    folder = tmp_path_factory.mktemp("tour")
    live = folder / "demo.db"
    shutil.copy(demo_archive, live)
    [(edited,)] = rows(
        live,
        "select a.url from articles a join article_versions v on v.article_id = a.id"
        " where v.change_kind = 'edit' and a.removed_at is null order by a.id limit 1",
    )
    [(removed,)] = rows(live, "select url from articles where removed_at is not null limit 1")
    # hidden: an unchanged article that a search for MANY and for "ubnd" would list
    [(hidden, hidden_title)] = rows(
        live,
        "select url, title from articles where title like 'UBND phường%' and version = 1"
        " order by id limit 1",
    )
    done = portal_archive("hide", hidden, "--db", str(live), "--reason", "personal_data")
    assert done.returncode == 0, done.stderr
    snapshots = folder / "snapshots"
    older = snapshot(live, snapshots)
    add_bulletins(live, BULLETINS)
    newer = snapshot(live, snapshots)
    assert older.name != newer.name
    with ExitStack() as stack:
        old_base = stack.enter_context(served_archive(older, serve_args=("--public",)))
        public = ("--public", "--snapshots", str(snapshots))
        base = stack.enter_context(served_archive(newer, serve_args=public))
        yield Tour(base, old_base, newer, live, snapshots, edited, removed, hidden, hidden_title)


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def page(browser, request: pytest.FixtureRequest) -> Iterator[RecordedPage]:  # type: ignore[no-untyped-def]
    recorded = open_page(browser, request.param, accept_downloads=True)
    try:
        yield recorded
        assert recorded.foreign_requests() == [], "requests left 127.0.0.1"
        assert recorded.errors == [] and recorded.dialogs == []
    finally:
        recorded.screenshot("tour-" + request.node.name.replace("[", "-").replace("]", ""))
        recorded.page.context.close()


def width_of(page: RecordedPage) -> int:
    return page.page.viewport_size["width"]  # type: ignore[index]


def goto(page: RecordedPage, url: str, status: int = 200) -> None:
    response = page.page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)


def shown_count(page: RecordedPage) -> int:
    return int(page.page.locator(".sr-count").get_attribute("data-count") or -1)


def no_sideways_scroll(page: RecordedPage) -> None:
    scroll = page.page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width_of(page), (page.page.url, scroll)


# -- 1. search first ------------------------------------------------------------------------


def test_1_search_box_count_pages_sort_facets_dates(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    header_pages = ("/-/changes", "/-/snapshots", permalinks.permalink(tour.edited), "/-/web")
    for path in (*header_pages, "/archive/articles"):  # Datasette's table page too
        goto(page, tour.base + path)
        header_box = p.locator("header form[role=search] input[name=q]")
        assert header_box.is_visible(), path
    goto(page, tour.base + "/")
    p.locator("form.pa-home-search input[name=q]").fill(MANY)
    p.locator("form.pa-home-search input[name=q]").press("Enter")
    p.wait_for_url("**/-/search?q=*")
    total = match_count(tour.db, MANY)
    assert total > 1_000
    assert p.title() == f"Tìm kiếm: {MANY} — {vn(total)} kết quả"
    assert shown_count(page) == total
    assert p.locator(".sr-count strong").inner_text() == vn(total)
    pages = -(-total // 50)
    assert p.locator("li.sr-result").count() == 50
    # page links: the next page, then the last one (past the 1 000 matches relevance ranks)
    p.locator(".sr-pages a.sr-page", has_text=re.compile("^2$")).click()
    p.wait_for_url("**page=2*")
    assert p.locator("ol.sr-results").get_attribute("start") == "51"
    last = p.locator(".sr-pages a.sr-page").last
    assert last.inner_text() == str(pages)
    last.click()
    p.wait_for_url(f"**page={pages}*")
    assert p.locator("li.sr-result").count() == total - 50 * (pages - 1)
    assert p.locator(".sr-pages .sr-current").inner_text() == str(pages)
    # sort by date, newest first, keeping the query
    goto(page, f"{tour.base}/-/search?q={quote(MANY)}")
    p.locator(".sr-sort a", has_text="mới nhất").click()
    p.wait_for_url("**sort=date*")
    assert parse_qs(urlsplit(p.url).query)["q"] == [MANY]
    days = [  # newest day first (within a day, the archive's order)
        instant(t).astimezone(VIETNAM).date()
        for t in p.locator("li.sr-result time").evaluate_all("ts => ts.map(t => t.dateTime)")
    ]
    assert len(days) == 50 and days == sorted(days, reverse=True)
    # facets are links keeping the query; their counts are exact
    goto(page, f"{tour.base}/-/search?q={quote(MANY)}")
    in_2021 = match_count(tour.db, MANY, "substr(a.published_at, 1, 4) = '2021'")
    year = p.locator(".sr-facet[data-facet=year] li", has_text="2021")
    assert year.locator(".sr-n").inner_text() == vn(in_2021)  # period counts are exact
    portal = p.locator(".sr-facet[data-facet=portal] li", has_text="Bến Cầu")
    bencau = match_count(tour.db, MANY, "a.portal = ?", "bencau")
    assert p.locator(".sr-capped").count() == 0  # exact up to 100 000 matches
    assert portal.locator(".sr-n").inner_text() == vn(bencau)
    portal.locator("a").click()
    p.wait_for_url("**portal=bencau*")
    assert parse_qs(urlsplit(p.url).query)["q"] == [MANY]
    assert shown_count(page) == bencau
    p.locator(".sr-facet[data-facet=year] a", has_text="2021").click()
    p.wait_for_url("**year=2021*")
    assert {"q", "portal", "year"} <= set(parse_qs(urlsplit(p.url).query))
    assert p.locator(".sr-facet[data-facet=month] a").count() == 12
    # a chosen filter links back without itself, keeping the query
    for chip in p.locator(".sr-active a").all():
        assert parse_qs(urlsplit(chip.get_attribute("href") or "").query)["q"] == [MANY]
    # the date range, from the form
    goto(page, f"{tour.base}/-/search?q={quote(MANY)}")
    p.fill("input[name=from]", "2021-03-01")
    p.fill("input[name=to]", "2021-03-31")
    p.locator("#sr-q").press("Enter")
    p.wait_for_url("**to=2021-03-31*")
    assert parse_qs(urlsplit(p.url).query)["q"] == [MANY]
    march = match_count(tour.db, MANY, "substr(a.published_at, 1, 7) = '2021-03'")
    assert 0 < shown_count(page) == march


# -- 2. highlighting by phrase ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "runs"),
    [("ủy ban", {"uy ban"}), ("ubnd", {"ubnd", "uy ban nhan dan"})],
    ids=["uy-ban", "ubnd"],
)
def test_2_highlights_are_runs_of_the_query(
    tour: Tour, page: RecordedPage, query: str, runs: set[str]
) -> None:
    goto(page, f"{tour.base}/-/search?q={quote(query)}")
    marks = page.page.locator("li.sr-result mark").all_inner_texts()
    assert len(marks) >= page.page.locator("li.sr-result").count() > 0
    assert {" ".join(vn_search.fold(m).lower().split()) for m in marks} <= runs, marks


# -- 3. honest answers ------------------------------------------------------------------------


def test_3_honest_answers_in_vietnamese(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    goto(page, f"{tour.base}/-/search?q=%22", 400)
    assert "không có từ nào để tìm" in p.locator(".sr-message").inner_text()
    nothing = quote('"Thánh ủy"')  # tone marks no article has, and quotes
    goto(page, f"{tour.base}/-/search?q={nothing}&portal=demo")
    assert "Không tìm thấy kết quả nào" in p.locator(".sr-count").inner_text()
    offers = p.locator(".sr-alternatives a")
    labels = " | ".join(offers.all_inner_texts())
    assert "Bỏ dấu" in labels, labels
    assert "Trên mọi cổng" not in labels, labels  # '"Thánh ủy"' finds nothing there either
    offers.first.click()
    p.wait_for_url("**q=*Thanh+uy*")
    assert shown_count(page) > 0
    goto(page, f"{tour.base}/-/search?q=ubnd&page=abc", 400)
    assert "Số trang “abc” không hợp lệ" in p.locator(".sr-message").inner_text()
    assert p.locator("#sr-q").input_value() == "ubnd"  # the query stays in the box
    goto(page, f"{tour.base}/-/search?q=ubnd&page=99", 404)
    assert "Không có trang 99" in p.locator(".sr-message").inner_text()
    p.locator("a", has_text="Tới trang cuối").click()
    p.wait_for_load_state()
    assert p.locator("li.sr-result").count() > 0
    for path in ("/archive/articles/999999", "/khong-co-trang-nay", "/archive/bang-khong-co"):
        goto(page, tour.base + path, 404)
        assert p.locator("html").get_attribute("lang") == "vi"
        text = p.inner_text("body")
        assert "Error 404" not in text and "not found" not in text.lower(), (path, text[:300])
        assert "Không tìm thấy" in text, (path, text[:300])


# -- 4. permanent, citable links ---------------------------------------------------------------


def test_4_permalinks_survive_a_new_snapshot(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    # read on the older public snapshot ...
    goto(page, tour.old_base + "/")
    p.locator("form.pa-home-search input[name=q]").fill(
        rows(tour.db, "select title from articles where url = ?", tour.edited)[0][0]
    )
    p.locator("form.pa-home-search input[name=q]").press("Enter")
    p.wait_for_url("**/-/search?q=*")
    p.locator(f"li.sr-result a[href='{permalinks.permalink(tour.edited)}']").first.click()
    p.wait_for_url(tour.old_base + permalinks.permalink(tour.edited))
    title = p.inner_text("h1")
    undated = p.locator("a.archive-permalink").get_attribute("href")
    dated = p.locator("#versions a.archive-version-link", has_text="1").get_attribute("href")
    assert undated and dated and re.match(r"^/-/web/\d{14}/http", dated), dated
    p.locator("#versions a.archive-version-link", has_text="1").click()
    p.wait_for_url(tour.old_base + dated)
    old_text = p.locator(".archive-body").inner_text()
    latest_text = rows(tour.db, "select body_text from articles where url = ?", tour.edited)[0][0]
    assert " ".join(old_text.split()) != " ".join(latest_text.split())
    # ... opened on the newer one: another file, more articles, the same pages
    assert rows(tour.db, "select count(*) from articles")[0][0] > 1_000
    goto(page, tour.base + urlsplit(undated).path)
    assert p.inner_text("h1") == title
    goto(page, tour.base + dated)
    assert p.inner_text("h1") == title
    assert "phiên bản 1" in p.inner_text("#dated")
    assert p.locator(".archive-body").inner_text() == old_text
    cite = p.locator("#cite")
    cite.scroll_into_view_if_needed()
    assert cite.is_visible() and "Trích dẫn" in cite.locator("h2").inner_text()
    text = p.inner_text("#cite-text")
    assert f"Bản lưu: {tour.base}{dated}" in text
    assert f"Địa chỉ gốc: {tour.edited}" in text and "sha256:" in text
    # a removed article's permalink: the tombstone and its last text
    goto(page, tour.base + permalinks.permalink(tour.removed))
    assert p.locator(".archive-removed").is_visible()
    assert p.locator(".archive-body p").count() >= 1


# -- 5. look up by portal URL -----------------------------------------------------------------


def test_5_lookup_by_a_url_variant(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    title = rows(tour.db, "select title from articles where url = ?", tour.edited)[0][0]
    # as pasted from a chat: no scheme, tracking parameters (the home page's form)
    bare = tour.edited.removeprefix("http://") + "?utm_source=zalo&utm_medium=chat"
    goto(page, tour.base + "/")
    p.locator("form.pa-lookup input[name=url]").fill(bare)
    p.locator("form.pa-lookup input[name=url]").press("Enter")
    p.wait_for_selector("#web-found")
    assert p.locator("#web-permalink").inner_text() == title
    assert p.locator("#web-versions tbody tr").count() == 2
    # https, www. and a fragment (the look-up page's own form)
    p.fill("#web-url", tour.edited.replace("http://", "https://www.") + "?fbclid=x#top")
    p.press("#web-url", "Enter")
    p.wait_for_url("**fbclid*")
    assert p.locator("#web-permalink").inner_text() == title
    p.click("#web-permalink")
    p.wait_for_url(tour.base + permalinks.permalink(tour.edited))
    assert p.inner_text("h1") == title


# -- 6. versions, diffs, the changes page and its feed --------------------------------------


def test_6_versions_diff_changes_and_feed(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    events = rows(
        tour.db,
        "select a.title, v.change_kind from article_versions v join articles a"
        " on a.id = v.article_id where v.change_kind in ('edit', 'removal')"
        " order by v.fetched_at desc, v.article_id desc",
    )
    week = week_of(rows(tour.db, "select max(fetched_at) from article_versions")[0][0])
    goto(page, f"{tour.base}/-/changes?week={week.key}")
    assert p.inner_text("h1") == "Đã sửa / Đã gỡ"
    items = p.locator("li.changes-item")
    assert items.count() == len(events) == 6
    assert items.locator(".changes-kind").all_inner_texts() == [
        {"edit": "Đã sửa", "removal": "Đã gỡ"}[kind] for _, kind in events
    ]
    # the feed: the same events, newest first, in Vietnamese
    href = p.locator("link[rel=alternate][type='application/atom+xml']").first.get_attribute("href")
    feed = p.request.get(tour.base + (href or ""))
    assert feed.ok and "atom" in feed.headers["content-type"]
    root = ElementTree.fromstring(feed.body())
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"{'Đã sửa' if kind == 'edit' else 'Đã gỡ'}: {title}" for title, kind in events
    ]
    updated = [instant(e.findtext(f"{ATOM}updated") or "") for e in entries]
    assert updated == sorted(updated, reverse=True)
    # an edit's diff, then the article as it was (the dated version page)
    p.locator("li.changes-item[data-kind=edit] a.changes-title").first.click()
    p.wait_for_selector("#changes-comparison")
    assert p.locator("#diff-body del").count() >= 1 and p.locator("#diff-body ins").count() >= 1
    p.locator("a#as-it-was-a").click()
    p.wait_for_url(re.compile(r"/-/web/\d{14}/http"))
    assert "phiên bản 1" in p.inner_text("#dated")
    assert p.locator("#versions a.archive-version-link[aria-current=page]").inner_text() == "1"


# -- 7. Vietnamese, consistently -------------------------------------------------------------


def test_7_vietnamese_dates_numbers_no_english_chrome(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    week = week_of(rows(tour.db, "select max(fetched_at) from article_versions")[0][0])
    main_pages = {
        "home": "/",
        "search": f"/-/search?q={quote(MANY)}",
        "article": permalinks.permalink(tour.edited),
        "version": permalinks.permalink(tour.edited, "2020"),
        "diff": "/-/changes/diff?url=" + quote(tour.edited, safe=""),
        "changes": f"/-/changes?week={week.key}",
        "lookup": "/-/web?url=" + quote(tour.edited, safe=""),
        "snapshots": "/-/snapshots",
    }
    for name, path in main_pages.items():
        goto(page, tour.base + path)
        assert p.locator("html").get_attribute("lang") == "vi", name
        text = p.inner_text("body")
        assert not [s for s in ENGLISH_CHROME if s in text], name
        times = p.locator("time").all_inner_texts()
        assert [t for t in times if not VN_TIME.match(t.strip())] == [], (name, times)
        assert times or re.search(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b", text), name
        if name != "snapshots":  # snapshot file names carry their UTC date
            assert ISO_DATE.findall(text) == [], (name, ISO_DATE.findall(text)[:5])
    # numbers: Vietnamese separators
    total = rows(tour.db, "select count(*) from articles where hidden_at is null")[0][0]
    goto(page, tour.base + "/")
    assert p.locator(".pa-count").inner_text() == vn(total) and "." in vn(total)
    goto(page, f"{tour.base}/-/search?q={quote(MANY)}")
    assert "." in p.locator(".sr-count strong").inner_text()
    goto(page, tour.base + "/-/snapshots")
    manifest = json.loads((tour.snapshots / "manifest.json").read_text(encoding="utf-8"))
    sizes = [f"{vn(s['bytes'])} bytes" for s in manifest["snapshots"]]
    titles = p.locator("td[title$=' bytes']").evaluate_all("tds => tds.map(td => td.title)")
    assert sorted(titles) == sorted(sizes)
    assert all(
        re.match(r"^\d+,\d MB$", s) for s in p.locator("td[title$=' bytes']").all_inner_texts()
    )


# -- 8. exports that open right ----------------------------------------------------------------


def test_8_csv_feed_and_unknown_formats(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    goto(page, f"{tour.base}/-/search?q=ubnd")
    titles = p.locator("li.sr-result .sr-title").all_inner_texts()
    with p.expect_download() as download:
        p.locator(".sr-exports a", has_text="CSV").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert "\ue000" not in text and "\ue001" not in text and "<mark>" not in text
    table = list(csv.DictReader(io.StringIO(text[1:])))
    assert [row["title"] for row in table] == titles
    href = p.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href")
    feed = p.request.get(tour.base + (href or ""))
    root = ElementTree.fromstring(feed.body())
    assert "ubnd" in (root.findtext(f"{ATOM}title") or "")
    updated = [instant(e.findtext(f"{ATOM}updated") or "") for e in root.findall(f"{ATOM}entry")]
    assert len(updated) == 50 and updated == sorted(updated, reverse=True)
    goto(page, f"{tour.base}/-/search.rss?q=ubnd", 404)
    assert "Không có định dạng “.rss”" in p.inner_text("body")
    goto(page, f"{tour.base}/archive/search.rss?q=ubnd", 404)  # the old canned query's
    assert "Không tìm thấy" in p.inner_text("h1") and "select" not in p.title().lower()


# -- 9. a hidden article --------------------------------------------------------------------------


def test_9_hidden_article_is_off_the_public_site(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    # its title's words: were it listed, it would be the best match, on page 1
    visible = match_count(tour.live, tour.hidden_title)  # hidden_at is null
    goto(page, f"{tour.base}/-/search?q={quote(tour.hidden_title)}")
    assert 0 < shown_count(page) == visible <= 50
    hrefs = p.locator("li.sr-result .sr-title a").evaluate_all("as => as.map(a => a.href)")
    assert tour.base + permalinks.permalink(tour.hidden) not in hrefs
    for base in (tour.base, tour.old_base):
        goto(page, base + permalinks.permalink(tour.hidden), 410)
        assert "đã được gỡ khỏi trang công khai" in p.inner_text("body")
        assert tour.hidden_title not in p.inner_text("body")


# -- 10. phones --------------------------------------------------------------------------------


def test_10_results_first_help_folded_no_sideways_scroll(tour: Tour, page: RecordedPage) -> None:
    p = page.page
    goto(page, f"{tour.base}/-/search?q={quote(MANY)}")
    first = p.locator("li.sr-result").first.bounding_box()
    facets = p.locator("aside.sr-facets").bounding_box()
    help_box = p.locator("details.sr-help")
    assert first and facets and help_box.get_attribute("open") is None
    assert not p.locator("details.sr-help li").first.is_visible()
    if width_of(page) == 390:
        assert first["y"] < facets["y"] and first["y"] < 900  # results first, on screen
    else:
        assert facets["x"] > first["x"] + 400  # beside the results
    assert (help_box.bounding_box() or {"y": 0})["y"] > first["y"]
    no_sideways_scroll(page)
    for path in (
        "/",
        permalinks.permalink(tour.edited),
        "/-/changes/diff?url=" + quote(tour.edited, safe=""),
        "/-/changes",
        "/-/snapshots",
    ):
        goto(page, tour.base + path)
        no_sideways_scroll(page)
