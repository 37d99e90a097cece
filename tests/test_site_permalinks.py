"""Permanent links, the stable /archive route, the cite box and look-up by portal URL, on a
real `portal-archive serve` of the demo archive (day 0 and day 1: 3 edits, 3 removals).

Two servers: the crawled file (``demo.db``) and a dated snapshot of a copy served --public
(``archive-<time>.db``): the same /archive/... and /-/web/... URLs must work on both.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from pathlib import Path

import pytest
from lxml import html

from archive import hide, permalinks, vn_search
from archive.schema import open_archive
from archive.snapshot import take_snapshot

from .conftest import free_port, stop, wait_for_http

SNAPSHOT_TIME = datetime(2026, 12, 7, 12, 0, 0, tzinfo=UTC)
VIETNAM = timezone(timedelta(hours=7))


@dataclass
class Served:
    base: str
    db: Path

    def fetch(self, path: str, *, follow: bool = True) -> tuple[int, Message, str]:
        """(status, headers, body) of GET ``path``; redirects followed unless ``follow`` is off."""
        opener = urllib.request.build_opener(*([] if follow else [_NoRedirect()]))
        try:
            with opener.open(self.base + path, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def page(self, path: str, status: int = 200) -> html.HtmlElement:
        code, _, body = self.fetch(path)
        assert code == status, (path, code, body[-2000:])
        return html.fromstring(body)

    def rows(self, sql: str, *params: object) -> list[dict]:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _serve(tmp: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    log = (tmp / f"serve-{port}.log").open("w")
    command = [sys.executable, "-m", "portal_spider", "serve", "--port", str(port), *args]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/-/versions.json")
    except OSError:
        stop(process)
        raise AssertionError((tmp / f"serve-{port}.log").read_text()) from None
    return process, base


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("permalinks")
    db = tmp / "demo.db"
    shutil.copyfile(demo_archive, db)
    process, base = _serve(tmp, "--db", str(db))
    try:
        yield Served(base, db)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def snapshot_site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A dated snapshot served --public; its source copy also holds an https twin of one
    article (a portal that moved to https), so a look-up can find two candidates."""
    tmp = tmp_path_factory.mktemp("permalinks-snapshot")
    db = tmp / "archive.db"
    shutil.copyfile(demo_archive, db)
    open_archive(db).close()
    with sqlite3.connect(db) as conn:
        vn_search.register(conn)  # the articles_search triggers call these functions
        columns = [r[1] for r in conn.execute("pragma table_info(articles)") if r[1] != "id"]
        listed = ", ".join(columns)
        chosen = ", ".join(
            "replace(url, 'http://', 'https://')" if c == "url" else c for c in columns
        )
        conn.execute(
            f"insert into articles ({listed}) select {chosen} from articles "
            "where id = (select min(id) from articles)"
        )
        unicode_twin = ", ".join(
            "? || '/tin-t%E1%BB%A9c/b%C3%A0i-vi%E1%BA%BFt.aspx?ItemID=5&cat=a%2Fb%20c'"
            if c == "url"
            else c
            for c in columns
        )
        host = conn.execute("select base_url from portals where slug = 'demo'").fetchone()[0]
        conn.execute(
            f"insert into articles ({listed}) select {unicode_twin} from articles "
            "where id = (select max(id) from articles where url like 'http://%')",
            [host.rstrip("/")],
        )
    conn.close()
    snapshot = take_snapshot(db, tmp / "snapshots", now=SNAPSHOT_TIME)
    served_file = snapshot.path
    assert served_file.stem != "archive" and served_file.stem.startswith("archive-")
    process, base = _serve(tmp, "--db", str(served_file), "--public")
    try:
        yield Served(base, served_file)
    finally:
        stop(process)


