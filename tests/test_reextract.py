"""portal-archive reextract: today's extractor over the stored captures, no network.

On a copy of the real demo archive (crawled day 0 and day 1, WARC beside it), with rows
rewritten as an older extractor would have stored them; and on an archive whose one
capture is gzip-encoded (the payload is kept as received).
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive import diff
from archive.lock import ArchiveLock
from archive.records import article_content, content_hash
from archive.schema import open_archive
from archive.writer import ArchiveWriter
from portal_spider.cli import main
from portal_spider.extract import EXTRACTOR_VERSION
from tests.capture_support import PORTAL, Page, build_archive, gzipped_page
from tests.conftest import portal_archive

OLD_VERSION = "2025.1.1"
HTML = [("Content-Type", "text/html; charset=utf-8")]


@pytest.fixture
def archive(demo_archive: Path, tmp_path: Path) -> Path:
    """A writable copy of the session's demo archive, its WARC folder included."""
    source = demo_archive.parent
    for name in ("demo.db", "demo.db-wal", "demo.db-shm"):
        if (source / name).exists():
            shutil.copy2(source / name, tmp_path / name)
    shutil.copytree(source / "demo-warc", tmp_path / "demo-warc")
    return tmp_path / "demo.db"


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (FTS shadow tables too), in a comparable order."""
    connection = sqlite3.connect(db)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: sorted(connection.execute(f"SELECT * FROM [{name}]").fetchall(), key=repr)
            for name in names
        }
    finally:
        connection.close()


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    diff.register(connection)  # article_changes calls word_diff
    try:
        return [dict(row) for row in connection.execute(sql, params)]
    finally:
        connection.close()


def live_article(db: Path, offset: int = 0) -> dict[str, Any]:
    """A live article read once (version 1), with a body."""
    return rows(
        db,
        "SELECT * FROM articles WHERE removed_at IS NULL AND version = 1 "
        "AND body_text IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?",
        (offset,),
    )[0]


def as_failed(db: Path, article_id: int) -> None:
    """Rewrite an article as an older extractor that could not read it stored it: flagged,
    no content, its capture kept (what the writer stores for a failed first read)."""
    empty = article_content({})
    failed = {
        **empty,
        "images": "[]",
        "attachments": "[]",
        "content_hash": content_hash(empty),
        "extraction_failed": "no article body found",
        "extractor_version": OLD_VERSION,
        "field_sources": None,
    }
    assignments = ", ".join(f"[{name}] = :{name}" for name in failed)
    database = open_archive(db)  # the search triggers need its SQL functions
    try:
        with database.conn:
            database.execute(
                f"UPDATE articles SET {assignments} WHERE id = :id", {**failed, "id": article_id}
            )
            database.execute(
                f"UPDATE article_versions SET {assignments} WHERE article_id = :id",
                {**failed, "id": article_id},
            )
    finally:
        database.close()


def as_older_reading(db: Path, article_id: int, version: str = OLD_VERSION) -> str:
    """Rewrite an article's current content as an older extractor read it (a side box
    kept at the end of the body); return the body as stored now."""
    database = open_archive(db)
    try:
        row = database.execute(
            "SELECT title, summary, published_at, updated_at, author, source, body_text, "
            "images, attachments FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        names = ("title", "summary", "published_at", "updated_at", "author", "source", "body_text")
        content = dict(zip(names, row[:7], strict=True))
        content["images"], content["attachments"] = json.loads(row[7]), json.loads(row[8])
        content["body_text"] += "\nTin mới: Lịch tiếp công dân tháng này (bản cũ đọc nhầm)"
        digest = content_hash(article_content(content))
        update = {
            "body_text": content["body_text"],
            "content_hash": digest,
            "extractor_version": version,
        }
        assignments = ", ".join(f"[{name}] = :{name}" for name in update)
        with database.conn:
            database.execute(
                f"UPDATE articles SET {assignments} WHERE id = :id", {**update, "id": article_id}
            )
            database.execute(
                f"UPDATE article_versions SET {assignments} WHERE article_id = :id "
                "AND version = (SELECT max(version) FROM article_versions "
                "WHERE article_id = :id AND tombstone = 0)",
                {**update, "id": article_id},
            )
        return content["body_text"]
    finally:
        database.close()


def reextract(db: Path, *args: str) -> Any:
    result = portal_archive("reextract", "--db", str(db), "--all", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_right_after_the_crawl_nothing_changes(archive: Path) -> None:
    before = dump(archive)
    result = reextract(archive)
    articles = len(before["articles"])
    assert f"reextract: {articles} pages read, 0 changed, 0 recovered" in result.stdout
    assert f"{articles} unchanged" in result.stdout
    assert "0 missing captures" in result.stdout
    assert dump(archive) == before  # not a row anywhere, not even a run row


def test_an_article_the_old_rules_could_not_read_is_recovered(archive: Path) -> None:
    original = dump(archive)
    target = live_article(archive)
    as_failed(archive, target["id"])
    versions_before = dump(archive)["article_versions"]
    changes_before = rows(archive, "SELECT * FROM article_changes")

    result = reextract(archive)
    assert "1 recovered" in result.stdout and "0 changed" in result.stdout
    assert f"{target['url']} is recovered: {target['title'][:40]}" in result.stdout

    after = dump(archive)
    row = rows(archive, "SELECT * FROM articles WHERE id = ?", (target["id"],))[0]
    # The article is back as the crawl read it (same content, provenance and capture),
    # one version further on.
    assert row == {**target, "version": 2}
    [run] = rows(archive, "SELECT * FROM reextract_runs")
    assert run["status"] == "ok" and run["recovered"] == 1 and run["changed"] == 0
    assert run["extractor_version"] == EXTRACTOR_VERSION
    new = rows(
        archive, "SELECT * FROM article_versions WHERE article_id = ? AND version = 2",
        (target["id"],),
    )[0]  # fmt: skip
    assert new["change_kind"] == "first" and new["reextract_run"] == run["id"]
    assert new["crawl_id"] is None and new["capture"] == target["capture"]
    assert new["extraction_failed"] is None and new["body_text"] == target["body_text"]
    assert new["extractor_version"] == EXTRACTOR_VERSION
    # Nothing else changed: every other table as crawled, every other version as it was.
    for name, table in after.items():
        if name.startswith("articles_search") or name in ("articles", "reextract_runs"):
            continue
        expected = versions_before if name == "article_versions" else original[name]
        if name == "article_versions":
            assert [v for v in table if v not in expected] == [tuple(new.values())]
            assert len(table) == len(expected) + 1
        else:
            assert table == expected, name
    others = [r for r in after["articles"] if r[0] != target["id"]]
    assert others == [r for r in original["articles"] if r[0] != target["id"]]
    assert rows(archive, "SELECT * FROM article_changes") == changes_before
    # Found by search again (the triggers index a readable article, not a flagged one).
    database = open_archive(archive)
    try:
        found = database.execute(
            "SELECT a.id FROM articles_search AS s JOIN articles AS a ON a.search_key = s.rowid"
            " WHERE articles_search MATCH vn_fts_query(?)",
            [target["title"]],
        ).fetchall()
    finally:
        database.close()
    assert (target["id"],) in found


def test_a_changed_reading_is_a_reextraction_never_an_edit(archive: Path) -> None:
    older = live_article(archive, 0)
    same_version = live_article(archive, 1)  # same extractor version, yet our reading differs
    removed = rows(archive, "SELECT * FROM articles WHERE removed_at IS NOT NULL LIMIT 1")[0]
    stored = as_older_reading(archive, older["id"])
    as_older_reading(archive, same_version["id"], version=EXTRACTOR_VERSION)
    as_older_reading(archive, removed["id"])
    changes_before = rows(archive, "SELECT * FROM article_changes")
    versions_before = len(dump(archive)["article_versions"])

    result = reextract(archive)
    assert "3 changed, 0 recovered" in result.stdout
    new = rows(archive, "SELECT * FROM article_versions WHERE reextract_run IS NOT NULL")
    assert len(new) == 3 and len(dump(archive)["article_versions"]) == versions_before + 3
    assert {v["change_kind"] for v in new} == {"extractor"}
    by_article = {v["article_id"]: v for v in new}
    for target in (older, same_version, removed):
        version = by_article[target["id"]]
        assert version["body_text"] == target["body_text"] != stored
        assert version["crawl_id"] is None and version["capture"] == target["capture"]
        now = rows(archive, "SELECT * FROM articles WHERE id = ?", (target["id"],))[0]
        assert now["body_text"] == target["body_text"]
        assert now["extractor_version"] == EXTRACTOR_VERSION
        # Seen times, validators and the removal state are the crawl's, untouched.
        for column in ("first_seen_at", "last_seen_at", "etag", "last_modified", "removed_at"):
            assert now[column] == target[column], column
    assert rows(archive, "SELECT * FROM article_changes") == changes_before
    [run] = rows(archive, "SELECT * FROM reextract_runs")
    assert run["changed"] == 3 and run["pages"] == len(dump(archive)["articles"])

    again = reextract(archive)  # a second run finds nothing more
    assert " 0 changed, 0 recovered" in again.stdout
    assert len(rows(archive, "SELECT * FROM reextract_runs")) == 1


def test_dry_run_writes_nothing_and_says_what_would_change(archive: Path) -> None:
    failed, older = live_article(archive, 0), live_article(archive, 1)
    as_failed(archive, failed["id"])
    as_older_reading(archive, older["id"])
    before = dump(archive)
    result = reextract(archive, "--dry-run")
    assert "1 would change, 1 recovered" in result.stdout
    assert f"{failed['url']} would be recovered" in result.stdout
    assert f"{older['url']} would be re-extracted" in result.stdout
    assert dump(archive) == before


def test_a_held_lock_exits_3_and_writes_nothing(archive: Path) -> None:
    as_failed(archive, live_article(archive)["id"])
    before = dump(archive)
    with ArchiveLock(archive):
        result = portal_archive("reextract", "--db", str(archive), "demo")
    assert result.returncode == 3
    assert "another crawl is writing" in result.stderr
    assert dump(archive) == before


def test_no_network_is_used(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo portal is stopped (the archived URLs point at a closed port), and any
    connection attempt in this process fails the test."""
    target = live_article(archive)
    as_failed(archive, target["id"])
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError(f"reextract opened a connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = CliRunner().invoke(main, ["reextract", "--db", str(archive), "demo"])
    assert result.exit_code == 0, result.output
    assert "1 recovered" in result.output and not attempts
    row = rows(
        archive, "SELECT title, extraction_failed FROM articles WHERE id = ?", (target["id"],)
    )
    assert row == [{"title": target["title"], "extraction_failed": None}]


def test_a_gzip_encoded_capture_is_read_as_http_says(tmp_path: Path) -> None:
    """The payload is stored as received (gzip); reextract undoes Content-Encoding before
    reading, so today's extractor reads the page's own text, not the stored guess."""
    paragraphs = "".join(
        f"<p>Đoạn {n}: Ủy ban nhân dân phường tổ chức họp dân về việc chỉnh trang vỉa hè, "
        "lắng nghe ý kiến của bà con trong khu phố và thống nhất lịch thi công.</p>"
        for n in range(1, 6)
    )
    page = gzipped_page(
        "http://127.0.0.1/tin-tuc/hop-dan-chinh-trang-via-he.html",
        "Phường họp dân về chỉnh trang vỉa hè",
        f"<article><h1>Phường họp dân về chỉnh trang vỉa hè</h1>{paragraphs}</article>",
    )
    db, [capture] = build_archive(tmp_path / "gz", [page])
    result = CliRunner().invoke(main, ["reextract", "--db", str(db), PORTAL])
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    [version] = rows(db, "SELECT * FROM article_versions WHERE reextract_run IS NOT NULL")
    assert version["change_kind"] == "extractor" and version["capture"] == capture.record_id
    assert "Đoạn 5: Ủy ban nhân dân phường" in version["body_text"]
    assert "Đoạn 1" in version["body_text"]


def test_usage_errors(archive: Path, tmp_path: Path) -> None:
    missing = portal_archive("reextract", "--db", str(tmp_path / "none.db"), "--all")
    assert missing.returncode == 2 and "no archive there" in missing.stderr
    assert not (tmp_path / "none.db").exists()
    unknown = portal_archive("reextract", "--db", str(archive), "khong-co")
    assert unknown.returncode == 2 and "archived portals: demo" in unknown.stderr
    neither = portal_archive("reextract", "--db", str(archive))
    assert neither.returncode == 2


def test_captured_since_selects_by_the_capture_time(archive: Path) -> None:
    first_day = rows(archive, "SELECT min(fetched_at) AS day FROM captures")[0]["day"][:10]
    articles = len(dump(archive)["articles"])
    everything = reextract(archive, "--dry-run", "--captured-since", first_day)
    assert f"reextract: {articles} pages read" in everything.stdout
    nothing = reextract(archive, "--dry-run", "--captured-since", "2999-01-01")
    assert "reextract: 0 pages read" in nothing.stdout


def test_failed_reads_stored_by_the_writer(tmp_path: Path) -> None:
    """The crawl's own failed rows (ArchiveWriter, an older extractor version): a page
    today's extractor reads is recovered; a maintenance page stays failing (its reason and
    extractor version move, no version); a readable article whose newest capture is that
    maintenance page keeps its text."""
    readable = gzipped_page(
        "http://127.0.0.1/tin-tuc/ngay-hoi-doc-sach.html",
        "Ngày hội đọc sách ở trường tiểu học",
        "<article><h1>Ngày hội đọc sách ở trường tiểu học</h1>"
        + "".join(
            f"<p>Phần {n}: Học sinh mang sách cũ đến trao đổi, thầy cô kể chuyện và hướng dẫn "
            "các em ghi chép cảm nhận sau mỗi cuốn sách đã đọc trong năm học.</p>"
            for n in range(1, 6)
        )
        + "</article>",
    )
    maintenance = (  # no headline, one line: no article body in it
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Bảo trì</title>'
        "</head><body><p>Trang đang bảo trì, mời quay lại sau.</p></body></html>"
    ).encode()
    pages = [
        Page(readable.url, readable.body, readable.headers),
        Page("http://127.0.0.1/tin-tuc/bao-tri.html", maintenance, HTML),
        Page("http://127.0.0.1/tin-tuc/da-doc.html", maintenance, HTML),
    ]
    db, captures = build_archive(tmp_path / "failed", pages)
    with ArchiveWriter(db) as writer:
        for page, capture in zip(pages[:2], captures[:2], strict=True):
            writer.add_article(
                {"url": page.url, "extraction_failed": "no_body", "extractor_version": OLD_VERSION},
                portal=PORTAL, section=None, fetched_at=capture.fetched_at,
                capture=capture.record_id,
            )  # fmt: skip
        writer.add_article(
            {"url": pages[2].url, "title": "Bài đã đọc được", "body_text": "Nội dung đã lưu.",
             "extractor_version": OLD_VERSION},
            portal=PORTAL, section=None, fetched_at=captures[2].fetched_at,
            capture=captures[2].record_id,
        )  # fmt: skip
    result = CliRunner().invoke(main, ["reextract", "--db", str(db), "--all"])
    assert result.exit_code == 0, result.output
    assert "3 pages read, 0 changed, 1 recovered, 1 still failing" in result.output
    assert "1 unreadable now" in result.output
    articles = {r["url"]: r for r in rows(db, "SELECT * FROM articles")}
    recovered = articles[readable.url]
    assert recovered["extraction_failed"] is None and recovered["version"] == 2
    assert recovered["title"] == "Ngày hội đọc sách ở trường tiểu học"
    assert "Phần 5: Học sinh mang sách cũ" in recovered["body_text"]
    failing = articles[pages[1].url]
    assert failing["extraction_failed"] and failing["version"] == 1
    assert failing["extractor_version"] == EXTRACTOR_VERSION  # today's also failed
    kept = articles[pages[2].url]
    assert kept["body_text"] == "Nội dung đã lưu." and kept["extractor_version"] == OLD_VERSION
    kinds = rows(db, "SELECT change_kind, count(*) AS n FROM article_versions GROUP BY 1")
    assert kinds == [{"change_kind": "first", "n": 4}]  # 3 crawl reads + 1 recovery


def test_an_extractor_error_is_a_failed_read_and_the_run_goes_on(tmp_path: Path) -> None:
    from archive.reextract import reextract as run
    from portal_spider.cli import _reextract_page

    pages = [
        gzipped_page(f"http://127.0.0.1/tin-tuc/bai-{n}.html", f"Bài thử {n}", "<p>Ngắn.</p>")
        for n in (1, 2)
    ]
    db, _ = build_archive(tmp_path / "err", pages)
    before = dump(db)

    def flaky(page: Any) -> dict[str, Any]:
        if page.url.endswith("bai-1.html"):
            raise RecursionError("a page nested too deep")
        return _reextract_page(page)

    summary = run(db, flaky, extractor_version=EXTRACTOR_VERSION, dry_run=True)
    assert summary.pages == 2 and summary.unreadable >= 1
    assert summary.problems == [
        "extractor error: http://127.0.0.1/tin-tuc/bai-1.html: RecursionError: "
        "a page nested too deep"
    ]
    assert dump(db) == before
