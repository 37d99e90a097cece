"""The article page: a real crawl of the demo portal, served by the real site configuration."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html

from archive import ArchiveWriter
from archive.article_page import diff_runs, paragraphs, readable_time, safe_url
from archive.vn_format import vn_datetime

from .site_support import Site, copy_archive

SEED_TITLE = "Thành ủy Trà Vinh tổ chức Hội nghị Ban Chấp hành Đảng bộ thành phố mở rộng"
REASON_WORDS = {  # what a reader sees for each removal reason, in both languages
    "http_404": ("lỗi 404", "404 Not Found"),
    "redirect": ("chuyển hướng", "redirected"),
    "soft_404": ("không tìm thấy bài viết", "could not be found"),
}


@pytest.fixture(scope="module")
def site(demo_archive: Path) -> Site:
    return Site(demo_archive)


def text_of(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_seed_article_reads_like_an_article(site: Site) -> None:
    seed = site.row("select * from articles where title like ?", SEED_TITLE + "%")
    page = site.page(f"/demo/articles/{seed['id']}")
    [article] = page.cssselect("article.archive-article")
    assert text_of(article.cssselect("h1")[0]) == seed["title"]
    assert page.findtext(".//title").strip() == seed["title"]
    assert seed["author"] == "Hoàng Vũ - Phước lập"
    assert text_of(article.cssselect(".archive-author")[0]) == seed["author"]
    captions = [text_of(c) for c in article.cssselect("figure figcaption")]
    assert "Quang cảnh hội nghị" in captions
    # Linked, not embedded: loading it would reveal the reader to the portal.
    assert article.cssselect("img") == []
    image = article.cssselect("figure .archive-image a")[0]
    assert image.get("href") == json.loads(seed["images"])[0]["url"]
    shown = [text_of(p) for p in article.cssselect(".archive-body p")]
    stored = [" ".join(p.split()) for p in re.split(r"\n+", seed["body_text"]) if p.strip()]
    assert shown == stored and len(shown) >= 2
    assert "Nguyễn Thành Tâm" in shown[-1]
    assert text_of(article.cssselect(".archive-sapo")[0]) == seed["summary"]
    meta = text_of(article.cssselect(".archive-meta")[0])
    assert "02/06/2022 16:30" in meta  # published_at in Vietnam time (the portal gave +07:00)
    assert seed["section"] in meta
    hrefs = {a.get("href") for a in article.cssselect("a")}
    assert seed["url"] in hrefs
    assert "/archive/portals/demo" in hrefs  # the stable route, whatever the file name
    assert article.cssselect("time")[0].get("datetime") == seed["published_at"]
    assert not article.cssselect(".archive-removed")
    [version] = article.cssselect("#versions tbody tr")
    assert "lần đầu lưu" in text_of(version)


def test_article_with_attachments_links_them(site: Site) -> None:
    article = site.row(
        "select id, attachments from articles where attachments != '[]' order by id limit 1"
    )
    page = site.page(f"/demo/articles/{article['id']}")
    links = page.cssselect(".archive-attachments a")
    expected = json.loads(article["attachments"])
    assert [(a.get("href"), text_of(a)) for a in links] == [
        (item["url"], item["title"]) for item in expected
    ]


def test_edited_article_shows_two_versions_and_the_changed_figure(site: Site) -> None:
    edited = site.rows(
        "select article_id from article_versions where version = 2 and tombstone = 0"
    )
    assert len(edited) == 3
    for row in edited:
        article_id = row["article_id"]
        old, new = (
            site.row(
                "select body_text from article_versions where article_id = ? and version = ?",
                article_id,
                version,
            )["body_text"]
            for version in (1, 2)
        )
        page = site.page(f"/demo/articles/{article_id}")
        versions = page.cssselect("#versions tbody tr")
        assert [text_of(v.cssselect("td")[0]) for v in versions] == ["1", "2"]
        assert "nội dung thay đổi" in text_of(versions[1])
        [diff] = page.cssselect("#diff-2 .word-diff")
        deleted = [text_of(d) for d in diff.cssselect("del")]
        inserted = [text_of(i) for i in diff.cssselect("ins")]
        assert len(deleted) == len(inserted) == 1, text_of(diff)
        assert re.fullmatch(r"[\d.,]+", deleted[0]) and re.fullmatch(r"[\d.,]+", inserted[0])
        assert deleted != inserted
        assert f" {deleted[0]} " in old and f" {deleted[0]} " not in new
        assert f" {inserted[0]} " in new
        # unchanged context around the figure is shown, the rest shortened with …
        assert "…" in text_of(diff)


def test_removed_articles_show_the_banner_with_a_readable_reason(site: Site) -> None:
    removed = site.rows(
        "select id, removal_reason, removed_at from articles where removed_at is not null"
    )
    assert {r["removal_reason"] for r in removed} == set(REASON_WORDS)
    for row in removed:
        page = site.page(f"/demo/articles/{row['id']}")
        [banner] = page.cssselect(".archive-removed")
        text = text_of(banner)
        assert text.startswith(f"Đã gỡ bỏ ngày {vn_datetime(row['removed_at'])}")
        vietnamese, english = REASON_WORDS[row["removal_reason"]]
        assert vietnamese in text and english not in text, text
        tombstone = page.cssselect("#versions tr.archive-tombstone")
        assert len(tombstone) == 1 and "bia mộ" in text_of(tombstone[0])
        # English only behind the switch, never doubled
        english_page = site.page(f"/demo/articles/{row['id']}?lang=en")
        text = text_of(english_page.cssselect(".archive-removed")[0])
        assert text.startswith(f"Removed on {vn_datetime(row['removed_at'])}")
        assert english in text and vietnamese not in text, text
        tombstone = english_page.cssselect("#versions tr.archive-tombstone")
        assert "tombstone" in text_of(tombstone[0])
        # the last archived text is still shown
        assert page.cssselect(".archive-body p")


def test_json_api_of_the_row_is_unchanged(site: Site) -> None:
    seed = site.row("select * from articles where title like ?", SEED_TITLE + "%")
    data = site.get(f"/demo/articles/{seed['id']}.json?_shape=objects").json()
    assert data["rows"] == [seed]
    assert set(data) >= {"database", "table", "rows", "primary_keys"}
    assert not any("archive" in key for key in data)


def test_other_row_pages_keep_datasette_layout(site: Site) -> None:
    page = site.page("/demo/crawls/1")
    assert text_of(page.cssselect("h1")[0]) == "crawls: 1"
    assert not page.cssselect("article.archive-article")
    assert page.cssselect("table.rows-and-columns")


def test_hostile_archived_content_is_inert(demo_archive: Path, tmp_path: Path) -> None:
    db = copy_archive(demo_archive, tmp_path / "demo.db")
    url = "http://127.0.0.1:9/tin/bai-doc-hai.html"
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
    record = {
        "url": url,
        "title": f"Tiêu đề {hostile}",
        "summary": '<iframe src="javascript:alert(2)"></iframe>',
        "author": '"><script>alert(3)</script>',
        "published_at": "2022-07-01T08:00:00+07:00",
        "body_text": f"Đoạn một có {hostile}.\n\nĐoạn hai không có gì lạ.",
        "images": [
            {"url": "javascript:alert(4)", "caption": "<b onmouseover=alert(5)>ảnh</b>"},
            {"url": "data:text/html,<script>alert(6)</script>", "caption": "ảnh hai"},
        ],
        "attachments": [
            {"url": "javascript:alert(7)", "title": "Tệp <script>alert(8)</script>"},
            {"url": "  JavaScript:alert(9)", "title": "Tệp hai"},
        ],
    }
    with ArchiveWriter(db) as writer:
        writer.add_article(record, portal="demo", section="Tin", fetched_at="2025-07-01T01:00:00Z")
    with ArchiveWriter(db) as writer:  # a second version: the diff holds hostile text too
        edited = {**record, "body_text": record["body_text"].replace("alert(1)", "alert(10)")}
        writer.add_article(edited, portal="demo", section="Tin", fetched_at="2025-07-02T01:00:00Z")
    site = Site(db)
    article_id = site.row("select id from articles where url = ?", url)["id"]
    raw = site.get(f"/demo/articles/{article_id}").text
    page = html.fromstring(raw)
    [article] = page.cssselect("article.archive-article")
    assert not article.cssselect("script, iframe, b")
    for element in article.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src"):
                assert value.startswith(("http://", "https://", "/")), (element.tag, value)
    assert "javascript:" not in " ".join(
        value for el in page.iter() for name, value in el.attrib.items() if name in ("href", "src")
    )
    assert "<script>alert" not in raw and "<img src=x" not in raw
    # shown as text, verbatim, where a reader expects it
    shown = hostile.replace("alert(1)", "alert(10)")  # the latest version is shown
    assert shown in text_of(article.cssselect(".archive-body p")[0])
    assert text_of(article.cssselect(".archive-author")[0]) == record["author"]
    assert "<b onmouseover=alert(5)>ảnh</b>" in text_of(article.cssselect("figcaption")[0])
    attachments = article.cssselect(".archive-attachments li")
    assert [text_of(li) for li in attachments] == ["Tệp <script>alert(8)</script>", "Tệp hai"]
    assert not article.cssselect(".archive-attachments a")
    [diff] = article.cssselect("#diff-2 .word-diff")
    assert [text_of(d) for d in diff.cssselect("del")] == [
        "<script>alert(1)</script>",
        "onerror=alert(1)>.",
    ]
    assert [text_of(i) for i in diff.cssselect("ins")] == [
        "<script>alert(10)</script>",
        "onerror=alert(10)>.",
    ]


def test_article_page_follows_any_database_name(demo_archive: Path, tmp_path: Path) -> None:
    site = Site(copy_archive(demo_archive, tmp_path / "archive.db"))
    article_id = site.row("select id from articles where title like ?", SEED_TITLE + "%")["id"]
    page = site.page(f"/archive/articles/{article_id}")
    [article] = page.cssselect("article.archive-article")
    hrefs = {a.get("href") for a in article.cssselect("a")}
    assert "/archive/portals/demo" in hrefs
    assert "/archive/portal_feed.atom?portal=demo" in hrefs
    assert any(h.startswith("/archive/article_versions/") for h in hrefs)


def test_safe_url_allows_only_absolute_http() -> None:
    assert safe_url("https://travinh.gov.vn/a.pdf") == "https://travinh.gov.vn/a.pdf"
    assert safe_url(" http://x.vn/ ") == "http://x.vn/"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "/local",
                "x.pdf", "http:///nohost", "vbscript:x", None, 5, "http://[bad"):  # fmt: skip
        assert safe_url(bad) is None, bad


def test_diff_runs_split_word_diff_markers() -> None:
    assert diff_runs("có [-150-]{+165+} đoàn viên") == [
        ("same", "có "),
        ("del", "150"),
        ("ins", "165"),
        ("same", " đoàn viên"),
    ]
    assert diff_runs("") == [] and diff_runs(None) == []
    assert diff_runs("{+mới+}") == [("ins", "mới")]


def test_paragraphs_and_times() -> None:
    assert paragraphs("Một.\n\n  Hai.\nBa.\n") == ["Một.", "Hai.", "Ba."]
    assert paragraphs(None) == []
    assert readable_time("2022-06-02T16:30:00+07:00") == "02/06/2022 16:30 (+07:00)"
    assert readable_time("2022-06-03") == "03/06/2022"
    assert readable_time("2025-07-01T10:00:00.123456Z") == "01/07/2025 10:00 UTC"
    assert readable_time("hôm qua") == "hôm qua"
    assert readable_time(None) == ""


def test_sanitizer_is_a_second_line_of_defence() -> None:
    from archive.site.plugins.archive_article import sanitize

    cleaned = sanitize(
        '<p onclick="steal()">a<script>alert(1)</script></p>'
        '<a href="javascript:alert(2)">b</a><a href="/demo/portals/demo">c</a>'
        '<img src="data:text/html,x" onerror="alert(3)"><iframe src="https://x.vn"></iframe>'
        "<del>cũ</del><ins>mới</ins>"
    )
    tree = html.fragment_fromstring(str(cleaned), create_parent="div")
    assert not tree.cssselect("script, iframe")
    assert all(not name.startswith("on") for el in tree.iter() for name in el.attrib)
    assert [a.get("href") for a in tree.cssselect("a")] == [None, "/demo/portals/demo"]
    assert tree.cssselect("img") == []  # images are linked, never embedded
    assert [el.text for el in tree.cssselect("del, ins")] == ["cũ", "mới"]
    assert "alert(1)" not in str(cleaned)


def test_every_stored_removal_reason_has_readable_wording() -> None:
    from archive.article_page import REMOVAL_REASONS
    from archive.schema import REMOVAL_REASONS as STORED

    assert set(REMOVAL_REASONS) == set(STORED)
