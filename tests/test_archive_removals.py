"""HTTP evidence on versions, 304s, removals/tombstones/restores, read helpers, crawl runs and
the 0001 -> 0002 upgrade, against real SQLite files."""

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from archive import ArchiveWriter, open_archive
from archive.queries import Revisit
from archive.schema import BUSY_TIMEOUT_MS, migrations

from .archive_support import rows

T1 = "2025-07-01T10:00:00+07:00"
T2 = "2025-07-02T10:00:00+07:00"
T3 = "2025-07-03T10:00:00+07:00"
T4 = "2025-07-04T10:00:00+07:00"
T5 = "2025-07-05T10:00:00+07:00"
URL = "https://travinh.gov.vn/tin/1"
HEADERS = {
    "ETag": '"v1"',
    "Last-Modified": "Tue, 01 Jul 2025 02:00:00 GMT",
    "Content-Type": "text/html; charset=utf-8",
    "Date": "Tue, 01 Jul 2025 03:00:00 GMT",
    "Set-Cookie": "session=secret",
    "Server": "IIS",
}


def article(url: str = URL, **fields: object) -> dict:
    record = {"url": url, "kind": "article", "title": "Hội nghị", "body_text": "Nội dung."}
    record.update(fields)
    return record


def add(w: ArchiveWriter, at: str, **kwargs: object) -> None:
    record = kwargs.pop("record", None) or article()
    w.add_article(record, portal="travinh", section="tin", fetched_at=at, **kwargs)


