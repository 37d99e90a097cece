"""`portal-archive snapshot`: consistent, dated, checksummed copies listed in a manifest."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from archive.schema import migrations
from archive.search_index import KEY_COLUMN
from archive.snapshot import MANIFEST_NAME, SnapshotError, read_manifest, take_snapshot

from .conftest import portal_archive

NOW = datetime(2025, 7, 1, 3, 4, 5, tzinfo=UTC)
NAME_PATTERN = re.compile(r"^(?P<stem>.+)-\d{4}-\d{2}-\d{2}T\d{6}Z\.db$")


@pytest.fixture
def archive_copy(demo_archive: Path, tmp_path: Path) -> Path:
    """A private copy of the session's demo archive (260 articles), safe to write."""
    target = tmp_path / "archive.db"
    shutil.copyfile(demo_archive, target)
    return target


def check_full_text_indexes(conn: sqlite3.Connection) -> None:
    """Each FTS5 index passes its own integrity check and has exactly one row per article.

    Generic over the index's name and layout, which belong to the search code.
    """
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
        )
    ]
    assert tables
    (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    for table in tables:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (articles,)
        # index rowids are articles.search_key (archive/search_index.py: date-ordered)
        missing = (
            f"SELECT count(*) FROM articles WHERE {KEY_COLUMN} NOT IN (SELECT rowid FROM {table})"
        )
        assert conn.execute(missing).fetchone() == (0,)


def scalar(db: Path, sql: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchone()[0]


def test_snapshot_copies_checksums_and_lists(archive_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "snapshots"
    source_bytes = archive_copy.read_bytes()
    snap = take_snapshot(archive_copy, out, now=NOW)

    assert snap.path == out / "archive-2025-07-01T030405Z.db"
    assert archive_copy.read_bytes() == source_bytes  # the archive itself is never touched
    with closing(sqlite3.connect(snap.path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
        check_full_text_indexes(conn)

    digest = hashlib.sha256(snap.path.read_bytes()).hexdigest()
    sha_file = out / "archive-2025-07-01T030405Z.db.sha256"
    assert sha_file.read_text() == f"{digest}  archive-2025-07-01T030405Z.db\n"
    check = subprocess.run(
        ["sha256sum", "-c", sha_file.name], cwd=out, capture_output=True, text=True
    )
    assert check.returncode == 0 and check.stdout.strip().endswith(": OK"), check

    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["format"] == 1
    [entry] = manifest["snapshots"]
    assert entry == snap.entry
    assert entry["file"] == snap.path.name
    assert entry["created_at"] == "2025-07-01T03:04:05.000000Z"
    assert entry["bytes"] == snap.path.stat().st_size
    assert entry["sha256"] == digest
    assert entry["articles"] == 260 == scalar(archive_copy, "SELECT count(*) FROM articles")
    assert entry["articles_by_portal"] == {"demo": 260}
    assert entry["article_versions"] == scalar(
        archive_copy, "SELECT count(*) FROM article_versions"
    )
    assert entry["schema_migrations"] == [
        m.name for m in migrations.applied(sqlite_utils.Database(archive_copy))
    ]
    assert entry["source"] == str(archive_copy.resolve())
    assert 0 <= entry["seconds"] < 30
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temp files left


def test_snapshots_accumulate_and_never_overwrite(archive_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "snapshots"
    first = take_snapshot(archive_copy, out, now=NOW)
    first_bytes = first.path.read_bytes()
    with pytest.raises(SnapshotError, match="already exists"):
        take_snapshot(archive_copy, out, now=NOW)
    assert first.path.read_bytes() == first_bytes
    assert len(read_manifest(out)["snapshots"]) == 1

    second = take_snapshot(archive_copy, out, now=NOW + timedelta(days=1))
    assert second.path.name == "archive-2025-07-02T030405Z.db"
    assert [e["file"] for e in read_manifest(out)["snapshots"]] == [
        first.path.name,
        second.path.name,
    ]
    # VACUUM INTO is deterministic: the same content gives the same bytes and checksum.
    assert second.entry["sha256"] == first.entry["sha256"]


def test_two_snapshots_in_the_same_second_both_succeed(archive_copy: Path, tmp_path: Path) -> None:
    """Names have one-second resolution: a script taking two in a row must not fail (CI did)."""
    out = tmp_path / "snapshots"
    first = take_snapshot(archive_copy, out)
    second = take_snapshot(archive_copy, out)
    assert first.path.name != second.path.name
    assert second.entry["created_at"] > first.entry["created_at"]
    assert [e["file"] for e in read_manifest(out)["snapshots"]] == [
        first.path.name,
        second.path.name,
    ]


def test_broken_manifest_stops_before_copying(archive_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "snapshots"
    out.mkdir()
    (out / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(SnapshotError, match="not valid JSON"):
        take_snapshot(archive_copy, out, now=NOW)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME]


def test_refuses_a_database_that_is_not_an_archive(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(SnapshotError, match="not an archive database"):
        take_snapshot(other, tmp_path / "out")
    text = tmp_path / "notes.txt"
    text.write_text("Ghi chú, không phải cơ sở dữ liệu.", encoding="utf-8")
    with pytest.raises(SnapshotError, match="not a readable SQLite database"):
        take_snapshot(text, tmp_path / "out")


# The writer commits batches of BATCH articles, one transaction each (ArchiveWriter), until
# the stop file appears; a consistent snapshot therefore holds a whole number of batches.
BATCH = 25
WRITER = """
import os, sys
from archive.writer import ArchiveWriter
db, stop, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
with ArchiveWriter(db, batch_size=batch) as writer:
    n = 0
    while not os.path.exists(stop):
        writer.add_article(
            {"url": f"https://demo.example/ghi-dong-thoi/{n}",
             "title": f"Tin thử ghi đồng thời số {n}",
             "body_text": "Đoạn văn thử nghiệm. " * 40},
            portal="demo", section="thu-nghiem", fetched_at="2025-07-01T10:00:00+07:00")
        n += 1
"""
CONCURRENT = "SELECT count(*) FROM articles WHERE url LIKE 'https://demo.example/ghi-dong-thoi/%'"


def test_snapshot_is_consistent_while_another_process_writes(
    archive_copy: Path, tmp_path: Path
) -> None:
    out, stop = tmp_path / "snapshots", tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(archive_copy), str(stop), str(BATCH)],
        stderr=subprocess.PIPE,
        text=True,
    )
    taken: list[tuple[int, Path, int]] = []
    try:
        deadline = time.monotonic() + 30
        while scalar(archive_copy, CONCURRENT) < 4 * BATCH:  # the writer is well under way
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
            assert time.monotonic() < deadline, "the writer process never committed"
            time.sleep(0.05)
        for i in range(4):
            before = scalar(archive_copy, CONCURRENT)
            snap = take_snapshot(archive_copy, out, now=NOW + timedelta(seconds=i))
            after = scalar(archive_copy, CONCURRENT)
            taken.append((before, snap.path, after))
    finally:
        stop.touch()
        _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err

    assert any(after > before for before, _, after in taken), "no write overlapped a snapshot"
    for before, path, after in taken:
        with closing(sqlite3.connect(path)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            check_full_text_indexes(conn)
            (copied,) = conn.execute(CONCURRENT).fetchone()
            (versions,) = conn.execute(
                "SELECT count(*) FROM article_versions AS v JOIN articles AS a "
                "ON a.id = v.article_id WHERE a.url LIKE 'https://demo.example/ghi-dong-thoi/%'"
            ).fetchone()
        # Every commit before the snapshot, none after it, and no transaction cut in half.
        assert before <= copied <= after
        assert copied % BATCH == 0
        assert versions == copied
        assert read_manifest(out)["snapshots"][taken.index((before, path, after))]["articles"] == (
            260 + copied
        )


def test_cli_prints_one_line_and_reports_errors(archive_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "snaps"
    result = portal_archive("snapshot", "--db", str(archive_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    [entry] = read_manifest(out)["snapshots"]
    assert NAME_PATTERN.match(entry["file"]).group("stem") == "archive"
    assert line.startswith(f"snapshot {out / entry['file']}: ")
    assert "260 articles" in line and entry["sha256"][:16] in line

    missing = portal_archive("snapshot", "--db", str(tmp_path / "missing.db"), "--out", str(out))
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [
        f"portal-archive: error: archive database not found: {tmp_path / 'missing.db'}"
    ]

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for bad_out in (a_file, a_file / "below"):
        bad = portal_archive("snapshot", "--db", str(archive_copy), "--out", str(bad_out))
        assert bad.returncode == 2, bad.stderr
        [message] = bad.stderr.splitlines()
        assert message.startswith(f"portal-archive: error: {bad_out}: "), message
        assert "directory" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only directory")
def test_unwritable_directory_is_a_one_line_error(archive_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "read-only"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = portal_archive("snapshot", "--db", str(archive_copy), "--out", str(out))
    finally:
        out.chmod(0o755)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"portal-archive: error: {out}: directory is not writable"
    ]
