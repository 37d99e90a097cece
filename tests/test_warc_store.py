"""archive.warc_store: WARC file sets written and read back without Scrapy."""

from __future__ import annotations

import gzip
import io
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc_store import (
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    TRUNCATED_LENGTH,
    Exchange,
    WarcFileSet,
    archive_folder,
    read_record_bytes,
    resolve,
    sha1_base32,
    warc_root,
)

PAGE = "<html><body><h1>Hội nghị sơ kết công tác quý III</h1></body></html>".encode()


def _exchange(url: str = "http://127.0.0.1:8600/tin/a-1.html", **changes: object) -> Exchange:
    fields: dict[str, object] = {
        "url": url,
        "method": "GET",
        "request_headers": [("User-Agent", "portal-archive/test"), ("Accept-Encoding", "gzip")],
        "status": 200,
        "response_headers": [("Content-Type", "text/html; charset=utf-8")],
        "payload": PAGE,
        "fetched_at": datetime(2026, 12, 7, 3, 4, 5, 678901, tzinfo=UTC),
        "metadata": {"via": "http://127.0.0.1:8600/tin/"},
    }
    fields.update(changes)
    return Exchange(**fields)  # type: ignore[arg-type]


def _records(path: Path) -> list:
    with path.open("rb") as handle:
        return [
            (
                record.rec_type,
                dict(record.rec_headers.headers),
                record.raw_stream.read(),  # the payload (after the HTTP headers, if any)
                dict(record.http_headers.headers) if record.http_headers else {},
            )
            for record in ArchiveIterator(handle)
        ]