def assert_integrity(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- HTTP evidence ------------------------------------------------------------------------


def test_versions_keep_status_and_evidence_headers(writer: ArchiveWriter, db_path: Path) -> None:
    add(writer, T1, http_headers=HEADERS)
    [version] = rows(db_path, "article_versions")
    assert version["http_status"] == 200 and version["tombstone"] == 0
    assert json.loads(version["http_headers"]) == {
        "Content-Type": "text/html; charset=utf-8",
        "Date": "Tue, 01 Jul 2025 03:00:00 GMT",
        "ETag": '"v1"',
        "Last-Modified": "Tue, 01 Jul 2025 02:00:00 GMT",
    }  # cookies and server banners are not evidence we keep
    [row] = rows(db_path, "articles")
    assert (row["etag"], row["last_modified"]) == ('"v1"', "Tue, 01 Jul 2025 02:00:00 GMT")


def test_scrapy_style_headers_are_accepted(writer: ArchiveWriter, db_path: Path) -> None:
    scrapy_headers = {b"Etag": [b'"abc"'], b"Content-Type": [b"text/html"], b"X-Other": [b"1"]}
    add(writer, T1, http_headers=scrapy_headers)
    version = rows(db_path, "article_versions")[0]
    assert json.loads(version["http_headers"]) == {"ETag": '"abc"', "Content-Type": "text/html"}


def test_existing_callers_and_validators_follow_latest_200(
    writer: ArchiveWriter, db_path: Path
) -> None:
    add(writer, T1)  # no headers given: nothing recorded, nothing invented
    assert rows(db_path, "article_versions")[0]["http_headers"] is None
    add(writer, T2, http_headers={"ETag": '"v1"'})
    assert rows(db_path, "articles")[0]["etag"] == '"v1"'
    add(writer, T3)  # headers unknown: validators left alone
    assert rows(db_path, "articles")[0]["etag"] == '"v1"'
    add(writer, T4, http_headers={"Last-Modified": "x"})  # latest 200 has no ETag any more
    row = rows(db_path, "articles")[0]
    assert (row["etag"], row["last_modified"]) == (None, "x")


def test_bad_http_status_fails_at_add_time(writer: ArchiveWriter) -> None:
    for bad in (99, 600, "200", True):
        with pytest.raises(ValueError, match="http_status"):
            add(writer, T1, http_status=bad)


# -- 304 Not Modified ---------------------------------------------------------------------


def test_not_modified_only_moves_last_seen(writer: ArchiveWriter, db_path: Path) -> None:
    add(writer, T1, http_headers=HEADERS)
    before = rows(db_path, "articles")[0]
    writer.add_not_modified(URL, fetched_at=T2, http_headers={"Date": "x"})
    after = rows(db_path, "articles")[0]
    assert after["last_seen_at"] == "2025-07-02T03:00:00.000000Z"
    assert {k: v for k, v in after.items() if k != "last_seen_at"} == {
        k: v for k, v in before.items() if k != "last_seen_at"
    }
    assert len(rows(db_path, "article_versions")) == 1
    assert (writer.stats.new, writer.stats.unchanged) == (1, 1)
    writer.add_not_modified(URL, fetched_at=T3, http_headers={"ETag": '"v2"'})
    assert rows(db_path, "articles")[0]["etag"] == '"v2"'
    assert rows(db_path, "articles")[0]["last_modified"] == before["last_modified"]


def test_not_modified_for_unknown_url_fails_at_add_time(db_path: Path) -> None:
    with ArchiveWriter(db_path, batch_size=10) as w:
        w.ensure_portal("travinh", "Trà Vinh", "https://travinh.gov.vn", None, [])
        with pytest.raises(ValueError, match="unknown article"):
            w.add_not_modified("https://travinh.gov.vn/khong-co", fetched_at=T1)
        add(w, T1)  # queued, not yet flushed: known within the batch
        w.add_not_modified(URL, fetched_at=T2)
    assert (w.stats.new, w.stats.unchanged) == (1, 1)


# -- removals -----------------------------------------------------------------------------


def test_removal_adds_tombstone_and_keeps_content(writer: ArchiveWriter, db_path: Path) -> None:
    add(writer, T1)
    gone = {"Date": "Wed, 02 Jul 2025 03:00:00 GMT", "Content-Type": "text/html"}
    writer.add_removal(URL, reason="http_404", fetched_at=T2, http_status=404, http_headers=gone)
    [row] = rows(db_path, "articles")
    assert row["removed_at"] == "2025-07-02T03:00:00.000000Z"
    assert row["removal_reason"] == "http_404"
    assert row["body_text"] == "Nội dung." and row["version"] == 2  # last content kept
    assert row["last_seen_at"] == "2025-07-01T03:00:00.000000Z"  # last time it was seen alive
    first, tomb = rows(db_path, "article_versions")
    assert first["body_text"] == "Nội dung."
    assert (tomb["version"], tomb["tombstone"], tomb["http_status"]) == (2, 1, 404)
    assert tomb["removal_reason"] == "http_404"
    assert json.loads(tomb["http_headers"]) == gone
    content = ("title", "summary", "published_at", "author", "body_text", "images")
    assert all(tomb[c] is None for c in (*content, "attachments", "content_hash"))
    assert writer.stats.removed == 1
    assert_integrity(db_path)


def test_removal_is_idempotent_and_records_a_new_reason(
    writer: ArchiveWriter, db_path: Path
) -> None:
    add(writer, T1)
    writer.add_removal(URL, reason="http_404", fetched_at=T2, http_status=404)
    writer.add_removal(URL, reason="http_404", fetched_at=T3, http_status=404)
    assert len(rows(db_path, "article_versions")) == 2
    assert rows(db_path, "articles")[0]["removed_at"] == "2025-07-02T03:00:00.000000Z"
    location = {"Location": "https://vinhlong.gov.vn/"}
    writer.add_removal(
        URL, reason="redirect", fetched_at=T4, http_status=301, http_headers=location
    )
    row = rows(db_path, "articles")[0]
    assert row["removed_at"] == "2025-07-02T03:00:00.000000Z"  # first time only
    assert (row["removal_reason"], row["version"]) == ("redirect", 3)
    tomb = rows(db_path, "article_versions")[-1]
    assert (tomb["tombstone"], tomb["removal_reason"], tomb["http_status"]) == (1, "redirect", 301)
    assert json.loads(tomb["http_headers"]) == location
    assert writer.stats.removed == 1


def test_removal_checks_reason_and_url(writer: ArchiveWriter) -> None:
    add(writer, T1)
    with pytest.raises(ValueError, match="removal reason"):
        writer.add_removal(URL, reason="gone", fetched_at=T2)
    with pytest.raises(ValueError, match="unknown article"):
        writer.add_removal("https://x/none", reason="http_410", fetched_at=T2)


def test_restore_with_same_content_is_a_new_version(writer: ArchiveWriter, db_path: Path) -> None:
    add(writer, T1)
    writer.add_removal(URL, reason="http_410", fetched_at=T2, http_status=410)
    add(writer, T3)  # back, same content hash as before the removal
    row = rows(db_path, "articles")[0]
    assert (row["removed_at"], row["removal_reason"], row["version"]) == (None, None, 3)
    assert row["last_seen_at"] == "2025-07-03T03:00:00.000000Z"
    versions = rows(db_path, "article_versions")
    assert [(v["version"], v["tombstone"]) for v in versions] == [(1, 0), (2, 1), (3, 0)]
    assert versions[2]["content_hash"] == versions[0]["content_hash"]
    assert (writer.stats.restored, writer.stats.updated, writer.stats.unchanged) == (1, 0, 0)
    add(writer, T4)  # live again: back to the ordinary unchanged path
    assert writer.stats.unchanged == 1 and len(rows(db_path, "article_versions")) == 3
    writer.add_removal(URL, reason="soft_404", fetched_at=T5, http_status=200)
    assert rows(db_path, "articles")[0]["removed_at"] == "2025-07-05T03:00:00.000000Z"
    assert writer.stats.removed == 2
    assert_integrity(db_path)


def test_not_modified_restores_a_removed_article_with_its_last_content(
    writer: ArchiveWriter, db_path: Path
) -> None:
    add(writer, T1, record=article(body_text="Bản đầu."))
    add(writer, T2, record=article(body_text="Bản sửa."))
    writer.add_removal(URL, reason="http_404", fetched_at=T3, http_status=404)
    writer.add_not_modified(URL, fetched_at=T4)
    versions = rows(db_path, "article_versions")
    assert [(v["version"], v["tombstone"], v["http_status"]) for v in versions][-1] == (4, 0, 304)
    assert versions[-1]["body_text"] == "Bản sửa."
    assert versions[-1]["content_hash"] == versions[1]["content_hash"]
    assert rows(db_path, "articles")[0]["removed_at"] is None
    assert writer.stats.restored == 1


def test_one_batch_behaves_like_sequential_writes(tmp_path: Path) -> None:
    def run(batch_size: int) -> tuple[list, list, tuple]:
        path = tmp_path / f"b{batch_size}.db"
        with ArchiveWriter(path, batch_size=batch_size) as w:
            w.ensure_portal("travinh", "Trà Vinh", "https://travinh.gov.vn", None, [])
            add(w, T1, http_headers={"ETag": '"a"'})
            w.add_not_modified(URL, fetched_at=T2)
            w.add_removal(URL, reason="http_404", fetched_at=T3, http_status=404)
            w.add_removal(URL, reason="http_404", fetched_at=T3, http_status=404)
            w.add_not_modified(URL, fetched_at=T4)
            add(w, T5, record=article(body_text="Mới."))
            w.add_removal(URL, reason="http_410", fetched_at=T5, http_status=410)
        articles = [{k: v for k, v in r.items() if k != "id"} for r in rows(path, "articles")]
        versions = [{**r, "id": None} for r in rows(path, "article_versions")]
        s = w.stats
        return articles, versions, (s.new, s.updated, s.unchanged, s.removed, s.restored)

    one_by_one = run(1)
    assert one_by_one == run(100)
    assert one_by_one[2] == (1, 1, 1, 2, 1)
    assert [v["version"] for v in one_by_one[1]] == [1, 2, 3, 4, 5]


# -- read helpers -------------------------------------------------------------------------


def test_read_helpers(writer: ArchiveWriter) -> None:
    writer.batch_size = 100  # helpers must flush what is queued
    add(writer, T1, record=article("https://x/old"))
    add(writer, T3, record=article("https://x/new"), http_headers={"ETag": '"n"'})
    add(writer, T4, record=article("https://x/gone"))
    writer.add_removal("https://x/gone", reason="http_404", fetched_at=T5)
    assert writer.known_urls("travinh") == {"https://x/old", "https://x/new", "https://x/gone"}
    assert writer.known_urls("nowhere") == set()
    assert writer.revisit_candidates("travinh", first_seen_since="2025-07-02T00:00:00Z") == [
        Revisit(url="https://x/new", etag='"n"', last_modified=None, removed=False)
    ]
    state = writer.article_state("https://x/gone")
    assert state is not None and state.removed and state.removal_reason == "http_404"
    assert state.version == 2 and state.portal == "travinh"
    assert writer.article_state("https://x/none") is None


# -- crawl runs ---------------------------------------------------------------------------


def test_crawl_run_counts_and_options(writer: ArchiveWriter, db_path: Path) -> None:
    options = {"mode": "incremental", "revisit_days": 30, "max_requests": 500, "since": None}
    crawl_id = writer.start_crawl("travinh", options=options)
    assert json.loads(rows(db_path, "crawls")[0]["options"]) == options  # kept even on a crash
    add(writer, T1, crawl_id=crawl_id)
    writer.add_removal(URL, reason="http_404", fetched_at=T2, crawl_id=crawl_id)
    writer.finish_crawl(
        crawl_id,
        status="ok",
        pages=3,
        errors=0,
        requests=4,
        responses_by_status={200: 2, "404": 1, 304: 1},
        robots_obeyed=True,
    )
    [crawl] = rows(db_path, "crawls")
    assert crawl["requests"] == 4 and crawl["robots_obeyed"] == 1
    assert crawl["responses_by_status"] == '{"200": 2, "304": 1, "404": 1}'
    assert (crawl["articles_new"], crawl["articles_removed"], crawl["articles_restored"]) == (
        1,
        1,
        0,
    )
    assert json.loads(crawl["options"]) == options
    tomb = rows(db_path, "article_versions")[-1]
    assert tomb["crawl_id"] == crawl_id


def test_finish_crawl_validation(writer: ArchiveWriter, db_path: Path) -> None:
    crawl_id = writer.start_crawl("travinh", options={"mode": "full"})
    with pytest.raises(ValueError, match="different options"):
        writer.finish_crawl(crawl_id, status="ok", pages=1, errors=0, options={"mode": "x"})
    with pytest.raises(ValueError, match="HTTP status"):
        writer.finish_crawl(crawl_id, status="ok", pages=1, errors=0, responses_by_status={7: 1})
    writer.finish_crawl(crawl_id, status="ok", pages=1, errors=0, robots_obeyed=False)
    crawl = rows(db_path, "crawls")[0]
    assert crawl["robots_obeyed"] == 0 and crawl["responses_by_status"] is None
    assert crawl["articles_removed"] == 0


# -- upgrading an archive written by 0001-only code ---------------------------------------


def make_0001_archive(path: Path) -> None:
    db = sqlite_utils.Database(path)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before="0002_removals_http_evidence")
    assert [m.name for m in migrations.applied(db)] == ["0001_initial"]
    db["portals"].insert({"slug": "travinh", "name": "Trà Vinh", "base_url": "https://x"})
    db["crawls"].insert(
        {"id": 1, "portal": "travinh", "started_at": "2025-06-01T00:00:00.000000Z"}
        | {"status": "ok", "pages": 2, "articles_new": 1}
    )
    seen = "2025-06-01T00:00:00.000000Z"
    db["articles"].insert(
        {"id": 1, "url": URL, "portal": "travinh", "title": "Hội nghị", "body_text": "có 150"}
        | {"content_hash": "h2", "first_seen_at": seen, "last_seen_at": seen, "version": 2}
    )
    for version, body in ((1, "có 120"), (2, "có 150")):
        db["article_versions"].insert(
            {"article_id": 1, "version": version, "fetched_at": seen, "body_text": body}
            | {"title": "Hội nghị", "content_hash": f"h{version}", "crawl_id": 1}
        )
    db.close()


