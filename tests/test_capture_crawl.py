"""Raw captures written by real crawls of the demo portal (issue 12, items 1-3).

Crawls run over loopback sockets into real SQLite files; the WARC files are read back with
warcio, the library every WARC tool shares, and checked against the demo portal's truth.
"""

from __future__ import annotations

import gzip
import io
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc_store import (
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    archive_folder,
    read_record_bytes,
    sha1_base32,
    warc_root,
)

from .conftest import crawl_demo_days, portal_archive
from .fault_support import run_fault_crawl

BIN = Path(sys.executable).parent


def _query(db: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def _record(db: Path, capture: sqlite3.Row) -> tuple[object, bytes]:
    """The WARC record a captures row points to, parsed, and its payload (as received)."""
    data = read_record_bytes(
        archive_folder(db), capture["warc_file"], capture["warc_offset"], capture["warc_length"]
    )
    record = next(iter(ArchiveIterator(io.BytesIO(data))))
    # raw_stream: the payload as received (content_stream() would undo Content-Encoding).
    return record, record.raw_stream.read() if record.rec_type == "response" else b""


def _text(record: object, payload: bytes) -> str:
    """The page's text: the payload decoded as its Content-Encoding says."""
    encoding = record.http_headers.get_header("Content-Encoding")  # type: ignore[attr-defined]
    if encoding == "gzip":
        payload = gzip.decompress(payload)
    return payload.decode("utf-8")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal crawled on day 0, again on day 0 (nothing changed), then on day 1
    (new, edited and removed articles)."""
    db = tmp_path_factory.mktemp("captures") / "demo.db"
    crawl_demo_days(db, days=(0, 0, 1), articles=120)
    return db


def test_warc_files_are_valid_and_closed(crawled: Path) -> None:
    root = warc_root(crawled)
    files = sorted(root.rglob("*.warc.gz"))
    assert len(files) == 3  # one per crawl run
    assert not list(root.rglob("*.open"))
    for path in files:
        checked = subprocess.run(
            [BIN / "warcio", "check", str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        with path.open("rb") as handle:
            types = [record.rec_type for record in ArchiveIterator(handle)]
        assert types[0] == "warcinfo"
        # Every exchange: response or revisit, then its request and metadata.
        assert types.count("request") == types.count("metadata")
        assert types.count("request") == types.count("response") + types.count("revisit")
    listed = [
        name
        for (files_json,) in _query(crawled, "select warc_files from crawls order by id")
        for name in __import__("json").loads(files_json)
    ]
    assert sorted(archive_folder(crawled) / name for name in listed) == files


def test_every_stored_fact_points_to_its_complete_capture(crawled: Path) -> None:
    captures = {row["record_id"]: row for row in _query(crawled, "select * from captures")}
    facts = {
        "article_versions": "select v.capture, a.url, v.http_status from article_versions v "
        "join articles a on a.id = v.article_id",
        "articles": "select capture, url, 200 as http_status from articles",
        "visitor_stats": "select capture, page_url as url, null as http_status from visitor_stats",
    }
    checked = 0
    for table, sql in facts.items():
        rows = _query(crawled, sql)
        assert rows, table
        for row in rows:
            assert row["capture"] in captures, (table, row["url"])
            capture = captures[row["capture"]]
            assert capture["url"] == row["url"], table
            if row["http_status"] is not None:
                assert capture["http_status"] == row["http_status"], (table, row["url"])
            record, payload = _record(crawled, capture)
            assert record.rec_headers.get_header("WARC-Record-ID") == capture["record_id"]
            assert record.rec_headers.get_header("WARC-Target-URI") == capture["url"]
            if record.rec_type == "response":
                assert sha1_base32(payload) == capture["payload_sha1"]
                assert (
                    record.rec_headers.get_header("WARC-Payload-Digest")
                    == (capture["payload_sha1"])
                )
                assert len(payload) == capture["payload_length"]
            checked += 1
    assert checked > 300


def test_article_versions_are_read_from_the_page_they_show(crawled: Path) -> None:
    rows = _query(
        crawled,
        "select v.title, c.warc_file, c.warc_offset, c.warc_length, c.record_type, "
        "c.refers_to, c.record_id from article_versions v join captures c on "
        "c.record_id = v.capture where v.tombstone = 0",
    )
    assert rows
    for row in rows:
        assert row["record_type"] == "response"  # new content is never a revisit
        record, payload = _record(crawled, row)
        html = _text(record, payload)
        title = row["title"].replace("&", "&amp;")
        assert title in html or row["title"] in html


def test_recrawl_of_an_unchanged_portal_writes_revisits_not_copies(crawled: Path) -> None:
    first, second, _ = (row["id"] for row in _query(crawled, "select id from crawls order by id"))
    captures = _query(crawled, "select * from captures where crawl_id = ?", second)
    assert captures
    earlier: dict[tuple[str, str], str] = {
        (row["url"], row["payload_sha1"]): row["record_id"]
        for row in _query(
            crawled,
            "select * from captures where crawl_id = ? and record_type = 'response'",
            first,
        )
    }
    for capture in captures:
        record, payload = _record(crawled, capture)
        if capture["http_status"] == 304:
            # Every unchanged article answered the conditional request: not-modified.
            assert capture["record_type"] == "revisit"
            assert capture["revisit_profile"] == PROFILE_NOT_MODIFIED
            assert record.rec_headers.get_header("WARC-Profile") == PROFILE_NOT_MODIFIED
        elif capture["record_type"] == "revisit":
            assert capture["revisit_profile"] == PROFILE_IDENTICAL
            assert earlier[(capture["url"], capture["payload_sha1"])] == capture["refers_to"]
            assert record.rec_headers.get_header("WARC-Refers-To-Target-URI") == capture["url"]
        else:
            # Stored in full only when the bytes changed: pages with the live counter.
            assert (capture["url"], capture["payload_sha1"]) not in earlier
            assert "Thống kê truy cập" in _text(record, payload), capture["url"]
    kinds = {(c["record_type"], c["http_status"]) for c in captures}
    assert ("revisit", 304) in kinds
    assert ("revisit", 200) in kinds  # robots.txt, unchanged sitemaps and feeds
    articles = _query(
        crawled,
        "select count(*) as n from captures c join articles a on a.url = c.url "
        "where c.crawl_id = ? and c.record_type = 'response'",
        second,
    )
    assert articles[0]["n"] == 0  # no article stored again
    sizes = {
        row["id"]: row["warc_bytes"] for row in _query(crawled, "select id, warc_bytes from crawls")
    }
    assert sizes[second] < sizes[first] / 5


def test_edits_and_removals_point_to_the_response_that_showed_them(crawled: Path) -> None:
    changed = _query(
        crawled,
        "select v.change_kind, v.http_status, c.http_status as captured_status, "
        "c.record_type, c.crawl_id from article_versions v join captures c "
        "on c.record_id = v.capture where v.change_kind in ('edit', 'removal')",
    )
    kinds = {row["change_kind"] for row in changed}
    assert kinds == {"edit", "removal"}
    last = _query(crawled, "select max(id) as id from crawls")[0]["id"]
    for row in changed:
        assert row["crawl_id"] == last
        assert row["captured_status"] == row["http_status"]
        assert row["record_type"] == "response"


def test_no_warc_keeps_no_captures(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    crawl_demo_days(db, days=(0,), articles=20, crawl_args=("--no-warc",))
    assert not warc_root(db).exists()
    assert _query(db, "select count(*) as n from captures")[0]["n"] == 0
    assert _query(db, "select count(capture) as n from article_versions")[0]["n"] == 0
    assert _query(db, "select count(*) as n from article_versions")[0]["n"] > 0


# -- hostile answers: the faulted demo portal ------------------------------------------------


@pytest.fixture(scope="module")
def faulted(tmp_path_factory: pytest.TempPathFactory):
    return run_fault_crawl("http_500,huge,binary,redirect_loop", tmp_path_factory.mktemp("f"))


def test_responses_the_crawl_stops_keep_their_first_bytes(faulted) -> None:
    db = faulted.db
    base = faulted.base_url.rstrip("/")
    errors = {
        row["url"].removeprefix(base): row
        for row in _query(
            db,
            "select e.url, e.kind, e.detail, c.truncated, c.payload_length, c.record_id, "
            "c.warc_file, c.warc_offset, c.warc_length from crawl_errors e "
            "left join captures c on c.record_id = e.capture",
        )
    }
    huge = [path for path, kind in faulted.faulted.items() if kind == "huge"]
    binary = [path for path, kind in faulted.faulted.items() if kind == "binary"]
    assert huge and binary
    for path in huge:
        row = errors[path]
        assert row["kind"] == "too_large"
        assert row["truncated"] == "length"
        assert 0 < row["payload_length"] <= 1024 * 1024
        record, payload = _record(db, row)
        assert record.rec_headers.get_header("WARC-Truncated") == "length"
        assert b"<html" in payload[:4096].lower()  # the start of the page is kept
    for path in binary:
        row = errors[path]
        assert row["kind"] == "not_html"
        assert row["truncated"] == "unspecified"
        _, payload = _record(db, row)
        assert payload[:4] in (b"%PDF", b"\x89PNG")


def test_each_retry_and_each_redirect_hop_is_its_own_capture(faulted) -> None:
    db = faulted.db
    base = faulted.base_url.rstrip("/")
    flaky = [path for path, kind in faulted.faulted.items() if kind == "http_500"]
    loops = [path for path, kind in faulted.faulted.items() if kind == "redirect_loop"]
    assert flaky and loops
    for path in flaky:
        statuses = [
            row["http_status"]
            for row in _query(
                db, "select http_status from captures where url = ? order by fetched_at",
                base + path,
            )
        ]  # fmt: skip
        assert statuses[-1] == 200 and all(status >= 500 for status in statuses[:-1])
        assert len(statuses) >= 2
        error_pages = _query(
            db, "select * from captures where url = ? and http_status >= 500", base + path
        )
        record, _ = _record(db, error_pages[0])
        assert record.http_headers.get_statuscode().startswith("5")
    for path in loops:
        hops = _query(
            db,
            "select http_status from captures where url like ? and http_status in "
            "(301, 302, 303, 307, 308)",
            base + path + "%",
        )
        assert hops  # the redirect answers themselves are kept


def test_metadata_records_say_which_page_led_to_a_capture(crawled: Path) -> None:
    article = _query(
        crawled,
        "select c.* from captures c join articles a on a.url = c.url "
        "where c.record_type = 'response' limit 1",
    )[0]
    path = archive_folder(crawled) / article["warc_file"]
    with path.open("rb") as handle:
        metadata = [
            record.content_stream().read().decode()
            for record in ArchiveIterator(handle)
            if record.rec_type == "metadata"
            and record.rec_headers.get_header("WARC-Refers-To") == article["record_id"]
        ]
    assert len(metadata) == 1
    fields = dict(line.split(": ", 1) for line in metadata[0].strip().splitlines())
    assert fields["portal"] == "demo"
    assert fields["crawl-run"] == str(article["crawl_id"])
    assert fields["fetched-for"] == "parse_article"
    assert fields["via"].startswith("http://127.0.0.1")  # the listing that linked it


# -- as received: compression and chunking ---------------------------------------------------


class _GzipChunked(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    PAGE = (
        "<html><head><title>Cổng thông tin thử nghiệm</title></head><body>"
        "<p>Trang chủ nén gzip, gửi từng khúc.</p></body></html>"
    ).encode()

    def do_GET(self) -> None:
        if self.path != "/":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = gzip.compress(self.PAGE, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 16):
            piece = body[start : start + 16]
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gzip_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GzipChunked)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def test_payload_is_kept_as_received_compressed_and_dechunked(
    gzip_site: str, tmp_path: Path
) -> None:
    db = tmp_path / "gz.db"
    result = portal_archive("crawl", "demo", "--base-url", gzip_site, "--db", str(db))
    assert result.returncode in (0, 1), result.stderr[-2000:]
    home = _query(db, "select * from captures where url = ?", gzip_site)
    assert len(home) == 1
    record, payload = _record(db, home[0])
    assert payload == gzip.compress(_GzipChunked.PAGE, mtime=0)  # the wire's bytes
    assert home[0]["payload_sha1"] == sha1_base32(payload)
    headers = dict(record.http_headers.headers)
    assert headers["Content-Encoding"] == "gzip"
    assert "Transfer-Encoding" not in headers  # the record's body is not chunked


def test_add_probes_archive_nothing(gzip_site: str, tmp_path: Path) -> None:
    """`add --dry-run` fetches pages but is no crawl: no WARC, no lock file in the cwd."""
    result = subprocess.run(
        [sys.executable, "-m", "portal_spider", "add", gzip_site, "--dry-run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []


def test_a_failure_with_no_response_has_no_capture_and_says_so(tmp_path: Path) -> None:
    from .conftest import free_port

    db = tmp_path / "refused.db"
    url = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    result = portal_archive(
        "crawl", "demo", "--base-url", url, "--db", str(db), "--download-timeout", "5"
    )
    assert result.returncode == 1, result.stderr[-2000:]
    errors = _query(db, "select kind, detail, capture from crawl_errors")
    assert errors
    for error in errors:
        assert error["capture"] is None
        assert "no response: nothing captured" in error["detail"], error["detail"]
    assert _query(db, "select count(*) as n from captures")[0]["n"] == 0


def test_crawl_writes_the_index_cdxj_indexer_would(crawled: Path, faulted) -> None:
    """The crawl indexes each file from what it wrote; cdxj-indexer, reading the file, must
    print exactly the same lines (plain pages, gzip, revisits, 304s, errors, truncation)."""
    from archive.warc_index import cdxj_lines, cdxj_path

    for db in (crawled, faulted.db):
        files = sorted(warc_root(db).rglob("*.warc.gz"))
        assert files
        for path in files:
            written = cdxj_path(path).read_text(encoding="utf-8")
            assert written == cdxj_lines(path, root=archive_folder(db)), path.name
