"""Standard exports of the captures (issue 12 item 5): CDXJ per WARC, export-wacz, snapshot
--wacz; checked with the ecosystem's own tools (warcio, cdxj-indexer, the wacz validator)."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import shutil
import sqlite3
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.wacz_export import ExportError, export_wacz, iter_pages, validate_wacz
from archive.warc_index import cdxj_lines, cdxj_path
from archive.warc_store import archive_folder, read_record_bytes, resolve
from tests.conftest import portal_archive, start_demo_portal, stop

BIN = Path(sys.executable).parent


def _rows(db: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _warc_files(db: Path) -> list[Path]:
    files = sorted({row[0] for row in _rows(db, "SELECT DISTINCT warc_file FROM captures")})
    assert files, "the demo crawl wrote no captures"
    return [resolve(archive_folder(db), name) for name in files]


@pytest.fixture
def archive_dir(demo_archive: Path, tmp_path: Path) -> Path:
    """A writable copy of the demo archive: the database and its WARC folder."""
    target = tmp_path / "copy"
    shutil.copytree(demo_archive.parent, target)
    return target / demo_archive.name


def test_warcio_check_and_index_accept_the_demo_warcs(demo_archive: Path) -> None:
    files = [str(path) for path in _warc_files(demo_archive)]
    check = subprocess.run([BIN / "warcio", "check", "-v", *files], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    assert "digest pass" in check.stdout
    index = subprocess.run([BIN / "warcio", "index", *files], capture_output=True, text=True)
    assert index.returncode == 0, index.stderr[-2000:]
    entries = [json.loads(line) for line in index.stdout.splitlines()]
    (captures,) = _rows(demo_archive, "SELECT count(*) FROM captures")[0]
    kept = [e for e in entries if e.get("warc-type") in ("response", "revisit")]
    assert len(kept) == captures


def test_cdxj_beside_every_warc_has_a_line_for_every_capture(demo_archive: Path) -> None:
    folder = archive_folder(demo_archive)
    lines: dict[tuple[str, int], tuple[str, str, dict]] = {}
    for warc in _warc_files(demo_archive):
        index = cdxj_path(warc)
        assert index.is_file(), f"the crawl wrote no index beside {warc.name}"
        text = index.read_text(encoding="utf-8")
        assert text.splitlines() == sorted(text.splitlines())  # sorted, as replay tools need
        assert text == cdxj_lines(warc, root=folder)  # what cdxj-indexer writes today
        for line in text.splitlines():
            key, stamp, body = line.split(" ", 2)
            fields = json.loads(body)
            lines[(fields["filename"], int(fields["offset"]))] = (key, stamp, fields)
    captures = _rows(demo_archive, "SELECT * FROM captures")
    assert len(lines) == len(captures)
    for row in captures:
        key, stamp, fields = lines[(row["warc_file"], row["warc_offset"])]
        assert fields["url"] == row["url"]
        assert int(fields["length"]) == row["warc_length"]
        assert stamp == "".join(ch for ch in row["fetched_at"] if ch.isdigit())[:14]
        assert fields["status"] == str(row["http_status"])
        if row["record_type"] == "revisit":
            assert fields["mime"] == "warc/revisit"
        if row["revisit_profile"] is None or row["revisit_profile"].endswith(
            "identical-payload-digest"
        ):
            assert fields["digest"] == row["payload_sha1"]


def test_index_command_rewrites_missing_indexes(archive_dir: Path) -> None:
    warcs = _warc_files(archive_dir)
    expected = {w: cdxj_path(w).read_text(encoding="utf-8") for w in warcs}
    cdxj_path(warcs[0]).unlink()
    result = portal_archive("index", "--db", str(archive_dir))
    assert result.returncode == 0, result.stderr
    assert f"1 written ({expected[warcs[0]].count(chr(10))} lines)" in result.stdout
    assert f"{len(warcs) - 1} up to date" in result.stdout
    assert warcs[0].name in result.stderr  # progress
    assert {w: cdxj_path(w).read_text(encoding="utf-8") for w in warcs} == expected
    again = portal_archive("index", "--db", str(archive_dir))
    assert again.returncode == 0 and "0 written" in again.stdout
    missing = portal_archive("index", "--db", str(archive_dir.with_name("none.db")))
    assert missing.returncode == 2 and "not found" in missing.stderr


def _wacz_records(path: Path) -> dict[str, tuple[str, Any]]:
    """WARC-Record-ID -> (type, WARC headers) of every record in a WACZ's WARC files."""
    records = {}
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if not name.startswith("archive/"):
                continue
            with package.open(name) as handle:
                for record in ArchiveIterator(handle):
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    records[record_id] = (record.rec_type, record.rec_headers)
    return records


