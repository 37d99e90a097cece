"""Raw captures on the archive site: capture page, WARC download, sandboxed view.

Against `portal-archive serve` child processes: a real crawl of the demo portal (day 0 and 1,
WARC files copied along with the database), archives whose captures we write ourselves
(gzip-encoded, truncated), and a snapshot served with --public in another folder.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import brotli
import pytest
from lxml import html
from warcio.archiveiterator import ArchiveIterator

from archive import capture_view
from archive.snapshot import take_snapshot
from archive.warc_store import resolve

from .capture_support import Page, build_archive, gzipped_page, html_page, uuid
from .conftest import free_port, served_archive, stop, wait_for_http

CSP = "sandbox; default-src 'none'"
SEED_TITLE = "Thành ủy Trà Vinh tổ chức Hội nghị Ban Chấp hành Đảng bộ thành phố mở rộng"


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, object, bytes]:
    """(status, headers, body) without raising on HTTP errors."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def raw_get(base: str, path: str) -> tuple[int, str]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..``)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def rows(db: Path, sql: str, *params: object) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def text_of(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def copy_with_captures(db: Path, folder: Path) -> Path:
    """The archive and its WARC folder, copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, folder / db.name)
    shutil.copytree(db.parent / f"{db.stem}-warc", folder / f"{db.stem}-warc")
    return folder / db.name


@contextmanager
def serve(*args: str) -> Iterator[str]:
    """`portal-archive serve ARGS` on a free port; yields the base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for_http(base + "/-/versions.json")
        except OSError:
            stop(process)
            raise AssertionError(process.stderr.read() if process.stderr else "") from None
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="module")
def demo(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    db = copy_with_captures(demo_archive, tmp_path_factory.mktemp("captures-site"))
    with served_archive(db) as base:
        yield {"base": base, "db": db}


@pytest.fixture(scope="module")
def seed(demo: dict) -> dict:
    [article] = rows(demo["db"], "select * from articles where title like ?", SEED_TITLE + "%")
    [capture] = rows(demo["db"], "select * from captures where record_id = ?", article["capture"])
    return {"article": article, "capture": capture, "id": uuid(capture["record_id"])}


# -- the capture page ------------------------------------------------------------------------


def test_capture_page_describes_the_capture(demo: dict, seed: dict) -> None:
    capture = seed["capture"]
    status, _, body = fetch(f"{demo['base']}/-/captures/{seed['id']}")
    assert status == 200
    page = html.fromstring(body.decode())
    meta = text_of(page.get_element_by_id("capture-meta"))
    assert capture["url"] in meta
    assert capture["payload_sha1"] in meta and capture["payload_sha256"] in meta
    assert f"{capture['warc_file']} @ {capture['warc_offset']}" in meta
    assert "khớp với tệp" in meta  # the payload's sha256 was checked against the file
    [when] = page.cssselect("#capture-meta time")
    assert when.get("datetime") == capture["fetched_at"]
    utc = capture["fetched_at"][:19].replace("T", " ")
    assert when.get("title") == f"{utc} UTC"
    assert text_of(when) == capture_view.vietnam_time(capture["fetched_at"])
    assert "giờ Việt Nam" in text_of(when)
    assert text_of(page.cssselect(".capture-status")[0]) == "200"
    assert page.get_element_by_id("capture-view").get("href") == f"/-/captures/{seed['id']}/view"
    download = page.get_element_by_id("capture-download")
    assert download.get("href") == f"/-/captures/{seed['id']}.warc.gz"
    [frame] = page.cssselect("iframe")
    assert frame.get("sandbox") == "" and frame.get("src").endswith("/view")
    assert "chế độ an toàn" in text_of(page.get_element_by_id("capture-banner"))
    facts = [a.get("href") for a in page.cssselect("#capture-meta a")]
    assert f"/archive/articles/{seed['article']['id']}" in facts  # the stable route
    assert str(demo["db"].parent) not in body.decode()  # never a server path


def test_download_is_the_stored_record_byte_for_byte(demo: dict, seed: dict) -> None:
    capture = seed["capture"]
    status, headers, body = fetch(
        f"{demo['base']}/-/captures/{seed['id']}.warc.gz", {"Accept-Encoding": "gzip, br"}
    )
    assert status == 200
    path = resolve(demo["db"].parent, capture["warc_file"])
    with path.open("rb") as handle:
        handle.seek(capture["warc_offset"])
        stored = handle.read(capture["warc_length"])
    assert body == stored
    assert headers["Content-Type"] == "application/warc"
    assert headers.get("Content-Encoding") in (None, "identity")
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'{seed["id"]}.warc.gz"' in disposition
    assert disposition.startswith('attachment; filename="demo-')
    [record] = list(ArchiveIterator(io.BytesIO(body)))  # a whole, valid .warc.gz
    assert record.rec_type == "response"
    assert record.rec_headers.get_header("WARC-Record-ID") == capture["record_id"]
    assert record.rec_headers.get_header("WARC-Target-URI") == capture["url"]
    assert record.rec_headers.get_header("WARC-Payload-Digest") == capture["payload_sha1"]


def test_view_is_the_captured_page_under_a_sandbox(demo: dict, seed: dict) -> None:
    status, headers, body = fetch(
        f"{demo['base']}/-/captures/{seed['id']}/view", {"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers.get_all("Set-Cookie") is None
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    page = html.fromstring(body.decode("utf-8"))
    assert SEED_TITLE in page.findtext(".//title")
    assert "Nguyễn Thành Tâm" in text_of(page)  # the body text as the portal served it


def test_article_page_shows_the_original_capture(demo: dict, seed: dict) -> None:
    article, capture = seed["article"], seed["capture"]
    status, _, body = fetch(f"{demo['base']}/demo/articles/{article['id']}")
    assert status == 200
    page = html.fromstring(body.decode())
    block = page.get_element_by_id("capture")
    assert "Bản lưu gốc" in text_of(block)
    assert capture["payload_sha1"] in text_of(block)
    assert block.cssselect("time")[0].get("datetime") == capture["fetched_at"]
    links = {a.get("class"): a.get("href") for a in block.cssselect("a")}
    assert links == {
        "archive-capture-page": f"/-/captures/{seed['id']}",
        "archive-capture-view": f"/-/captures/{seed['id']}/view",
        "archive-capture-download": f"/-/captures/{seed['id']}.warc.gz",
    }


def test_tombstones_and_counter_readings_link_their_captures(demo: dict) -> None:
    tombstones = rows(
        demo["db"],
        "select article_id, version, capture from article_versions where tombstone = 1 "
        "and capture is not null order by article_id",
    )
    assert tombstones
    for tombstone in tombstones:
        _, _, body = fetch(f"{demo['base']}/demo/articles/{tombstone['article_id']}")
        page = html.fromstring(body.decode())
        row = page.cssselect("#versions tbody tr")[tombstone["version"] - 1]
        assert "archive-tombstone" in row.get("class")
        [link] = row.cssselect(".archive-version-capture a")
        assert link.get("href") == f"/-/captures/{uuid(tombstone['capture'])}"
        status, _, _ = fetch(demo["base"] + link.get("href"))
        assert status == 200
    [reading] = rows(demo["db"], "select id, capture from visitor_stats order by id limit 1")
    _, _, body = fetch(f"{demo['base']}/demo/visitor_stats/{reading['id']}")
    hrefs = {a.get("href") for a in html.fromstring(body.decode()).cssselect("a")}
    assert f"/-/captures/{uuid(reading['capture'])}" in hrefs


def test_not_modified_revisit_says_so_and_links_the_earlier_capture(demo: dict) -> None:
    revisit = rows(
        demo["db"],
        "select * from captures where http_status = 304 and refers_to is not null limit 1",
    )[0]
    status, _, body = fetch(f"{demo['base']}/-/captures/{uuid(revisit['record_id'])}")
    page = html.fromstring(body.decode())
    assert status == 200 and not page.cssselect("iframe")
    assert "304 Not Modified" in text_of(page.get_element_by_id("capture-304"))
    original = page.cssselect("a.capture-original")[0].get("href")
    assert original == f"/-/captures/{uuid(revisit['refers_to'])}"
    status, headers, body = fetch(f"{demo['base']}/-/captures/{uuid(revisit['record_id'])}/view")
    assert status == 200 and headers["Content-Security-Policy"] == CSP
    assert "304 Not Modified" in body.decode() and original in body.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/-/captures/nothing",
        "/-/captures/00000000-0000-4000-8000-000000000000",
        "/-/captures/00000000-0000-4000-8000-000000000000.warc.gz",
        "/-/captures/00000000-0000-4000-8000-000000000000/view",
        "/-/captures/<urn:uuid:00000000-0000-4000-8000-000000000000>",
        "/-/captures/..%2F..%2F..%2Fetc%2Fpasswd",
        "/-/captures/%2e%2e/%2e%2e/demo.db",
        "/-/captures/x/../../demo.db",
    ],
)
def test_bad_ids_are_a_vietnamese_404(demo: dict, seed: dict, path: str) -> None:
    status, body = raw_get(demo["base"], path)
    assert status == 404
    assert "SQLite format" not in body and "root:" not in body
    assert "Không có bản lưu này" in body and "Không tìm thấy bản lưu" in body


def test_ids_are_checked_strictly(demo: dict, seed: dict) -> None:
    upper = seed["id"].upper()
    assert raw_get(demo["base"], f"/-/captures/{upper}")[0] == 404
    assert raw_get(demo["base"], f"/-/captures/{seed['id']}x")[0] == 404
    assert raw_get(demo["base"], f"/-/captures/{seed['id']}/view/x")[0] == 404
    assert raw_get(demo["base"], f"/-/captures/{seed['id']}")[0] == 200


# -- captures we write ourselves -------------------------------------------------------------


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Gzip-encoded page, truncated page, a PDF, and a pointer that tries to leave the folder."""
    folder = tmp_path_factory.mktemp("own-captures") / "archive"
    pages = [
        gzipped_page(
            "http://127.0.0.1:9/tin/1.html", "Bài viết nén gzip", "<p>Xin chào Trà Vinh</p>"
        ),
        Page(
            "http://127.0.0.1:9/tin/2.html",
            html_page("Trang bị cắt giữa chừng", "<p>Phần đầu của trang</p>" * 20)[:300],
            [("Content-Type", "text/html; charset=utf-8")],
            truncated="length",
            title="Trang bị cắt giữa chừng",
        ),
        Page(
            "http://127.0.0.1:9/files/a.pdf",
            b"%PDF-1.4 not really",
            [("Content-Type", "application/pdf")],
        ),
        Page(
            "http://127.0.0.1:9/tin/3.html",
            html_page("Thoát thư mục", ""),
            [("Content-Type", "text/html")],
        ),
        # The same page twice: the second capture is an identical-payload revisit.
        gzipped_page("http://127.0.0.1:9/tin/4.html", "Trang không đổi", "<p>Lần một</p>"),
        gzipped_page("http://127.0.0.1:9/tin/4.html", "Trang không đổi", "<p>Lần một</p>"),
    ]
    db, captures = build_archive(folder, pages)
    # The last pointer names a copy of its own file outside the archive folder: following it
    # would serve those bytes.
    escaped = captures[3]
    outside = folder.parent / "outside.warc.gz"
    shutil.copy(resolve(folder, escaped.warc_file), outside)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "update captures set warc_file = '../outside.warc.gz' where record_id = ?",
            [escaped.record_id],
        )
    conn.close()
    with serve("--db", str(db)) as base:
        yield {"base": base, "db": db, "captures": captures}


def test_gzip_encoded_capture_is_decoded_for_viewing(own: dict) -> None:
    capture = own["captures"][0]
    status, headers, body = fetch(f"{own['base']}/-/captures/{uuid(capture.record_id)}/view")
    assert status == 200 and headers["Content-Security-Policy"] == CSP
    text = body.decode("utf-8")
    assert "<title>Bài viết nén gzip</title>" in text and "Xin chào Trà Vinh" in text
    # ... while the download keeps the payload as received: still gzip inside the record.
    _, _, record_bytes = fetch(f"{own['base']}/-/captures/{uuid(capture.record_id)}.warc.gz")
    payloads = [r.raw_stream.read() for r in ArchiveIterator(io.BytesIO(record_bytes))]
    [payload] = payloads  # read while iterating: the iterator drains a record it moves past
    assert payload[:2] == b"\x1f\x8b" and b"Xin ch" in gzip.decompress(payload)


def test_truncated_capture_is_shown_with_a_notice(own: dict) -> None:
    capture = own["captures"][1]
    _, _, body = fetch(f"{own['base']}/-/captures/{uuid(capture.record_id)}/view")
    page = html.fromstring(body.decode())
    [notice] = page.cssselect(".archive-capture-notice")
    assert "Bản lưu bị cắt" in text_of(notice)
    assert "Phần đầu của trang" in text_of(page)
    _, _, body = fetch(f"{own['base']}/-/captures/{uuid(capture.record_id)}")
    assert "bị cắt" in text_of(html.fromstring(body.decode()).cssselect(".capture-truncated")[0])


def test_identical_revisit_is_shown_from_its_original(own: dict) -> None:
    original, revisit = own["captures"][4:6]
    assert (original.record_type, revisit.record_type) == ("response", "revisit")
    status, _, body = fetch(f"{own['base']}/-/captures/{uuid(revisit.record_id)}")
    page = html.fromstring(body.decode())
    assert status == 200 and page.cssselect("iframe[sandbox]")
    assert page.cssselect("a.capture-original")[0].get("href").endswith(uuid(original.record_id))
    status, headers, body = fetch(f"{own['base']}/-/captures/{uuid(revisit.record_id)}/view")
    assert status == 200 and headers["Content-Security-Policy"] == CSP
    page = html.fromstring(body.decode())
    assert "Bản lưu lặp lại" in text_of(page.cssselect(".archive-capture-notice")[0])
    assert "Lần một" in text_of(page)


def test_non_html_capture_is_download_only(own: dict) -> None:
    capture = own["captures"][2]
    status, _, body = fetch(f"{own['base']}/-/captures/{uuid(capture.record_id)}")
    page = html.fromstring(body.decode())
    assert status == 200 and not page.cssselect("iframe") and not page.cssselect("#capture-view")
    assert page.cssselect("#capture-download")
    status, headers, body = fetch(f"{own['base']}/-/captures/{uuid(capture.record_id)}/view")
    assert headers["Content-Security-Policy"] == CSP
    assert b"%PDF" not in body and "Chỉ có thể tải về" in body.decode()


def test_a_pointer_cannot_leave_the_archive_folder(own: dict) -> None:
    capture = own["captures"][3]
    base = f"{own['base']}/-/captures/{uuid(capture.record_id)}"
    status, _, body = fetch(base + ".warc.gz")
    assert status == 404 and b"WARC/1.1" not in body
    assert "không có trên máy chủ này" in body.decode()
    status, _, body = fetch(base)
    assert status == 200 and "không có trên máy chủ này" in body.decode()
    assert not html.fromstring(body.decode()).cssselect("iframe, #capture-download")


def test_missing_warc_file_is_a_vietnamese_404(own: dict, tmp_path: Path) -> None:
    db = tmp_path / "nowarc" / own["db"].name
    db.parent.mkdir()
    shutil.copy(own["db"], db)  # the database alone: its WARC folder stayed behind
    capture = own["captures"][0]
    with serve("--db", str(db)) as base:
        for suffix in (".warc.gz", "/view"):
            status, _, body = fetch(f"{base}/-/captures/{uuid(capture.record_id)}{suffix}")
            assert status == 404, suffix
            assert "Tệp bản lưu không có trên máy chủ này" in body.decode()
            assert "Traceback" not in body.decode()
        status, _, body = fetch(f"{base}/-/captures/{uuid(capture.record_id)}")
        assert status == 200
        assert "không có trên máy chủ này" in text_of(
            html.fromstring(body.decode()).get_element_by_id("capture-problem")
        )


# -- snapshots and serve --public ------------------------------------------------------------


def test_public_snapshot_finds_the_captures_of_its_source(own: dict, tmp_path: Path) -> None:
    """A snapshot lives in another folder; its manifest names the source database, whose
    folder holds the WARC files. --captures names that folder explicitly."""
    snapshot = take_snapshot(own["db"], tmp_path / "snapshots")
    capture = own["captures"][0]
    path = f"/-/captures/{uuid(capture.record_id)}.warc.gz"
    with serve("--db", str(snapshot.path), "--public") as base:
        status, _, body = fetch(base + path)
        assert status == 200 and body[:2] == b"\x1f\x8b"
        _, _, page = fetch(f"{base}/-/captures/{uuid(capture.record_id)}")
        assert str(own["db"].parent) not in page.decode() and str(tmp_path) not in page.decode()
    moved = tmp_path / "moved"
    copy_with_captures(own["db"], moved)
    (tmp_path / "snapshots" / "manifest.json").unlink()  # no manifest: only --captures helps
    with serve("--db", str(snapshot.path), "--public", "--captures", str(moved)) as base:
        status, _, body = fetch(base + path)
        assert status == 200 and list(ArchiveIterator(io.BytesIO(body)))
    with serve("--db", str(snapshot.path), "--public") as base:
        assert fetch(base + path)[0] == 404


def test_serve_refuses_a_missing_captures_folder(tmp_path: Path, own: dict) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "portal_spider", "serve", "--db", str(own["db"]),
         "--captures", str(tmp_path / "absent"), "--print-command"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "captures folder not found" in result.stderr


# -- decoding (pure) -------------------------------------------------------------------------

TEXT = "Ủy ban nhân dân thành phố thông báo lịch tiếp công dân. ".encode() * 50


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("gzip", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)[2:-4]),  # raw deflate, as some servers send it
        ("br", brotli.compress(TEXT)),
        ("identity", TEXT),
        ("gzip, br", brotli.compress(gzip.compress(TEXT))),
    ],
)
def test_decode_payload(encoding: str, encoded: bytes) -> None:
    assert capture_view.decode_payload(encoded, encoding) == TEXT


def test_decode_payload_keeps_what_a_truncated_stream_holds() -> None:
    noisy = b"".join(hashlib.sha256(b"%d" % i).hexdigest().encode() for i in range(500))
    cut = gzip.compress(noisy)[:2000]  # hex digits: about half the size, so this is a part
    decoded = capture_view.decode_payload(cut, "gzip")
    assert 1000 < len(decoded) < len(noisy) and noisy.startswith(decoded)


def test_decode_payload_refuses_bombs_and_unknown_codings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture_view, "MAX_DECODED", 1000)
    with pytest.raises(capture_view.PayloadUndecodable):
        capture_view.decode_payload(gzip.compress(b"\0" * 100_000), "gzip")
    with pytest.raises(capture_view.PayloadUndecodable):
        capture_view.decode_payload(brotli.compress(b"\0" * 100_000), "br")
    with pytest.raises(capture_view.PayloadUndecodable):
        capture_view.decode_payload(TEXT, "compress")
    with pytest.raises(capture_view.PayloadUndecodable):
        capture_view.decode_payload(b"not gzip at all", "gzip")


def test_html_text_follows_http_then_the_page() -> None:
    page = "<html><head><meta charset='windows-1258'></head><body>Trà Vinh</body></html>"
    assert "Trà Vinh" in capture_view.html_text(page.encode("cp1258"), "text/html")
    assert "Trà Vinh" in capture_view.html_text(page.encode("utf-8"), "text/html; charset=utf-8")
