"""Schema and writer tests for the archive package, against real SQLite files."""

import hashlib
import json
import sqlite3
import unicodedata
from pathlib import Path

import pytest
import sqlite_utils

from archive import ArchiveError, ArchiveWriter, open_archive
from archive.records import content_hash
from archive.schema import COUNTER_KEYS

from .archive_support import rows

T1 = "2025-07-01T10:00:00+07:00"
T2 = "2025-07-02T10:00:00+07:00"
T3 = "2025-07-03T10:00:00+07:00"


def article(url: str = "https://travinh.gov.vn/tin/1", **fields: object) -> dict:
    record = {
        "url": url,
        "kind": "article",
        "platform": "dnn",
        "title": "Thành ủy Trà Vinh tổ chức Hội nghị",
        "published_at": "2022-06-02T16:30:00+07:00",
        "author": "Minh Anh",
        "summary": "Tóm tắt",
        "body_text": "Nội dung bài viết.",
        "images": [{"url": "https://travinh.gov.vn/a.jpg", "caption": "Ảnh"}],
        "attachments": [],
        "links": [],
        "next_page": None,
        "visitor_counter": None,
    }
    record.update(fields)
    return record


# -- schema -------------------------------------------------------------------------------


PROVENANCE = {"updated_at", "source", "field_sources", "extraction_failed", "extractor_version"}


def test_schema_has_all_tables_and_columns(db_path: Path) -> None:
    db = open_archive(db_path)
    expected = {
        "portals": {"slug", "name", "base_url", "platform", "sections"}
        | {"first_crawled_at", "last_crawled_at"},
        "articles": {"id", "url", "portal", "section", "title", "summary", "published_at"}
        | {"author", "body_text", "images", "attachments", "content_hash"}
        | {"first_seen_at", "last_seen_at", "version"}
        | {"etag", "last_modified", "removed_at", "removal_reason"}
        | PROVENANCE
        | {"capture", "hidden_at"},
        "article_versions": {"id", "article_id", "version", "fetched_at", "content_hash"}
        | {"title", "summary", "published_at", "author", "body_text", "images", "attachments"}
        | {"crawl_id", "http_status", "http_headers", "tombstone", "removal_reason"}
        | PROVENANCE
        | {"change_kind", "capture", "reextract_run"},
        "visitor_stats": {"id", "portal", "observed_at", "page_url", "crawl_id", *COUNTER_KEYS}
        | {"other_counts", "capture"},
        "crawls": {"id", "portal", "started_at", "finished_at", "status", "pages", "errors"}
        | {"articles_new", "articles_updated", "articles_unchanged", "counter_observations"}
        | {"stats", "requests", "responses_by_status", "articles_removed", "articles_restored"}
        | {"robots_obeyed", "options", "errors_by_kind"}
        | {"extraction_failures", "articles_reextracted"}
        | {"limits_hit", "notices", "listed", "listed_archived", "sections_behind"}
        | {"found_listing_only", "found_second_only", "found_both"}
        | {"warc_files", "warc_bytes", "captures_full", "captures_revisit"},
        "crawl_errors": {"id", "crawl_id", "url", "kind", "detail", "at", "capture"},
        "captures": {"record_id", "portal", "crawl_id", "url", "fetched_at", "http_status"}
        | {"content_type", "record_type", "revisit_profile", "refers_to", "warc_file"}
        | {"warc_offset", "warc_length", "payload_sha1", "payload_sha256", "payload_length"}
        | {"truncated", "request_record_id"},
        "sections": {"id", "portal", "path", "name", "kind", "found_by", "found_in"}
        | {"evidence", "first_found_at", "last_seen_at", "status", "status_detail"}
        | {"reached_end_at", "complete", "last_crawl_id"},
        "article_sources": {"portal", "url", "source", "via", "first_seen_at", "last_seen_at"}
        | {"first_crawl_id", "last_crawl_id"},
        "reextract_runs": {"id", "started_at", "finished_at", "status", "extractor_version"}
        | {"options", "pages", "changed", "recovered", "still_failing", "unchanged"}
        | {"unreadable", "not_article", "missing"},
        "hidden_articles": {"id", "article_id", "url", "url_sha256", "reason", "note"}
        | {"hidden_at", "hidden_by", "restored_at", "restored_by"},
    }
    for table, columns in expected.items():
        assert set(db[table].columns_dict) == columns, table
    assert db["articles"].pks == ["id"]
    assert db["portals"].pks == ["slug"]
    indexes = {tuple(i.columns): i.unique for i in db["articles"].indexes}
    assert indexes[("url",)] == 1
    assert ("portal",) in indexes and ("published_at",) in indexes
    version_indexes = {tuple(i.columns): i.unique for i in db["article_versions"].indexes}
    assert version_indexes[("article_id", "version")] == 1
    assert ("portal", "observed_at") in {tuple(i.columns) for i in db["visitor_stats"].indexes}
    assert {fk.other_table for fk in db["articles"].foreign_keys} == {"portals", "captures"}
    assert "remove_diacritics 0" in db["articles_search"].schema
    search_triggers = {"articles_search_ai", "articles_search_ad", "articles_search_au"}
    assert {t.name for t in db["articles"].triggers} >= search_triggers
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()