def test_upgrade_from_0001_keeps_rows_and_adds_null_columns(db_path: Path) -> None:
    make_0001_archive(db_path)
    with sqlite_utils.Database(db_path) as db:
        before_versions = list(db["article_versions"].rows_where(order_by="id"))
        before_articles = list(db["articles"].rows)
    db = open_archive(db_path)
    assert [m.name for m in migrations.applied(db)][:2] == [
        "0001_initial",
        "0002_removals_http_evidence",
    ]
    db.close()
    versions = rows(db_path, "article_versions")
    for old, new in zip(before_versions, versions, strict=True):
        assert {k: new[k] for k in old} == old
        assert (new["http_status"], new["http_headers"], new["removal_reason"]) == (None,) * 3
        assert new["tombstone"] == 0  # an old version is content, not a removal
    [article_row] = rows(db_path, "articles")
    assert {k: article_row[k] for k in before_articles[0]} == before_articles[0]
    assert all(article_row[c] is None for c in ("etag", "last_modified", "removed_at"))
    crawl = rows(db_path, "crawls")[0]
    assert crawl["pages"] == 2 and crawl["requests"] is None and crawl["options"] is None
    # the upgraded archive works with the new writer and views
    with ArchiveWriter(db_path, batch_size=1) as w:
        w.add_article(article(body_text="có 165"), portal="travinh", section=None, fetched_at=T1)
        w.add_removal(URL, reason="http_404", fetched_at=T2, http_status=404)
        changes = list(w.db.query("select version, previous_version, change from article_changes"))
    assert changes == [
        {"version": 2, "previous_version": 1, "change": "có [-120-]{+150+}"},
        {"version": 3, "previous_version": 2, "change": "có [-150-]{+165+}"},
    ]
    assert [v["version"] for v in rows(db_path, "article_versions")] == [1, 2, 3, 4]
    assert_integrity(db_path)


