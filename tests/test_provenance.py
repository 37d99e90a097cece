"""Issue 11, archive side: provenance, extractor versions, change kinds, extraction failures
and verbatim counter labels, on real SQLite files and a real in-process Datasette."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlite_utils
from lxml import html

from archive import ArchiveWriter, open_archive, queries
from archive.article_page import WEAK_LAYERS as SHOWN_WEAK_LAYERS
from archive.article_page import weak_fields
from archive.schema import migrations
from portal_spider.extract.record import EXTRACTOR_VERSION, WEAK_LAYERS

from .archive_support import rows
from .conftest import REPO, portal_archive
from .site_support import Site

OLD = "2020.1.0"  # an extractor version older than any this code writes
T = [f"2025-07-0{day}T10:00:00+07:00" for day in range(1, 8)]
URL = "https://travinh.gov.vn/tin/1"
FAILED_URL = "https://travinh.gov.vn/tin/khong-doc-duoc"


def article(url: str = URL, **fields: object) -> dict:
    record = {
        "url": url,
        "kind": "article",
        "title": "Hội nghị tổng kết công tác chuyển đổi số",
        "published_at": "2025-06-30T08:00:00+07:00",
        "updated_at": "2025-06-30T15:20:00+07:00",
        "author": "Minh Anh",
        "source": "Theo Báo Trà Vinh",
        "summary": "Tóm tắt hội nghị",
        "body_text": "Đoạn một về chuyển đổi số.\n\nĐoạn hai về kết quả.",
        "images": [],
        "attachments": [],
        "field_sources": {"title": "profile", "published_at": "lines", "source": "lines"},
        "extraction_failed": None,
        "extractor_version": EXTRACTOR_VERSION,
    }
    record.update(fields)
    return record


def failed(url: str = FAILED_URL, **fields: object) -> dict:
    """What the extractor gives for an expected article it could not read."""
    record = {
        "url": url,
        "kind": "article",
        "title": "Thông báo lịch tiếp công dân",
        "extraction_failed": "no_body",
        "extractor_version": EXTRACTOR_VERSION,
        "field_sources": {"title": "title_tag"},
    }
    record.update(fields)
    return record


def add(writer: ArchiveWriter, record: dict, at: str, crawl_id: int | None = None) -> None:
    writer.add_article(record, portal="travinh", section="tin", fetched_at=at, crawl_id=crawl_id)


def versions(db_path: Path, url: str = URL) -> list[tuple]:
    with sqlite_utils.Database(db_path) as db:
        return db.execute(
            "select v.version, v.change_kind, v.extractor_version, v.extraction_failed, "
            "v.body_text from article_versions v join articles a on a.id = v.article_id "
            "where a.url = ? order by v.version",
            [url],
        ).fetchall()


def changes(db_path: Path) -> list[tuple]:
    db = open_archive(db_path)  # registers word_diff for the view
    try:
        return db.execute("select url, version, status from article_changes").fetchall()
    finally:
        db.close()


def search(db_path: Path, words: str) -> list[str]:
    db = open_archive(db_path)
    try:
        return [
            row[0]
            for row in db.execute(
                "select a.url from articles_search s join articles a on a.search_key = s.rowid "
                "where articles_search match vn_fts_query(?)",
                [words],
            )
        ]
    finally:
        db.close()


# -- a new extractor is not an edit -------------------------------------------------------


def test_extractor_change_is_not_an_edit(writer: ArchiveWriter, db_path: Path) -> None:
    crawl = writer.start_crawl("travinh", started_at=T[0])
    add(writer, article(body_text="Bản đọc cũ, thiếu đoạn hai.", extractor_version=OLD), T[0])
    # The portal did not change; a newer extractor reads more of the same page.
    add(writer, article(), T[1], crawl)
    assert (writer.stats.updated, writer.stats.reextracted) == (0, 1)
    assert [v[:3] for v in versions(db_path)] == [
        (1, "first", OLD),
        (2, "extractor", EXTRACTOR_VERSION),
    ]
    assert changes(db_path) == []  # not an edit: no diff, no "changed" listing
    writer.finish_crawl(crawl, status="ok", pages=1, errors=0)
    [row] = rows(db_path, "crawls")
    assert (row["articles_updated"], row["articles_reextracted"]) == (0, 1)
    # Same extractor, different content: that is the portal's edit.
    add(writer, article(body_text="Đoạn một về chuyển đổi số.\n\nĐoạn hai đã sửa."), T[2])
    assert (writer.stats.updated, writer.stats.reextracted) == (1, 1)
    assert versions(db_path)[-1][:2] == (3, "edit")
    assert changes(db_path) == [(URL, 3, "edited")]


def test_same_content_from_a_newer_extractor_moves_its_version(
    writer: ArchiveWriter, db_path: Path
) -> None:
    add(writer, article(extractor_version=OLD, field_sources={"title": "lines"}), T[0])
    add(writer, article(), T[1])  # same content, newer extractor: unchanged, no version
    assert (writer.stats.unchanged, len(versions(db_path))) == (1, 1)
    [row] = rows(db_path, "articles")
    assert row["extractor_version"] == EXTRACTOR_VERSION
    assert json.loads(row["field_sources"])["title"] == "profile"
    assert versions(db_path)[0][2] == OLD  # the version keeps who read it then
    # The newer extractor has now read this content: a later difference is an edit.
    add(writer, article(title="Tiêu đề đã sửa"), T[2])
    assert versions(db_path)[-1][:2] == (2, "edit") and writer.stats.updated == 1


def test_provenance_columns_are_stored(writer: ArchiveWriter, db_path: Path) -> None:
    add(writer, article(), T[0])
    [row] = rows(db_path, "articles")
    assert row["source"] == "Theo Báo Trà Vinh"
    assert row["updated_at"] == "2025-06-30T15:20:00+07:00"
    assert json.loads(row["field_sources"]) == {
        "published_at": "lines",
        "source": "lines",
        "title": "profile",
    }
    assert (row["extractor_version"], row["extraction_failed"]) == (EXTRACTOR_VERSION, None)
    [version] = rows(db_path, "article_versions")
    assert (version["source"], version["change_kind"]) == ("Theo Báo Trà Vinh", "first")
    assert version["field_sources"] == row["field_sources"]
    # source and updated_at are content: the portal changing them is an edit
    add(writer, article(source="Theo TTXVN"), T[1])
    assert versions(db_path)[-1][:2] == (2, "edit")


def test_removal_and_restore_keep_their_kinds(writer: ArchiveWriter, db_path: Path) -> None:
    add(writer, article(), T[0])
    writer.add_removal(URL, reason="http_404", fetched_at=T[1], http_status=404)
    writer.add_not_modified(URL, fetched_at=T[2])  # back, unchanged
    kinds = [(v[0], v[1], v[2]) for v in versions(db_path)]
    assert kinds == [
        (1, "first", EXTRACTOR_VERSION),
        (2, "removal", None),
        (3, "restore", EXTRACTOR_VERSION),
    ]
    assert changes(db_path) == [(URL, 3, "restored")]


# -- extraction failures ------------------------------------------------------------------


def test_failed_read_is_a_flagged_article_kept_out_of_search(
    writer: ArchiveWriter, db_path: Path
) -> None:
    crawl = writer.start_crawl("travinh", started_at=T[0])
    add(writer, article(), T[0], crawl)
    add(writer, failed(), T[0], crawl)
    assert (writer.stats.new, writer.stats.failed) == (1, 1)
    writer.finish_crawl(crawl, status="ok", pages=2, errors=0)
    assert rows(db_path, "crawls")[0]["extraction_failures"] == 1
    row = next(r for r in rows(db_path, "articles") if r["url"] == FAILED_URL)
    assert row["extraction_failed"] == "no_body"
    assert row["title"] == "Thông báo lịch tiếp công dân"
    assert row["body_text"] is None and row["version"] == 1
    assert versions(db_path, FAILED_URL) == [(1, "first", EXTRACTOR_VERSION, "no_body", None)]
    assert search(db_path, "lịch tiếp công dân") == []  # the title is stored, not searchable
    assert search(db_path, "chuyển đổi số") == [URL]
    # not known to the crawler: fetched again in full, never conditionally
    assert FAILED_URL not in queries.known_articles(writer.db, "travinh")
    assert queries.failed_articles(writer.db, "travinh") == [(FAILED_URL, "tin")]
    recent = queries.recent_articles(writer.db, "travinh", first_seen_since=T[0], days=3650)
    assert [r.url for r in recent] == [URL]


def test_failed_again_then_read_becomes_a_normal_article(
    writer: ArchiveWriter, db_path: Path
) -> None:
    add(writer, failed(), T[0])
    add(writer, failed(extraction_failed="no_text"), T[1])  # fails again: no new version
    assert writer.stats.failed == 2 and len(versions(db_path, FAILED_URL)) == 1
    row = rows(db_path, "articles")[0]
    assert (row["extraction_failed"], row["last_seen_at"]) == (
        "no_text",
        "2025-07-02T03:00:00.000000Z",
    )
    readable = article(FAILED_URL, title="Thông báo lịch tiếp công dân", body_text="Lịch tiếp.")
    add(writer, readable, T[2])
    assert (writer.stats.new, writer.stats.updated, writer.stats.reextracted) == (1, 0, 0)
    assert [v[:4] for v in versions(db_path, FAILED_URL)] == [
        (1, "first", EXTRACTOR_VERSION, "no_body"),
        (2, "first", EXTRACTOR_VERSION, None),
    ]
    row = rows(db_path, "articles")[0]
    assert (row["extraction_failed"], row["body_text"], row["version"]) == (None, "Lịch tiếp.", 2)
    assert search(db_path, "lịch tiếp công dân") == [FAILED_URL]
    assert changes(db_path) == []  # the first readable text is not a change
    assert FAILED_URL in queries.known_articles(writer.db, "travinh")


def test_failed_read_of_a_read_article_keeps_its_content(
    writer: ArchiveWriter, db_path: Path
) -> None:
    add(writer, article(), T[0])
    before = rows(db_path, "articles")
    add(writer, failed(URL), T[1])
    assert writer.stats.failed == 1 and writer.stats.updated == 0
    assert rows(db_path, "articles") == before  # not even last_seen_at: nothing was read
    assert len(versions(db_path)) == 1


# -- counters -----------------------------------------------------------------------------


def test_unknown_counter_labels_are_stored_verbatim(writer: ArchiveWriter, db_path: Path) -> None:
    counter = {"online": 7, "total": 1200, "Lượt truy cập IP": 12}
    writer.add_counter(portal="travinh", observed_at=T[0], page_url="u", counter=counter)
    writer.add_counter(portal="travinh", observed_at=T[1], page_url="u", counter={"Khách": 3})
    first, second = rows(db_path, "visitor_stats")
    assert (first["online"], first["total"]) == (7, 1200)
    assert json.loads(first["other_counts"]) == {"Lượt truy cập IP": 12}
    assert second["online"] is None and json.loads(second["other_counts"]) == {"Khách": 3}


# -- migration of an archive written by the previous schema -------------------------------


def _old_archive(path: Path) -> None:
    """An archive as the code before migration 0005 left it, with one article's history:
    first, edited, removed, restored; and a counter reading."""
    db = sqlite_utils.Database(path)
    from archive import diff, vn_search

    diff.register(db.conn)
    vn_search.register(db.conn)
    migrations.apply(db, stop_before="0005_provenance")
    assert "extractor_version" not in db["articles"].columns_dict
    db["portals"].insert({"slug": "travinh", "name": "Trà Vinh", "base_url": "https://tv.vn"})
    content = {"title": "Tin cũ", "published_at": "2024-01-02", "body_text": "Bản một."}
    db["articles"].insert(
        {
            "id": 1,
            "url": URL,
            "portal": "travinh",
            **content,
            "content_hash": "h2",
            "first_seen_at": "2024-01-02T00:00:00.000000Z",
            "last_seen_at": "2024-01-05T00:00:00.000000Z",
            "version": 4,
        }
    )
    history = ((1, "Bản một.", 0), (2, "Bản hai.", 0), (3, None, 1), (4, "Bản hai.", 0))
    for version, body, tombstone in history:
        db["article_versions"].insert(
            {
                "article_id": 1,
                "version": version,
                "fetched_at": f"2024-01-0{version}T00:00:00Z",
                "title": None if tombstone else "Tin cũ",
                "body_text": body,
                "content_hash": None if tombstone else f"h{version}",
                "tombstone": tombstone,
                "removal_reason": "http_404" if tombstone else None,
            }
        )
    db["visitor_stats"].insert(
        {"portal": "travinh", "observed_at": "2024-01-02T00:00:00Z", "online": 5}
    )
    db.close()


def test_migration_upgrades_an_archive_of_the_previous_schema(db_path: Path) -> None:
    _old_archive(db_path)
    db = open_archive(db_path)
    applied = [r["name"] for r in db["_sqlite_migrations"].rows]
    assert applied[applied.index("0005_provenance") :][:3] == [
        "0005_provenance",
        "0006_coverage",
        "0007_captures",
    ]
    kinds = db.execute("select version, change_kind from article_versions order by version")
    assert kinds.fetchall() == [(1, "first"), (2, "edit"), (3, "removal"), (4, "restore")]
    assert db.execute("select version, status from article_changes").fetchall() == [
        (2, "edited"),
        (4, "restored"),
    ]
    assert db["visitor_stats"].get(1)["other_counts"] is None
    assert db.execute("pragma foreign_key_check").fetchall() == []
    db.close()
    with ArchiveWriter(db_path, batch_size=1) as writer:
        # No extractor version was recorded before: a different reading now is the extractor's.
        add(writer, article(title="Tin cũ", published_at="2024-01-02", body_text="Bản ba."), T[0])
        assert (writer.stats.updated, writer.stats.reextracted) == (0, 1)
    assert versions(db_path)[-1][:3] == (5, "extractor", EXTRACTOR_VERSION)
    assert search(db_path, "bản ba") == [URL]


# -- the archive site ---------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Site:
    path = tmp_path / "demo.db"
    with ArchiveWriter(path, batch_size=1) as writer:
        writer.ensure_portal("demo", "Cổng thử", "https://travinh.gov.vn", "dnn", ["tin"])
        crawl = writer.start_crawl("demo", started_at=T[0])
        for record, at in (
            (article(extractor_version=OLD, body_text="Bản đọc cũ."), T[0]),
            (article(), T[1]),
            (failed(), T[1]),
        ):
            writer.add_article(record, portal="demo", section="tin", fetched_at=at, crawl_id=crawl)
        writer.add_counter(
            portal="demo", observed_at=T[1], page_url=URL, counter={"Lượt truy cập IP": 12}
        )
        writer.finish_crawl(crawl, status="ok", pages=3, errors=0)
    return Site(path)


def text_of(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_article_page_shows_source_update_weak_fields_and_extractors(site: Site) -> None:
    article_id = site.row("select id from articles where url = ?", URL)["id"]
    page = site.page(f"/demo/articles/{article_id}")
    [body] = page.cssselect("article.archive-article")
    meta = text_of(body.cssselect(".archive-meta")[0])
    assert "Nguồn Theo Báo Trà Vinh" in meta
    assert "Cập nhật 30/06/2025 15:20" in meta  # Vietnam time
    # published_at and source came from the page's text lines: a guess, said so
    assert "Ngày đăng đoán từ nội dung trang" in text_of(body.cssselect("#weak-published_at")[0])
    assert "Nguồn đoán từ nội dung trang" in text_of(body.cssselect("#weak-source")[0])
    assert not body.cssselect("#weak-title")  # the title came from the platform profile
    assert not body.cssselect("#extraction-failed")
    rows_ = body.cssselect("#versions tbody tr")
    assert [text_of(r.cssselect(".archive-extractor")[0]) for r in rows_] == [
        OLD,
        EXTRACTOR_VERSION,
    ]
    assert "trình trích xuất mới, không phải cổng sửa bài" in text_of(rows_[1])
    assert not body.cssselect("#diff-2")  # an extractor change has no diff


def test_unread_article_shows_a_banner_and_stays_out_of_search_and_feeds(site: Site) -> None:
    article_id = site.row("select id from articles where url = ?", FAILED_URL)["id"]
    page = site.page(f"/demo/articles/{article_id}")
    [banner] = page.cssselect("#extraction-failed")
    text = text_of(banner)
    assert text.startswith("Không đọc được nội dung tin bài này")
    assert "trang không có phần nội dung đọc được" in text and "no readable body" not in text
    assert "không đọc được nội dung" in text_of(page.cssselect("#versions tbody tr")[0])
    for q in ("", "tiếp công dân", "chuyển đổi số"):
        found = site.get("/demo/search.json?" + urlencode({"q": q, "_shape": "array"})).json()
        assert FAILED_URL not in [r["url"] for r in found], q
    assert [r["url"] for r in site.get("/demo/search.json?q=&_shape=array").json()] == [URL]
    feed = site.get("/demo/portal_feed.json?portal=demo&_shape=array").json()
    assert [entry["atom_id"] for entry in feed] == [URL]
    atom = site.get("/demo/portal_feed.atom?portal=demo").text
    assert FAILED_URL not in atom


def test_dashboard_counts_failures_and_reextracted_versions(site: Site) -> None:
    charts = json.loads((REPO / "metadata.json").read_text(encoding="utf-8"))["plugins"][
        "datasette-dashboards"
    ]["archive"]["charts"]
    for name, expected in (("extraction_failures", 1), ("articles_reextracted", 1)):
        sql = (
            charts[name]["query"]
            .replace("[[ and portal = :portal ]]", "")
            .replace("[[ and a.portal = :portal ]]", "")
        )
        [row] = site.get("/demo.json?" + urlencode({"sql": sql, "_shape": "array"})).json()
        assert row["n"] == expected, name
    assert "extraction_failures" in site.get("/-/dashboards/archive").text
    crawl = site.get("/demo/crawls.json?_shape=array").json()[0]
    assert (crawl["extraction_failures"], crawl["articles_reextracted"]) == (1, 1)


def test_unknown_counter_labels_are_shown_in_datasette(site: Site) -> None:
    [reading] = site.get("/demo/visitor_stats.json?_shape=array").json()
    assert json.loads(reading["other_counts"]) == {"Lượt truy cập IP": 12}
    page = site.get("/demo/visitor_stats").text
    assert "other_counts" in page and "Lượt truy cập IP" in page


def test_weak_layer_wording_covers_the_extractors_weak_layers() -> None:
    assert set(SHOWN_WEAK_LAYERS) == set(WEAK_LAYERS)
    notes = weak_fields('{"published_at": "url", "title": "title_tag", "body_text": "main_text"}')
    assert notes == {
        "published_at": (
            "Ngày đăng đoán từ địa chỉ trang",
            "publication date guessed from the page address",
        ),
        "title": (
            "Tiêu đề lấy từ thẻ tiêu đề của trang",
            "title taken from the page's <title> tag",
        ),
    }
    assert weak_fields("not json") == {} and weak_fields(None) == {}


# -- portal-archive extract ---------------------------------------------------------------

FIXTURE = REPO / "tests/fixtures/platforms/dotnetnuke/article_path_url.html"
FIXTURE_URL = json.loads(FIXTURE.with_suffix(".json").read_text(encoding="utf-8"))["url"]


def test_extract_prints_provenance_and_takes_expect(tmp_path: Path) -> None:
    for extra in ((), ("--expect", "article")):
        result = portal_archive("extract", str(FIXTURE), "--url", FIXTURE_URL, *extra)
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        assert record["kind"] == "article"
        assert isinstance(record["field_sources"], dict)
        assert record["extraction_failed"] is None
        assert record["extractor_version"] == EXTRACTOR_VERSION
    listing = tmp_path / "list.tsv"
    listing.write_text(f"{FIXTURE}\t{FIXTURE_URL}\n", encoding="utf-8")
    result = portal_archive("extract", "--batch", str(listing), "--expect", "article")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert {"field_sources", "extraction_failed", "extractor_version"} <= set(json.loads(line))
    bad = portal_archive("extract", str(FIXTURE), "--url", FIXTURE_URL, "--expect", "page")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_sqlite_shell_can_read_new_columns(site: Site) -> None:
    conn = sqlite3.connect(site.db_path)
    try:
        kinds = conn.execute("select change_kind from article_versions order by id").fetchall()
    finally:
        conn.close()
    assert [k[0] for k in kinds] == ["first", "extractor", "first"]