def test_open_archive_is_idempotent(db_path: Path) -> None:
    open_archive(db_path).close()
    db = open_archive(db_path)
    assert [r["name"] for r in db["_sqlite_migrations"].rows] == [
        "0001_initial",
        "0002_removals_http_evidence",
        "0003_vietnamese_search",
        "0004_crawl_errors",
        "0005_provenance",
        "0006_coverage",
        "0007_captures",
        "0008_reextract_runs",
        "0009_hidden_articles",
        "0010_search_facet_indexes",
        "0011_hidden_out_of_search_index",
    ]
    db.close()


def test_non_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    original = "Không phải cơ sở dữ liệu\n".encode() * 100
    path.write_bytes(original)
    with pytest.raises(ArchiveError, match="not a SQLite database"):
        open_archive(path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_corrupt_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    original = b"SQLite format 3\x00" + b"\xff" * 200
    path.write_bytes(original)
    with pytest.raises(ArchiveError):
        open_archive(path)
    assert path.read_bytes() == original


def test_newer_schema_version_is_refused(db_path: Path) -> None:
    open_archive(db_path).close()
    with sqlite_utils.Database(db_path) as db:
        db["_sqlite_migrations"].insert(
            {"migration_set": "portal_archive", "name": "0099_future", "applied_at": "x"}
        )
    with pytest.raises(ArchiveError, match="newer archive schema"):
        open_archive(db_path)


# -- articles -----------------------------------------------------------------------------


def test_new_unchanged_updated_semantics(writer: ArchiveWriter, db_path: Path) -> None:
    writer.add_article(article(), portal="travinh", section="tin", fetched_at=T1)
    writer.add_article(article(), portal="travinh", section="tin", fetched_at=T2)
    edited = article(body_text="Nội dung đã sửa.")
    writer.add_article(edited, portal="travinh", section="tin", fetched_at=T3)

    assert (writer.stats.new, writer.stats.unchanged, writer.stats.updated) == (1, 1, 1)
    [row] = rows(db_path, "articles")
    assert row["body_text"] == "Nội dung đã sửa."
    assert row["version"] == 2
    assert row["first_seen_at"] == "2025-07-01T03:00:00.000000Z"
    assert row["last_seen_at"] == "2025-07-03T03:00:00.000000Z"
    versions = rows(db_path, "article_versions")
    assert [(v["version"], v["body_text"]) for v in versions] == [
        (1, "Nội dung bài viết."),
        (2, "Nội dung đã sửa."),
    ]
    assert versions[0]["fetched_at"] == "2025-07-01T03:00:00.000000Z"
    assert versions[1]["content_hash"] == row["content_hash"] != versions[0]["content_hash"]


def test_unchanged_only_advances_last_seen(writer: ArchiveWriter, db_path: Path) -> None:
    writer.add_article(article(), portal="travinh", section="tin", fetched_at=T2)
    before = rows(db_path, "articles")[0]
    writer.add_article(article(), portal="travinh", section="tin", fetched_at=T3)
    writer.add_article(article(), portal="travinh", section="tin", fetched_at=T1)  # late import
    after = rows(db_path, "articles")[0]
    assert after["last_seen_at"] == "2025-07-03T03:00:00.000000Z"
    assert after["first_seen_at"] == "2025-07-01T03:00:00.000000Z"
    assert {k: v for k, v in after.items() if not k.endswith("seen_at")} == {
        k: v for k, v in before.items() if not k.endswith("seen_at")
    }
    assert len(rows(db_path, "article_versions")) == 1


def test_text_is_nfc_normalised_but_otherwise_untouched(
    writer: ArchiveWriter, db_path: Path
) -> None:
    nfd_title = unicodedata.normalize("NFD", "Thành ủy Trà Vinh")
    assert nfd_title != "Thành ủy Trà Vinh"
    record = article(title=nfd_title, summary="Tỉnh uỷ Vĩnh Long")
    writer.add_article(record, portal="travinh", section=None, fetched_at=T1)
    row = rows(db_path, "articles")[0]
    assert row["title"] == "Thành ủy Trà Vinh"
    assert row["summary"] == "Tỉnh uỷ Vĩnh Long"  # old-style "uỷ" kept, not rewritten to "ủy"
    record = article(title="Thành ủy Trà Vinh", summary="Tỉnh uỷ Vĩnh Long")
    writer.add_article(record, portal="travinh", section=None, fetched_at=T2)
    assert writer.stats.unchanged == 1  # NFC and NFD copies of a page hash the same


def test_empty_strings_are_stored_as_null(writer: ArchiveWriter, db_path: Path) -> None:
    record = article(author="", summary="", images=[{"url": "https://x/a.jpg", "caption": ""}])
    writer.add_article(record, portal="travinh", section="", fetched_at=T1)
    row = rows(db_path, "articles")[0]
    assert row["author"] is None and row["summary"] is None and row["section"] is None
    assert json.loads(row["images"]) == [{"url": "https://x/a.jpg", "caption": None}]


def test_content_hash_is_documented_canonical_json() -> None:
    content = {
        "title": "Tiêu đề",
        "summary": None,
        "published_at": "2022-06-02",
        "author": None,
        "body_text": "Nội dung",
        "images": [],
        "attachments": [],
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert content_hash(content) == hashlib.sha256(canonical.encode()).hexdigest()
    assert content_hash({**content, "fetched_at": "anything"}) == content_hash(content)
    # Fields added later are hashed only when they have a value: older hashes still match.
    assert content_hash({**content, "source": None, "updated_at": None}) == content_hash(content)
    with_source = {**content, "source": "Theo TTXVN"}
    canonical = json.dumps(with_source, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert content_hash(with_source) == hashlib.sha256(canonical.encode()).hexdigest()


def test_batches_flush_in_one_transaction(db_path: Path) -> None:
    with ArchiveWriter(db_path, batch_size=3) as w:
        w.ensure_portal("travinh", "Trà Vinh", "https://travinh.gov.vn", None, [])
        w.add_article(article("https://x/1"), portal="travinh", section=None, fetched_at=T1)
        w.add_article(article("https://x/2"), portal="travinh", section=None, fetched_at=T1)
        assert rows(db_path, "articles") == []
        w.add_article(article("https://x/3"), portal="travinh", section=None, fetched_at=T1)
        assert len(rows(db_path, "articles")) == 3
        w.add_article(article("https://x/4"), portal="travinh", section=None, fetched_at=T1)
    assert len(rows(db_path, "articles")) == 4  # close() flushed the remainder
    assert w.stats.new == 4


def test_duplicate_url_within_one_batch(db_path: Path) -> None:
    with ArchiveWriter(db_path, batch_size=10) as w:
        w.ensure_portal("travinh", "Trà Vinh", "https://travinh.gov.vn", None, [])
        w.add_article(article(), portal="travinh", section=None, fetched_at=T1)
        w.add_article(article(), portal="travinh", section=None, fetched_at=T2)
        w.add_article(article(title="Tiêu đề mới"), portal="travinh", section=None, fetched_at=T3)
    assert (w.stats.new, w.stats.unchanged, w.stats.updated) == (1, 1, 1)
    [row] = rows(db_path, "articles")
    assert (row["title"], row["version"]) == ("Tiêu đề mới", 2)
    assert [v["version"] for v in rows(db_path, "article_versions")] == [1, 2]


def test_failed_flush_writes_nothing_and_keeps_the_queue(db_path: Path) -> None:
    w = ArchiveWriter(db_path, batch_size=10)
    w.ensure_portal("travinh", "Trà Vinh", "https://travinh.gov.vn", None, [])
    w.db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON visitor_stats WHEN NEW.page_url = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    w.add_article(article(), portal="travinh", section=None, fetched_at=T1)
    w.add_counter(portal="travinh", observed_at=T1, page_url="boom", counter={"online": 1})
    with pytest.raises(sqlite3.IntegrityError):
        w.flush()
    assert rows(db_path, "articles") == [] and w.stats.new == 0
    w.db.execute("DROP TRIGGER boom")
    w.close()
    assert len(rows(db_path, "articles")) == 1
    assert (w.stats.new, w.stats.counters) == (1, 1)


def test_invalid_input_fails_at_add_time(writer: ArchiveWriter) -> None:
    with pytest.raises(ValueError, match="unknown portal"):
        writer.add_article(article(), portal="nowhere", section=None, fetched_at=T1)
    with pytest.raises(ValueError, match="timezone"):
        writer.add_article(article(), portal="travinh", section=None, fetched_at="2025-07-01")
    with pytest.raises(ValueError, match="url"):
        writer.add_article(article(url=""), portal="travinh", section=None, fetched_at=T1)
    with pytest.raises(ValueError, match="not an article"):
        writer.add_article(article(kind="listing"), portal="travinh", section=None, fetched_at=T1)
    with pytest.raises(TypeError, match="must be an int"):
        writer.add_counter(portal="travinh", observed_at=T1, page_url="u", counter={"hits": "1"})
    with pytest.raises(ValueError, match="label"):
        writer.add_counter(portal="travinh", observed_at=T1, page_url="u", counter={" ": 1})
    assert writer.stats.new == 0


# -- counters and crawls ------------------------------------------------------------------


def test_counter_rows_keep_absent_keys_null(writer: ArchiveWriter, db_path: Path) -> None:
    writer.add_counter(
        portal="travinh",
        observed_at="2025-07-01T03:00:00.5Z",
        page_url="https://travinh.gov.vn/",
        counter={"online": 12, "today": 0, "total": 1234567},
    )
    [row] = rows(db_path, "visitor_stats")
    assert row["observed_at"] == "2025-07-01T03:00:00.500000Z"
    assert (row["online"], row["today"], row["total"]) == (12, 0, 1234567)
    assert all(row[k] is None for k in COUNTER_KEYS if k not in {"online", "today", "total"})
    assert writer.stats.counters == 1


def test_crawl_start_and_finish_rows(writer: ArchiveWriter, db_path: Path) -> None:
    writer.batch_size = 100
    crawl_id = writer.start_crawl("travinh", started_at="2025-07-01T10:00:00+07:00")
    assert rows(db_path, "crawls")[0]["status"] == "running"  # committed immediately
    writer.add_article(article(), portal="travinh", section="tin", fetched_at=T1, crawl_id=crawl_id)
    writer.add_counter(
        portal="travinh", observed_at=T1, page_url="u", counter={"online": 1}, crawl_id=crawl_id
    )
    writer.finish_crawl(crawl_id, status="partial", pages=7, errors=2, stats={"x": 1})
    [crawl] = rows(db_path, "crawls")
    assert crawl["started_at"] == "2025-07-01T03:00:00.000000Z"
    assert crawl["finished_at"] >= crawl["started_at"]
    assert (crawl["status"], crawl["pages"], crawl["errors"]) == ("partial", 7, 2)
    counts = ("articles_new", "articles_updated", "articles_unchanged", "counter_observations")
    assert [crawl[c] for c in counts] == [1, 0, 0, 1]
    assert json.loads(crawl["stats"]) == {"x": 1}
    assert rows(db_path, "article_versions")[0]["crawl_id"] == crawl_id
    portal = rows(db_path, "portals")[0]
    assert portal["first_crawled_at"] == portal["last_crawled_at"] == crawl["started_at"]
    with pytest.raises(ValueError, match="already finished"):
        writer.finish_crawl(crawl_id, status="ok", pages=7, errors=0)


def test_ensure_portal_keeps_first_crawled_at(writer: ArchiveWriter, db_path: Path) -> None:
    writer.start_crawl("travinh", started_at="2025-07-01T00:00:00Z")
    writer.start_crawl("travinh", started_at="2025-08-01T00:00:00Z")
    writer.ensure_portal("travinh", "Tên mới", "https://travinh.gov.vn", "dnn", ["a", "b"])
    portal = rows(db_path, "portals")[0]
    assert portal["name"] == "Tên mới"
    assert json.loads(portal["sections"]) == ["a", "b"]
    assert portal["first_crawled_at"] == "2025-07-01T00:00:00.000000Z"
    assert portal["last_crawled_at"] == "2025-08-01T00:00:00.000000Z"


def test_search_index_follows_edits(writer: ArchiveWriter, db_path: Path) -> None:
    writer.add_article(article(body_text="Lũ lụt"), portal="travinh", section=None, fetched_at=T1)
    writer.add_article(article(body_text="Lũ lụt"), portal="travinh", section=None, fetched_at=T2)
    writer.add_article(article(body_text="Hạn mặn"), portal="travinh", section=None, fetched_at=T3)
    match = (
        "SELECT a.body_text FROM articles AS a JOIN articles_search AS s"
        " ON s.rowid = a.search_key WHERE articles_search MATCH ?"
    )
    with sqlite_utils.Database(db_path) as db:
        assert [r[0] for r in db.execute(match, ['"han" "man"'])] == ["Hạn mặn"]
        assert list(db.execute(match, ['"lu" "lut"'])) == []
        fts_rows = db.execute("SELECT count(*) FROM articles_search_docsize").fetchone()[0]
        assert fts_rows == 1