def text_of(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def body_paragraphs(text: str | None) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n+", text or "") if p.strip()]


def shown_paragraphs(page: html.HtmlElement) -> list[str]:
    return [text_of(p) for p in page.cssselect(".archive-body p")]


def test_every_article_has_a_permalink_that_shows_it(site: Served) -> None:
    articles = site.rows("select id, url, title, removed_at from articles order by id")
    assert len(articles) == 260
    for article in articles:
        page = site.page(permalinks.permalink(article["url"]))
        assert text_of(page.cssselect("article.archive-article h1")[0]) == article["title"]
        shown = page.cssselect("a.archive-permalink")[0]
        assert shown.get("href") == permalinks.permalink(article["url"])
        assert text_of(shown) == site.base + permalinks.permalink(article["url"])
        assert bool(page.cssselect(".archive-removed")) == bool(article["removed_at"])


def test_article_page_links_its_permalink_and_dated_versions(site: Served) -> None:
    [edited, *_] = site.rows(
        "select a.id, a.url from articles a join article_versions v on v.article_id = a.id "
        "where v.version = 2 and v.tombstone = 0 order by a.id"
    )
    page = site.page(f"/archive/articles/{edited['id']}")
    assert page.cssselect("a.archive-permalink")[0].get("href") == permalinks.permalink(
        edited["url"]
    )
    fetched = [
        r["fetched_at"]
        for r in site.rows(
            "select fetched_at from article_versions where article_id = ? order by version",
            edited["id"],
        )
    ]
    links = [a.get("href") for a in page.cssselect("#versions a.archive-version-link")]
    stamps = permalinks.version_stamps(fetched)
    assert links == [permalinks.permalink(edited["url"], s) for s in stamps]
    # the rowid pages of the versions are still linked
    assert len(page.cssselect("#versions .archive-version-record a")) == 2


def test_dated_permalink_shows_the_version_current_then(site: Served) -> None:
    edited = site.rows(
        "select a.id, a.url, a.title from articles a join article_versions v "
        "on v.article_id = a.id where v.version = 2 and v.tombstone = 0 order by a.id"
    )
    assert len(edited) == 3  # demo day 1 edits three articles
    for article in edited:
        versions = site.rows(
            "select version, fetched_at, body_text from article_versions "
            "where article_id = ? order by version",
            article["id"],
        )
        old, new = versions
        assert body_paragraphs(old["body_text"]) != body_paragraphs(new["body_text"])
        stamps = permalinks.version_stamps([v["fetched_at"] for v in versions])
        cases = [
            (stamps[0], old, False),  # the first version's own link
            (stamps[1], new, False),
            (permalinks.timestamp(new["fetched_at"], precise=True)[:4], new, False),  # "2026"
            ("19990101000000", old, True),  # before the first capture: the first, with a note
            ("2100", new, False),
        ]
        for at, expected, before_first in cases:
            page = site.page(permalinks.permalink(article["url"], at))
            assert shown_paragraphs(page) == body_paragraphs(expected["body_text"]), at
            [notice] = page.cssselect("#dated")
            assert ("trước lần lưu đầu tiên" in text_of(notice)) is before_first
            current = page.cssselect("#versions a[aria-current=page]")
            assert [text_of(a) for a in current] == [str(expected["version"])]
            assert page.cssselect("#latest-link")[0].get("href") == permalinks.permalink(
                article["url"]
            )
        # the undated permalink is the current version
        latest = site.page(permalinks.permalink(article["url"]))
        assert shown_paragraphs(latest) == body_paragraphs(new["body_text"])
        assert not latest.cssselect("#dated")


def test_removed_article_shows_its_tombstone_and_last_version(site: Served) -> None:
    removed = site.rows("select id, url, removed_at from articles where removed_at is not null")
    assert len(removed) == 3
    for article in removed:
        last, tombstone = site.rows(
            "select version, fetched_at, body_text, tombstone from article_versions "
            "where article_id = ? order by version",
            article["id"],
        )
        assert tombstone["tombstone"] == 1 and last["tombstone"] == 0
        stamps = permalinks.version_stamps([last["fetched_at"], tombstone["fetched_at"]])
        for path in (
            permalinks.permalink(article["url"]),
            permalinks.permalink(article["url"], stamps[1]),
        ):
            page = site.page(path)
            assert text_of(page.cssselect(".archive-removed")[0]).startswith("Đã gỡ bỏ ngày")
            assert shown_paragraphs(page) == body_paragraphs(last["body_text"])
            assert page.cssselect("#versions tr.archive-tombstone")
        before = site.page(permalinks.permalink(article["url"], stamps[0]))
        assert not before.cssselect(".archive-removed")  # not yet removed at version 1
        assert shown_paragraphs(before) == body_paragraphs(last["body_text"])


def test_cite_box_has_link_original_url_times_and_digest(site: Served) -> None:
    [article] = site.rows(
        "select a.id, a.url, a.title, a.published_at, c.payload_sha256, c.fetched_at "
        "from articles a join captures c on c.record_id = a.capture "
        "where a.removed_at is null order by a.id limit 1"
    )
    fetched = [
        r["fetched_at"]
        for r in site.rows(
            "select fetched_at from article_versions where article_id = ? order by version",
            article["id"],
        )
    ]
    dated = site.base + permalinks.permalink(article["url"], permalinks.version_stamps(fetched)[-1])
    for path in (f"/archive/articles/{article['id']}", permalinks.permalink(article["url"])):
        page = site.page(path)
        [box] = page.cssselect("#cite")
        assert "Trích dẫn" in text_of(box.cssselect("h2")[0])
        assert page.get_element_by_id("cite-permalink").get("href") == dated
        text = page.get_element_by_id("cite-text").text_content()
        assert f"Tiêu đề: {article['title']}" in text
        assert f"Địa chỉ gốc: {article['url']}" in text
        assert f"Bản lưu: {dated}" in text
        assert f"sha256:{article['payload_sha256']}" in text
        moment = datetime.fromisoformat(article["published_at"])
        assert f"Ngày đăng: {moment:%d/%m/%Y %H:%M}" in text
        captured = datetime.fromisoformat(article["fetched_at"]).astimezone(VIETNAM)
        assert f"Thời điểm lưu: {captured:%d/%m/%Y %H:%M:%S} (giờ Việt Nam)" in text
        reference = page.get_element_by_id("cite-reference").text_content()
        assert article["title"] in reference and dated in reference
        assert article["url"] in reference
        assert [b.get("data-copy") for b in box.cssselect("button.archive-copy")] == [
            "cite-text",
            "cite-reference",
        ]


def test_old_database_routes_redirect_to_the_stable_route(site: Served) -> None:
    [article] = site.rows("select id from articles order by id limit 1")
    cases = {
        f"/demo/articles/{article['id']}": f"/archive/articles/{article['id']}",
        "/demo/articles?portal=demo&_sort=id": "/archive/articles?portal=demo&_sort=id",
        "/demo.json": "/archive.json",
        "/demo": "/archive",
    }
    for old, new in cases.items():
        status, headers, _ = site.fetch(old, follow=False)
        assert (status, headers.get("location")) == (301, new), old
        assert site.fetch(new)[0] == 200
    assert site.fetch("/demo-other/articles", follow=False)[0] == 404
    status, _, body = site.fetch("/-/databases.json")
    assert '"route": "archive"' in body


def test_permalinks_survive_a_new_snapshot(site: Served, snapshot_site: Served) -> None:
    articles = site.rows("select id, url, title from articles order by id")
    edited = {
        r["article_id"]
        for r in site.rows("select article_id from article_versions where version = 2")
    }
    for article in articles[:: max(1, len(articles) // 20)] + [
        a for a in articles if a["id"] in edited
    ]:
        for path in (f"/archive/articles/{article['id']}", permalinks.permalink(article["url"])):
            pages = [s.page(path) for s in (site, snapshot_site)]
            titles = [text_of(p.cssselect("article.archive-article h1")[0]) for p in pages]
            assert titles == [article["title"]] * 2, path
            assert shown_paragraphs(pages[0]) == shown_paragraphs(pages[1])
            versions = [[a.get("href") for a in p.cssselect("#versions a")] for p in pages]
            assert versions[0] == versions[1]
    # the snapshot's file-stem route redirects too
    stem = snapshot_site.db.stem
    status, headers, _ = snapshot_site.fetch(f"/{stem}/articles/1", follow=False)
    assert (status, headers.get("location")) == (301, "/archive/articles/1")


def _lookup(site: Served, pasted: str) -> tuple[int, html.HtmlElement]:
    status, _, body = site.fetch("/-/web?" + urllib.parse.urlencode({"url": pasted}))
    return status, html.fromstring(body)


def test_lookup_finds_the_article_from_any_variant_of_its_url(site: Served) -> None:
    [article] = site.rows(
        "select a.id, a.url from articles a join article_versions v on v.article_id = a.id "
        "where v.version = 2 and v.tombstone = 0 order by a.id limit 1"
    )
    url = article["url"]
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname
    assert host is not None and parts.port
    path = parts.path
    variants = [
        url,
        url.replace("http://", "https://"),
        url.replace(f"//{host}", f"//www.{host}"),
        url + "?utm_source=zalo&utm_medium=social",
        url + "?fbclid=IwAR0abc",
        url + "?gclid=xyz&utm_campaign=a",
        url + "/",
        url + "#binh-luan",
        url.replace(f"//{host}", f"//{host.upper()}"),
        f"  {url}  ",
        f"{parts.netloc}{path}",  # pasted without a scheme
    ]
    for pasted in variants:
        status, page = _lookup(site, pasted)
        assert status == 200, pasted
        found = page.get_element_by_id("web-permalink")
        assert found.get("href") == permalinks.permalink(url), pasted
    status, page = _lookup(site, url)
    versions = page.cssselect("#web-versions tbody tr")
    assert len(versions) == 2
    assert [a.get("href") for a in page.cssselect("#web-versions a")] == [
        permalinks.permalink(url, s)
        for s in permalinks.version_stamps(
            [
                r["fetched_at"]
                for r in site.rows(
                    "select fetched_at from article_versions where article_id = ? order by version",
                    article["id"],
                )
            ]
        )
    ]
    captures = site.rows("select record_id from captures where url = ?", url)
    links = [a.get("href") for a in page.cssselect("#web-captures a")]
    assert len(links) == len(captures) >= 2
    for link in links:
        assert link.startswith("/-/captures/")
        assert site.fetch(link)[0] == 200
    # a variant typed into /-/web/<URL> itself goes to the article's own permalink
    status, headers, _ = site.fetch(
        permalinks.permalink(url.replace("http://", "https://") + "?utm_source=x"),
        follow=False,
    )
    assert (status, headers.get("location")) == (302, permalinks.permalink(url))


def test_lookup_of_an_unarchived_url_offers_a_search(site: Served) -> None:
    status, page = _lookup(site, "https://example.gov.vn/tin-tuc/khai-mac-hoi-nghi-so-123.html")
    assert status == 404
    [box] = page.cssselect("#web-not-found")
    assert "Chưa lưu trữ địa chỉ này" in text_of(box)
    search = page.get_element_by_id("web-search").get("href")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(search).query)
    assert query == {"q": ["tin tuc khai mac hoi nghi so"]}
    status, page = _lookup(site, "")
    assert status == 200 and page.get_element_by_id("web-lookup-form") is not None
    status, page = _lookup(site, "không phải địa chỉ <script>")
    assert status == 404 and page.cssselect("#web-not-found")
    status, _, body = site.fetch(permalinks.permalink("http://nowhere.example/x.html"))
    assert status == 404 and "Chưa lưu trữ địa chỉ này" in body


def test_lookup_lists_several_candidates(snapshot_site: Served) -> None:
    [twin] = snapshot_site.rows("select url from articles where url like 'https://%'")
    assert "ItemID" not in twin["url"]
    original = twin["url"].replace("https://", "http://")
    status, page = _lookup(snapshot_site, original + "?utm_source=x")
    assert status == 200
    listed = [a.get("href") for a in page.cssselect("#web-candidates li a")]
    assert sorted(listed) == sorted(permalinks.permalink(u) for u in (original, twin["url"]))
    # each exact permalink still resolves to its own article
    for url in (original, twin["url"]):
        assert snapshot_site.page(permalinks.permalink(url)).cssselect("article.archive-article")


def test_permalink_of_a_url_with_query_and_unicode_path_round_trips(
    snapshot_site: Served,
) -> None:
    [article] = snapshot_site.rows(
        "select id, url, title from articles where url like '%ItemID=5%'"
    )
    url = article["url"]
    assert "%E1%BB%A9" in url and "?" in url and "%2F" in url
    page = snapshot_site.page(permalinks.permalink(url))
    assert page.cssselect("a.archive-permalink")[0].get("href") == permalinks.permalink(url)
    assert page.cssselect(".archive-meta a")[0].get("href")  # the portal link
    original = [a for a in page.cssselect(".archive-meta a") if a.get("href") == url]
    assert original, "the original URL is linked exactly as archived"
    readable = urllib.parse.unquote(url.partition("?")[0]) + "?" + url.partition("?")[2]
    assert "tin-tức/bài-viết.aspx" in readable
    status, page = _lookup(snapshot_site, readable)  # pasted as a browser shows it
    assert status == 200
    assert page.get_element_by_id("web-permalink").get("href") == permalinks.permalink(url)
    # a browser sends the unicode path percent-encoded: the same article
    status, headers, _ = snapshot_site.fetch(
        permalinks.permalink(readable.replace(" ", "%20")), follow=False
    )
    assert status == 200, headers


def test_timestamps_and_url_helpers() -> None:
    assert permalinks.timestamp("2026-12-07T18:35:01.205938Z") == "20261207183501"
    assert permalinks.timestamp("2026-12-08T01:35:01+07:00") == "20261207183501"
    fetched = ["2026-12-07T18:35:01.1Z", "2026-12-07T18:35:01.9Z", "2026-12-08T00:00:00Z"]
    stamps = permalinks.version_stamps(fetched)
    assert stamps == ["20261207183501100000", "20261207183501900000", "20261208000000"]
    assert [permalinks.version_at(fetched, s) for s in stamps] == [
        (0, False),
        (1, False),
        (2, False),
    ]
    assert permalinks.version_at(fetched, "20261207") == (1, False)  # by the end of that day
    assert permalinks.version_at(fetched, "2025") == (0, True)
    assert permalinks.split_request("20261207/http://a.vn/x.aspx", "id=1&b=%2F") == (
        "20261207",
        "http://a.vn/x.aspx?id=1&b=%2F",
    )
    assert permalinks.split_request("https:/a.vn/1999/x", "") == (None, "https://a.vn/1999/x")
    variants = permalinks.url_variants("HTTPS://WWW.A.vn:443/tin/bai-1/?utm_source=z#x")
    assert "http://a.vn/tin/bai-1" in variants and "https://www.a.vn/tin/bai-1/" in variants
    assert all("utm" not in v and "#" not in v for v in variants)
    assert permalinks.url_variants("javascript:alert(1)") == []
    assert permalinks.canonical_url("http://a.vn/tin tức?id=1&fbclid=x") == (
        "http://a.vn/tin%20t%E1%BB%A9c?id=1"
    )


def test_hidden_article_is_neither_shown_nor_listed(demo_archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_archive, db)
    [article] = Served("", db).rows("select id, url from articles order by id limit 1")
    hide.hide_article(db, article["url"], "personal_data", by="test")
    process, base = _serve(tmp_path, "--db", str(db))
    try:
        site = Served(base, db)
        status, _, body = site.fetch(permalinks.permalink(article["url"]))
        assert status == 410 and hide.NOTICE in body and article["url"] not in body
        status, page = _lookup(site, article["url"].replace("http://", "https://"))
        assert status == 404 and page.cssselect("#web-not-found")
        assert not page.cssselect("#web-found, #web-candidates")
        [other] = site.rows("select url from articles where id != ? limit 1", article["id"])
        assert site.fetch(permalinks.permalink(other["url"]))[0] == 200
    finally:
        stop(process)


def test_version_row_page_links_its_dated_permalink(site: Served) -> None:
    versions = site.rows(
        "select v.id, v.version, v.body_text, a.url from article_versions v "
        "join articles a on a.id = v.article_id where v.article_id in "
        "(select article_id from article_versions where version = 2 and tombstone = 0)"
    )
    assert len(versions) == 6
    for version in versions:
        page = site.page(f"/archive/article_versions/{version['id']}")
        link = page.get_element_by_id("version-permalink").cssselect("a")[0].get("href")
        assert link.startswith("/-/web/2") and link.endswith(version["url"])
        shown = site.page(link)
        current = shown.cssselect("#versions a[aria-current=page]")
        assert [text_of(a) for a in current] == [str(version["version"])]
        assert shown_paragraphs(shown) == body_paragraphs(version["body_text"])
