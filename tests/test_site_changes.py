"""Versions as readers see them: the diff between any two versions, the "Đã sửa / Đã gỡ" page
and its Atom feeds, on a real `portal-archive serve` of the demo archive (days 0 and 1).

The archive copy gets two versions that are not edits: one of change kind ``extractor``
(a newer extractor read an edited article differently: new title word, another author) and
one written by a re-extraction run (``reextract_run`` set). Neither may appear on the
changes page or in its feeds; the first still shows in the diff between any two versions.
"""

from __future__ import annotations

import difflib
import html
import shutil
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import feedparser
import pytest
from lxml import html as lxml_html

from archive.changes import week_of
from archive.hide import url_digest
from archive.schema import open_archive

from .conftest import served_archive

ATOM = "{http://www.w3.org/2005/Atom}"
VIETNAM = timedelta(hours=7)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def rows(db: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def add_version(db: Path, article_id: int, **changes: object) -> int:
    """A copy of the article's newest readable version with ``changes``, as version N+1."""
    conn = open_archive(db).conn
    try:
        conn.row_factory = sqlite3.Row
        last = dict(
            conn.execute(
                "select * from article_versions where article_id = ? and tombstone = 0 "
                "order by version desc limit 1",
                [article_id],
            ).fetchone()
        )
        (number,) = conn.execute(
            "select max(version) + 1 from article_versions where article_id = ?", [article_id]
        ).fetchone()
        fetched = datetime.fromisoformat(last["fetched_at"]) + timedelta(seconds=2)
        row = {**last, "id": None, "version": number, **changes}
        row["fetched_at"] = fetched.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        row["content_hash"] = f"test-{article_id}-{number}"
        names = ", ".join(row)
        with conn:
            conn.execute(
                f"insert into article_versions ({names}) values ({', '.join('?' * len(row))})",
                list(row.values()),
            )
        return number
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("changes-site")
    db = folder / "demo.db"
    shutil.copy(demo_archive, db)
    edited = [
        r["article_id"]
        for r in rows(
            db,
            "select article_id from article_versions "
            "where change_kind = 'edit' order by article_id",
        )
    ]
    assert len(edited) == 3, "the demo's day 1 edits three articles"
    target = edited[0]
    (old_title, old_author) = rows(db, "select title, author from articles where id = ?", target)[0]
    extractor_version = add_version(
        db,
        target,
        change_kind="extractor",
        extractor_version="test-extractor-2",
        title=f"{old_title} (bản đọc lại)",
        author="Ban Biên tập",
    )
    unchanged = rows(
        db,
        "select id from articles where version = 1 and removed_at is null "
        "and extraction_failed is null order by id limit 1",
    )[0]["id"]
    conn = open_archive(db).conn
    with conn:
        run = conn.execute(
            "insert into reextract_runs (started_at, status, extractor_version) "
            "values ('2026-01-01T00:00:00.000000Z', 'ok', 'test-extractor-2')"
        ).lastrowid
    conn.close()
    body = rows(db, "select body_text from articles where id = ?", unchanged)[0][0]
    reextracted_version = add_version(
        db,
        unchanged,
        change_kind="edit",
        reextract_run=run,
        crawl_id=None,
        body_text=body + "\n\nĐoạn do lần đọc lại thêm vào.",
    )
    with served_archive(db) as base:
        yield {
            "base": base,
            "db": db,
            "edited": edited,
            "target": target,
            "old_title": old_title,
            "old_author": old_author,
            "extractor_version": extractor_version,
            "reextracted": (unchanged, reextracted_version),
        }


def diff_url(site: dict, url: str, **args: object) -> str:
    return f"{site['base']}/-/changes/diff?" + urlencode({"url": url, **args})


def changed_words(old: str, new: str) -> tuple[list[str], list[str]]:
    """Words only in ``old`` and only in ``new`` (by a plain difflib over whitespace words)."""
    a, b = old.split(), new.split()
    deleted, inserted = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            deleted += a[i1:i2]
            inserted += b[j1:j2]
    return deleted, inserted


def texts(doc: lxml_html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def test_diff_of_a_day_one_edit_marks_the_changed_words(site: dict) -> None:
    article = site["edited"][1]
    (url,) = rows(site["db"], "select url from articles where id = ?", article)[0]
    v1, v2 = rows(
        site["db"],
        "select body_text from article_versions where article_id = ? order by version",
        article,
    )
    deleted, inserted = changed_words(v1[0], v2[0])
    assert deleted and inserted
    status, page = fetch(diff_url(site, url))  # defaults: the last two readable versions
    assert status == 200
    doc = lxml_html.fromstring(page)
    assert doc.xpath("//section[@id='changes-comparison']/@data-a") == ["1"]
    assert doc.xpath("//section[@id='changes-comparison']/@data-b") == ["2"]
    body = doc.xpath("//div[@id='diff-body']")[0]
    assert " ".join(texts(body, ".//del")).split() == deleted
    assert " ".join(texts(body, ".//ins")).split() == inserted
    assert "Phiên bản 1 → 2" in page and "So sánh phiên bản" in page
    # Reversed: what was deleted is now inserted.
    status, page = fetch(diff_url(site, url, a=2, b=1))
    body = lxml_html.fromstring(page).xpath("//div[@id='diff-body']")[0]
    assert " ".join(texts(body, ".//ins")).split() == deleted
    # The whole text: every unchanged word of the new version is there, no "…" cut.
    status, page = fetch(diff_url(site, url, a=1, b=2, whole=1))
    body_text = " ".join(
        lxml_html.fromstring(page).xpath("//div[@id='diff-body']")[0].text_content().split()
    )
    assert "…" not in body_text
    assert body_text.split()[-5:] == v2[0].split()[-5:]


def test_diff_between_any_two_versions_with_title_and_metadata(site: dict) -> None:
    target = site["target"]
    (url,) = rows(site["db"], "select url from articles where id = ?", target)[0]
    stamps = {
        r["version"]: r["fetched_at"]
        for r in rows(
            site["db"],
            "select version, fetched_at from article_versions where article_id = ?",
            target,
        )
    }
    status, page = fetch(diff_url(site, url, a=1, b=site["extractor_version"]))
    assert status == 200
    doc = lxml_html.fromstring(page)
    assert texts(doc, "//div[@id='diff-title']//ins") == ["(bản đọc lại)"]
    author = doc.xpath("//table[@id='diff-meta']//tr[@data-field='author']")[0]
    assert texts(author, ".//del") == [site["old_author"] or "(trống)"]
    assert texts(author, ".//ins") == ["Ban Biên tập"]
    assert doc.xpath("//*[@id='changes-extractor-note']"), "an extractor version is flagged"
    # The picker offers every readable version, both sides.
    assert doc.xpath("//select[@id='pick-a']/option/@value") == ["1", "2", "3"]
    assert doc.xpath("//select[@id='pick-b']/option[@selected]/@value") == ["3"]
    # "The article as it was": C's dated permalinks, UTC timestamp of each side's capture.
    for side, version in (("a", 1), ("b", site["extractor_version"])):
        href = doc.xpath(f"//a[@id='as-it-was-{side}']/@href")[0]
        stamp = datetime.fromisoformat(stamps[version]).strftime("%Y%m%d%H%M%S")
        assert href.startswith(f"/-/web/{stamp}"), href
        assert href.endswith(url.split("://", 1)[1])
    # Vietnam time on the page.
    when = datetime.fromisoformat(stamps[1]).astimezone(UTC) + VIETNAM
    assert when.strftime("%d/%m/%Y %H:%M") in page


def test_diff_errors_are_vietnamese_pages(site: dict) -> None:
    (url,) = rows(site["db"], "select url from articles where id = ?", site["target"])[0]
    for args, status_wanted, text in (
        ({"a": 1, "b": 99}, 400, "Phiên bản không hợp lệ"),
        ({"a": "x", "b": 1}, 400, "Phiên bản không hợp lệ"),
    ):
        status, page = fetch(diff_url(site, url, **args))
        assert (status, text in page, "Traceback" in page) == (status_wanted, True, False)
    status, page = fetch(diff_url(site, "http://nowhere.example/bai-viet.html"))
    assert status == 404 and "Không có bài viết nào với địa chỉ này" in page
    status, page = fetch(f"{site['base']}/-/changes/diff")
    assert status == 200 and 'name="url"' in page
    removed = rows(
        site["db"],
        "select a.url, max(v.version) from articles as a join "
        "article_versions as v on v.article_id = a.id where a.removed_at is not null "
        "group by a.id limit 1",
    )[0]
    status, page = fetch(diff_url(site, removed[0], a=1, b=removed[1]))  # b is a tombstone
    assert status == 400 and "Phiên bản không hợp lệ" in page


def expected_events(db: Path) -> list[tuple[int, int, str]]:
    """(article, version, kind) a reader should see: the portal's edits, removals and
    restorations, never extractor versions or re-extractions; newest first."""
    return [
        (r[0], r[1], r[2])
        for r in rows(
            db,
            "select article_id, version, change_kind from article_versions "
            "where change_kind in ('edit', 'removal', 'restore') and reextract_run is null "
            "order by fetched_at desc, article_id desc",
        )
    ]


def page_events(page: str) -> list[tuple[int, int, str]]:
    doc = lxml_html.fromstring(page)
    return [
        (int(li.get("data-article")), int(li.get("data-version")), li.get("data-kind"))
        for li in doc.xpath("//li[@class='changes-item']")
    ]


def test_changes_page_lists_edits_and_removals_not_extractor_versions(site: dict) -> None:
    expected = expected_events(site["db"])
    assert {kind for *_, kind in expected} == {"edit", "removal"}
    week = week_of(rows(site["db"], "select max(fetched_at) from article_versions")[0][0])
    status, page = fetch(f"{site['base']}/-/changes?week={week.key}")
    assert status == 200
    assert page_events(page) == expected
    shown = {(a, v) for a, v, _ in page_events(page)}
    assert (site["target"], site["extractor_version"]) not in shown
    assert site["reextracted"] not in shown
    doc = lxml_html.fromstring(page)
    assert texts(doc, "//*[@id='changes-counts']/span[@data-kind='edit']") == ["3"]
    assert texts(doc, "//*[@id='changes-counts']/span[@data-kind='removal']") == ["3"]
    # Each edit links to its diff, each removal to the article's tombstone page.
    for li in doc.xpath("//li[@class='changes-item']"):
        href = li.xpath(".//a[@class='changes-title']/@href")[0]
        if li.get("data-kind") == "edit":
            version = int(li.get("data-version"))
            assert "/-/changes/diff?" in href and f"b={version}" in href
            status, diff_page = fetch(site["base"] + html.unescape(href))
            assert status == 200 and "<del>" in diff_page
        else:
            status, article_page = fetch(site["base"] + href)
            assert status == 200 and 'id="removed"' in article_page
    # Vietnam time, as every page shows it.
    first = rows(
        site["db"],
        "select fetched_at from article_versions where article_id = ? and version = ?",
        *expected[0][:2],
    )[0][0]
    shown_time = (datetime.fromisoformat(first) + VIETNAM).strftime("%d/%m/%Y %H:%M")
    assert texts(doc, "//li[@class='changes-item'][1]//time") == [shown_time]
    assert doc.xpath("//link[@type='application/atom+xml']/@href") == ["/-/changes.atom"]


def test_changes_page_by_portal_and_week(site: dict) -> None:
    week = week_of(rows(site["db"], "select max(fetched_at) from article_versions")[0][0])
    status, page = fetch(f"{site['base']}/-/changes?portal=demo&week={week.key}")
    assert status == 200 and page_events(page) == expected_events(site["db"])
    status, page = fetch(f"{site['base']}/-/changes?portal=khong-co&week={week.key}")
    assert status == 200 and page_events(page) == [] and 'id="changes-none"' in page
    # A week earlier: nothing there, and a link forward to the week that has the changes.
    monday = week.monday - timedelta(days=7)
    earlier = "{}-W{:02d}".format(*monday.isocalendar()[:2])
    status, page = fetch(f"{site['base']}/-/changes?week={earlier}")
    doc = lxml_html.fromstring(page)
    assert page_events(page) == []
    assert doc.xpath("//a[@rel='next']/@href") == [f"/-/changes?week={week.key}"]
    assert doc.xpath("//a[@rel='prev']") == []
    status, page = fetch(f"{site['base']}/-/changes?week=tuan-truoc")
    assert status == 400 and "Tuần không hợp lệ" in page
    status, page = fetch(f"{site['base']}/-/changes?week={week.key}&page=2")
    assert status == 400 and "Trang không hợp lệ: tuần này có 1 trang" in page
    assert 'id="changes-pages"' not in fetch(f"{site['base']}/-/changes?week={week.key}")[1]


def test_changes_feeds_in_date_order_without_extractor_versions(site: dict) -> None:
    expected = expected_events(site["db"])
    titles = {r[0]: r[1] for r in rows(site["db"], "select id, title from articles")}
    urls = {r[0]: r[1] for r in rows(site["db"], "select id, url from articles")}
    for query in ("", "?portal=demo"):
        status, body = fetch(f"{site['base']}/-/changes.atom{query}")
        assert status == 200
        feed = feedparser.parse(body)
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.feed.title.startswith("Tin bài đã sửa / đã gỡ")
        assert len(feed.entries) == len(expected)
        words = {"edit": "Đã sửa", "removal": "Đã gỡ"}
        assert [e.title for e in feed.entries] == [
            f"{words[kind]}: {titles[article]}" for article, _, kind in expected
        ]
        updated = [e.updated_parsed for e in feed.entries]
        assert updated == sorted(updated, reverse=True)
        assert all(e.link.startswith(site["base"]) for e in feed.entries)
        assert [e.id for e in feed.entries] == [
            f"urn:portal-archive:change:{url_digest(urls[article])}:{version}"
            for article, version, _ in expected
        ]
    feed = feedparser.parse(fetch(f"{site['base']}/-/changes.atom?portal=khong-co")[1])
    assert not feed.bozo and feed.entries == []
    assert "khong-co" in feed.feed.title
    status, body = fetch(f"{site['base']}/-/changes.atom?portal=%00%01khong-co")  # hostile
    assert status == 200 and not feedparser.parse(body).bozo


def test_article_page_links_its_diff(site: dict) -> None:
    article = site["edited"][2]
    url = rows(site["db"], "select url from articles where id = ?", article)[0][0]
    status, page = fetch(f"{site['base']}/-/web/{url}")  # C's article page
    assert status == 200
    (href,) = lxml_html.fromstring(page).xpath("//a[@class='archive-compare']/@href")
    status, page = fetch(site["base"] + href)
    assert status == 200
    doc = lxml_html.fromstring(page)
    assert doc.xpath("//section[@id='changes-comparison']/@data-b") == ["2"]
    assert doc.xpath("//div[@id='diff-body']//ins")


def test_events_are_paged_without_gaps(demo_archive: Path, tmp_path: Path) -> None:
    """A week with more events than a page: pages in order, no event twice or missing."""
    from archive.changes import PAGE_SIZE, counts_sql, events_sql

    db = tmp_path / "demo.db"
    shutil.copy(demo_archive, db)
    conn = open_archive(db).conn
    columns = [r[1] for r in conn.execute("pragma table_info(article_versions)") if r[1] != "id"]
    copied = ", ".join(
        {"version": "2", "change_kind": "'edit'", "content_hash": "'paged-' || article_id"}.get(
            c, c
        )
        for c in columns
    )
    with conn:
        conn.execute(
            f"insert into article_versions ({', '.join(columns)}) select {copied} "
            "from article_versions where version = 1 and article_id in "
            f"(select id from articles where version = 1 limit {PAGE_SIZE + 30})"
        )
    conn.row_factory = sqlite3.Row
    total = sum(n for _, n in conn.execute(counts_sql(hidden_table=True)))
    assert total == PAGE_SIZE + 30 + 6
    seen = []
    for offset in range(0, total, PAGE_SIZE):
        page = conn.execute(events_sql(hidden_table=True, offset=offset)).fetchall()
        seen += [(r["article_id"], r["version"], r["fetched_at"]) for r in page]
    conn.close()
    assert len(seen) == len(set(seen)) == total
    assert [s[2] for s in seen] == sorted((s[2] for s in seen), reverse=True)


def test_weeks_are_vietnam_weeks() -> None:
    from archive.changes import parse_week

    # Monday 07/12/2026 00:00 in Vietnam is Sunday 17:00 UTC.
    assert week_of("2026-12-06T16:59:59.999999Z").key == "2026-W49"
    assert week_of("2026-12-06T17:00:00.000000Z").key == "2026-W50"
    week = parse_week("2026-W50", datetime.now(UTC))
    assert week is not None
    assert (week.start_utc, week.end_utc) == (
        "2026-12-06T17:00:00.000000Z",
        "2026-12-13T17:00:00.000000Z",
    )
    assert week.label() == "Tuần 50/2026 (07/12 – 13/12/2026)"
    for bad in ("2026-W00", "2025-W53", "0001-W01", "9999-W52", "2026-50", "W50"):
        assert parse_week(bad, datetime.now(UTC)) is None, bad
    assert parse_week("", datetime(2026, 12, 6, 17, tzinfo=UTC)) == week


def test_every_label_has_vietnamese_and_english() -> None:
    from archive.changes_text import TEXT, translator

    assert all(vi and en and vi != en for vi, en in TEXT.values())
    assert translator("vi")("title") == "Đã sửa / Đã gỡ"
    assert translator("en")("title") == "Edited / Removed"