def test_export_wacz_validates_and_lists_every_article(demo_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.wacz"
    result = portal_archive("export-wacz", "--db", str(demo_archive), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "captures" in result.stdout and "pages" in result.stdout
    assert "copied" in result.stderr  # progress
    ok, said = validate_wacz(out)
    assert ok, said
    validator = subprocess.run([BIN / "wacz", "validate", "-f", str(out)], capture_output=True,
                               text=True)  # fmt: skip
    assert validator.returncode == 0 and "is valid" in validator.stdout, validator.stdout
    # Every article, at the capture its current fields were read from.
    articles = _rows(
        demo_archive,
        "SELECT a.title, c.url, c.fetched_at FROM articles a "
        "JOIN captures c ON c.record_id = a.capture",
    )
    pages = list(iter_pages(out))
    assert len(pages) == len(articles) == len({p["url"] for p in pages})
    assert {(p["url"], p["title"], p["ts"]) for p in pages} == {
        (r["url"], r["title"], r["fetched_at"]) for r in articles
    }
    records = _wacz_records(out)
    for row in _rows(demo_archive, "SELECT record_id, request_record_id FROM captures"):
        assert row["record_id"] in records
        assert row["request_record_id"] in records  # the exchange's request came along
    again = portal_archive("export-wacz", "--db", str(demo_archive), "--out", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr and "--force" in again.stderr
    forced = portal_archive("export-wacz", "--db", str(demo_archive), "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr


def test_window_export_carries_the_originals_of_its_revisits(
    demo_archive: Path, tmp_path: Path
) -> None:
    (second,) = _rows(demo_archive, "SELECT min(fetched_at) FROM captures WHERE crawl_id = 2")[0]
    out = tmp_path / "day1.wacz"
    summary = export_wacz(demo_archive, out, since=second)
    assert validate_wacz(out)[0]
    window = _rows(demo_archive, "SELECT * FROM captures WHERE fetched_at >= ?", (second,))
    revisits = [row for row in window if row["refers_to"]]
    assert revisits and summary.originals > 0
    assert summary.captures == len(window)
    records = _wacz_records(out)
    older = 0
    for row in revisits:
        kind, _ = records[row["refers_to"]]
        assert kind == "response"
        (original,) = _rows(demo_archive, "SELECT * FROM captures WHERE record_id = ?",
                            (row["refers_to"],))  # fmt: skip
        older += original["fetched_at"] < second
        _, headers = records[row["record_id"]]
        assert headers.get_header("WARC-Refers-To") == row["refers_to"]
    assert older == summary.originals
    # Every record is the archive's own bytes, unchanged (same record, same digest).
    folder = archive_folder(demo_archive)
    with zipfile.ZipFile(out) as package:
        (name,) = [n for n in package.namelist() if n.startswith("archive/")]
        exported = package.read(name)
    for row in window[:50]:
        member = read_record_bytes(folder, row["warc_file"], row["warc_offset"],
                                   row["warc_length"])  # fmt: skip
        assert member in exported
    # A page is a capture of the window, or the original a 304 of the window stands for.
    included = {
        (row["url"], row["fetched_at"])
        for row in _rows(demo_archive, "SELECT * FROM captures")
        if row["fetched_at"] >= second or row["record_id"] in {r["refers_to"] for r in revisits}
    }
    pages = list(iter_pages(out))
    assert pages and all((p["url"], p["ts"]) in included for p in pages)
    assert any(p["ts"] < second for p in pages)  # pages of 304s: their older original


def test_export_errors_are_one_line(demo_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.wacz"
    empty = portal_archive("export-wacz", "--db", str(demo_archive), "--out", str(out),
                           "--since", "2099-01-01")  # fmt: skip
    assert empty.returncode == 2 and "no captures" in empty.stderr
    assert len(empty.stderr.strip().splitlines()) == 1 and not out.exists()
    other = portal_archive("export-wacz", "nowhere", "--db", str(demo_archive), "--out", str(out))
    assert other.returncode == 2 and "no captures of nowhere" in other.stderr
    text = tmp_path / "notes.db"
    text.write_text("not a database\n")
    bad = portal_archive("export-wacz", "--db", str(text), "--out", str(out))
    assert bad.returncode == 2 and "not a" in bad.stderr and not out.exists()
    backwards = portal_archive("export-wacz", "--db", str(demo_archive), "--out", str(out),
                               "--since", "2026-02-02", "--until", "2026-02-01")  # fmt: skip
    assert backwards.returncode == 2 and "before" in backwards.stderr
    with pytest.raises(ExportError, match="not found"):
        export_wacz(tmp_path / "missing.db", out)


def test_snapshot_wacz_holds_the_period_since_the_previous_snapshot(
    archive_dir: Path, tmp_path: Path
) -> None:
    snapshots = tmp_path / "snapshots"
    first = portal_archive("snapshot", "--db", str(archive_dir), "--out", str(snapshots), "--wacz")
    assert first.returncode == 0, first.stderr
    assert "WACZ" in first.stdout
    second = portal_archive("snapshot", "--db", str(archive_dir), "--out", str(snapshots),
                            "--wacz")  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "no WACZ" in second.stdout
    manifest = json.loads((snapshots / "manifest.json").read_text(encoding="utf-8"))
    one, two = manifest["snapshots"]
    (captures,) = _rows(archive_dir, "SELECT count(*) FROM captures")[0]
    assert one["wacz"]["captures"] == captures and one["wacz"]["since"] is None
    assert two["wacz"] is None
    package = snapshots / one["wacz"]["file"]
    assert validate_wacz(package)[0]
    assert hashlib.sha256(package.read_bytes()).hexdigest() == one["wacz"]["sha256"]
    checks = subprocess.run(["sha256sum", "-c", f"{one['file']}.sha256"], cwd=snapshots,
                            capture_output=True, text=True)  # fmt: skip
    assert checks.returncode == 0 and checks.stdout.count(": OK") == 2, checks.stdout
    assert not list(snapshots.glob(".*"))  # no working files left


def test_demo_portal_gzips_even_article_pages_for_clients_that_accept_it() -> None:
    process, base = start_demo_portal("--articles", "30")
    try:
        home = urllib.request.urlopen(base).read().decode()
        paths = sorted(set(_article_paths(home)))
        even = next(p for p in paths if int(p.rsplit("-", 1)[1].split(".")[0]) % 2 == 0)
        odd = next(p for p in paths if int(p.rsplit("-", 1)[1].split(".")[0]) % 2 == 1)
        zipped = _get(base + even.lstrip("/"), "gzip, deflate")
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert zipped.headers["Vary"] == "Accept-Encoding"
        text = gzip.decompress(zipped.read()).decode()
        plain = _get(base + even.lstrip("/"), None)
        assert plain.headers["Content-Encoding"] is None
        assert _without_counter(plain.read().decode()) == _without_counter(text)
        refused = _get(base + even.lstrip("/"), "gzip;q=0, identity")
        assert refused.headers["Content-Encoding"] is None
        assert _get(base + odd.lstrip("/"), "gzip").headers["Content-Encoding"] is None
    finally:
        stop(process)


def _article_paths(html: str) -> list[str]:
    import re

    return re.findall(r'href="(/[a-z-]+/[a-z0-9-]+-\d+\.html)"', html)


def _get(url: str, accept_encoding: str | None) -> http.client.HTTPResponse:
    request = urllib.request.Request(url)
    if accept_encoding:
        request.add_header("Accept-Encoding", accept_encoding)
    return urllib.request.urlopen(request)


def _without_counter(html: str) -> str:
    import re

    return re.sub(r"\d+", "0", html)