def test_tombstone_constraints_are_enforced(writer: ArchiveWriter) -> None:
    add(writer, T1)
    base = {"article_id": 1, "fetched_at": "2025-07-01T00:00:00.000000Z"}
    with pytest.raises(sqlite3.IntegrityError):  # a tombstone cannot carry content
        writer.db["article_versions"].insert(
            {**base, "version": 9, "tombstone": 1, "removal_reason": "http_404", "title": "x"}
        )
    with pytest.raises(sqlite3.IntegrityError):  # a content version needs its hash
        writer.db["article_versions"].insert({**base, "version": 9, "title": "x"})
    with pytest.raises(sqlite3.IntegrityError):
        writer.db.execute("update articles set removal_reason = 'vanished'")


def test_seen_again_at_the_same_time_writes_nothing(db_path: Path) -> None:
    for batch_size in (1, 10):
        with ArchiveWriter(db_path, batch_size=batch_size) as w:
            w.ensure_portal("travinh", "Trà Vinh", "https://travinh.gov.vn", None, [])
            add(w, T1)
            add(w, T1)
            w.add_not_modified(URL, fetched_at=T1)
        assert rows(db_path, "articles")[0]["last_seen_at"] == "2025-07-01T03:00:00.000000Z"
    assert len(rows(db_path, "article_versions")) == 1