def test_exchange_becomes_response_request_and_metadata(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    files = WarcFileSet(db, portal="demo", crawl_id=4, software="portal-archive/test")
    capture = files.write_exchange(_exchange())
    assert capture.warc_file.startswith("archive-warc/demo/")
    assert (tmp_path / (capture.warc_file + ".open")).exists()  # still being written
    files.close()
    path = archive_folder(db) / capture.warc_file
    assert path.exists() and not path.with_name(path.name + ".open").exists()
    records = _records(path)
    assert [kind for kind, *_ in records] == ["warcinfo", "response", "request", "metadata"]
    info = records[0][2].decode()
    assert "portal: demo" in info and "crawl-run: 4" in info
    _, response, payload, _ = records[1]
    assert response["WARC-Date"] == "2026-12-07T03:04:05.678901Z"
    assert response["WARC-Payload-Digest"] == sha1_base32(PAGE) == capture.payload_sha1
    assert payload == PAGE
    assert records[2][1]["WARC-Concurrent-To"] == capture.record_id
    assert records[2][3]["Host"] == "127.0.0.1:8600"
    assert records[3][1]["WARC-Refers-To"] == capture.record_id
    assert b"via: http://127.0.0.1:8600/tin/" in records[3][2]
    # The pointer is exactly one gzip member holding that record.
    data = read_record_bytes(tmp_path, capture.warc_file, capture.warc_offset, capture.warc_length)
    assert gzip.decompress(data).startswith(b"WARC/1.1\r\n")
    assert next(iter(ArchiveIterator(io.BytesIO(data)))).rec_type == "response"


def test_identical_payload_and_304_become_revisits(tmp_path: Path) -> None:
    files = WarcFileSet(tmp_path / "a.db", portal="demo", crawl_id=1, software="t")
    first = files.write_exchange(_exchange())
    again = files.write_exchange(_exchange())
    assert (again.record_type, again.revisit_profile) == ("revisit", PROFILE_IDENTICAL)
    assert again.refers_to == first.record_id
    not_modified = files.write_exchange(_exchange(status=304, payload=b""))
    assert (not_modified.record_type, not_modified.revisit_profile) == (
        "revisit",
        PROFILE_NOT_MODIFIED,
    )
    assert not_modified.refers_to == first.record_id
    changed = files.write_exchange(_exchange(payload=PAGE + b"<!-- 2 -->"))
    assert changed.record_type == "response"
    other_url = files.write_exchange(_exchange(url="http://127.0.0.1:8600/tin/b-2.html"))
    assert other_url.record_type == "response"  # dedupe is per URL, for replay tools
    files.close()
    assert files.records == {"response": 3, "revisit": 2}


def test_truncated_and_error_payloads_are_never_originals(tmp_path: Path) -> None:
    files = WarcFileSet(tmp_path / "a.db", portal="demo", crawl_id=1, software="t")
    cut = files.write_exchange(_exchange(truncated=TRUNCATED_LENGTH))
    assert cut.truncated == TRUNCATED_LENGTH
    assert files.write_exchange(_exchange()).record_type == "response"
    error = files.write_exchange(_exchange(url="http://h/x", status=500))
    assert files.write_exchange(_exchange(url="http://h/x", status=500)).record_type == "response"
    assert error.record_type == "response"
    files.close()
    records = _records(tmp_path / cut.warc_file)
    assert records[1][1]["WARC-Truncated"] == "length"


def test_files_rotate_by_size_each_with_warcinfo(tmp_path: Path) -> None:
    files = WarcFileSet(
        tmp_path / "a.db", portal="demo", crawl_id=9, software="t", max_file_size=2000
    )
    captures = [
        files.write_exchange(_exchange(url=f"http://h/{n}", payload=PAGE + bytes([n])))
        for n in range(12)
    ]
    files.close()
    assert len(files.files) > 2
    assert files.files == sorted(files.files)  # names sort in writing order
    assert sorted({c.warc_file for c in captures}) == files.files
    for name in files.files:
        assert _records(tmp_path / name)[0][0] == "warcinfo"
    assert files.total_bytes == sum((tmp_path / n).stat().st_size for n in files.files)


def test_hop_by_hop_headers_are_not_written_as_received(tmp_path: Path) -> None:
    files = WarcFileSet(tmp_path / "a.db", portal="demo", crawl_id=1, software="t")
    headers = [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"),
               ("Content-Encoding", "gzip"), ("Connection", "keep-alive")]  # fmt: skip
    body = gzip.compress(PAGE, mtime=0)
    capture = files.write_exchange(_exchange(response_headers=headers, payload=body))
    files.close()
    _, _, payload, head = _records(tmp_path / capture.warc_file)[1]
    assert payload == body  # compressed, as on the wire
    assert head["Content-Encoding"] == "gzip"
    assert "Transfer-Encoding" not in head and "Connection" not in head
    assert capture.payload_sha1 == sha1_base32(body)


def test_pointers_cannot_leave_the_archive_folder(tmp_path: Path) -> None:
    for bad in ("/etc/passwd", "../secret.warc.gz", "a/../../b.warc.gz", ""):
        with pytest.raises(ValueError, match="outside the archive folder"):
            resolve(tmp_path, bad)
    assert warc_root(tmp_path / "x" / "archive.db") == tmp_path / "x" / "archive-warc"


def test_a_file_left_open_by_a_killed_crawl_is_still_found(tmp_path: Path) -> None:
    files = WarcFileSet(tmp_path / "a.db", portal="demo", crawl_id=1, software="t")
    capture = files.write_exchange(_exchange())
    files.sync()  # killed here: never closed, never renamed
    data = read_record_bytes(tmp_path, capture.warc_file, capture.warc_offset, capture.warc_length)
    assert gzip.decompress(data).startswith(b"WARC/1.1")
    with pytest.raises(ValueError, match="cut short"):
        read_record_bytes(tmp_path, capture.warc_file, capture.warc_offset, 10**7)


def test_a_write_that_fails_half_way_is_cut_off_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disk full in the middle of an exchange: the file ends after the last complete one."""
    import errno

    import archive.warc_store as store

    files = WarcFileSet(tmp_path / "a.db", portal="demo", crawl_id=1, software="t")
    done = [files.write_exchange(_exchange(url=f"http://h/{n}")) for n in range(2)]
    end = (tmp_path / (done[0].warc_file + ".open")).stat().st_size
    real_write = store.write_fully

    def half_then_full(out, data: bytes) -> None:  # type: ignore[no-untyped-def]
        out.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "write_fully", half_then_full)
    with pytest.raises(OSError, match="No space"):
        files.write_exchange(_exchange(url="http://h/lost"))
    monkeypatch.setattr(store, "write_fully", real_write)
    assert (tmp_path / (done[0].warc_file + ".open")).stat().st_size == end
    files.close()
    records = _records(tmp_path / done[0].warc_file)
    assert [kind for kind, *_ in records] == ["warcinfo"] + ["response", "request", "metadata"] * 2


def test_plain_pages_are_compressed_and_server_compressed_ones_stored(tmp_path: Path) -> None:
    """A page sent as is shrinks in its gzip member; a payload the server already gzipped
    is stored (compressing it again gains nothing), and both read back byte for byte."""
    words = ["thông báo", "lịch tiếp", "công dân", "của", "ủy ban", "nhân dân", "phường"]
    rng = random.Random(7)
    page = " ".join(rng.choice(words) for _ in range(4000)).encode()  # ~20 KB of HTML text
    encoded = gzip.compress(page)
    db = tmp_path / "archive.db"
    files = WarcFileSet(db, portal="demo", crawl_id=1, software="portal-archive/test")
    plain = files.write_exchange(_exchange(url="http://127.0.0.1:8600/a.html", payload=page))
    zipped = files.write_exchange(
        _exchange(
            url="http://127.0.0.1:8600/b.html",
            payload=encoded,
            response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        )
    )
    files.close()
    assert plain.warc_length < len(page) / 3
    for capture, payload, block_type in ((plain, page, {1, 2}), (zipped, encoded, {0})):
        member = read_record_bytes(
            tmp_path, capture.warc_file, capture.warc_offset, capture.warc_length
        )
        assert gzip.decompress(member).endswith(payload + b"\r\n\r\n")
        # The first deflate block after the 10-byte gzip header: 0 stored, 1-2 compressed.
        assert (member[10] >> 1) & 3 in block_type
    responses = [r for r in _records(archive_folder(db) / plain.warc_file) if r[0] == "response"]
    assert [payload for _, _, payload, _ in responses] == [page, encoded]


def test_header_bytes_are_kept_as_received(tmp_path: Path) -> None:
    """A portal's attachment named in raw UTF-8 (Content-Disposition): the record holds the
    octets that came over the wire, not a percent-encoded rewrite of them."""
    wire = 'attachment; filename="Quyết định số 12.pdf"'.encode()
    files = WarcFileSet(tmp_path / "a.db", portal="demo", crawl_id=1, software="t")
    capture = files.write_exchange(
        _exchange(
            url="http://127.0.0.1:8600/files/12.pdf",
            payload=b"%PDF-1.4 ...",
            response_headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", wire.decode("latin-1")),  # as the crawl decodes it
            ],
        )
    )
    files.close()
    member = read_record_bytes(
        tmp_path, capture.warc_file, capture.warc_offset, capture.warc_length
    )
    assert b"\r\nContent-Disposition: " + wire + b"\r\n" in gzip.decompress(member)
    [response] = [r for r in _records(tmp_path / capture.warc_file) if r[0] == "response"]
    assert response[2] == b"%PDF-1.4 ..."
