"""`portal-archive verify` (fixity, issue 12 item 7) on a real crawled demo archive, and the
closing of WARC files a killed crawl left `.open`.

Each test damages its own copy of the session's demo archive (day 0 and day 1 crawled).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.fixity import close_unfinished, iter_members, verify
from archive.lock import ArchiveLocked
from archive.warc_store import warc_root

from .conftest import portal_archive


@pytest.fixture
def archive(demo_archive: Path, tmp_path: Path) -> Path:
    """A private copy of the demo archive: database and WARC folder."""
    db = tmp_path / "demo.db"
    for suffix in ("", "-wal"):
        source = demo_archive.with_name(demo_archive.name + suffix)
        if source.exists():
            shutil.copyfile(source, db.with_name(db.name + suffix))
    shutil.copytree(warc_root(demo_archive), warc_root(db))
    return db


def _sql(db: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(sql, args).fetchall()
        conn.commit()
    return rows


def _verify(db: Path, *args: str) -> tuple[int, dict]:
    result = portal_archive("verify", "--db", str(db), "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def _warcs(db: Path) -> list[Path]:
    return sorted(warc_root(db).rglob("*.warc.gz"))


def _response(db: Path, offset: int = 20) -> tuple[str, str, int, int]:
    """(record id, file, offset, length) of a full response capture of an article page."""
    return _sql(
        db,
        "SELECT record_id, warc_file, warc_offset, warc_length FROM captures "
        "WHERE record_type = 'response' AND record_id IN (SELECT capture FROM article_versions) "
        "ORDER BY warc_file, warc_offset LIMIT 1 OFFSET ?",
        offset,
    )[0]


def _kinds(report: dict) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for problem in report["problems"]:
        kinds[problem["kind"]] = kinds.get(problem["kind"], 0) + 1
    return kinds


def test_clean_archive_passes_and_counts_match_the_database(archive: Path) -> None:
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in [archive, *_warcs(archive)]}
    code, report = _verify(archive)
    assert code == 0 and report["ok"], report["problems"][:5]
    assert report["problems"] == []
    counts = report["counts"]
    assert counts["captures"] == _sql(archive, "SELECT count(*) FROM captures")[0][0] > 300
    facts = sum(
        _sql(archive, f"SELECT count(capture) FROM {table}")[0][0]
        for table in ("articles", "article_versions", "visitor_stats", "crawl_errors")
    )
    assert counts["fact_pointers"] == facts > 0
    records = 0  # counted independently, by warcio
    for path in _warcs(archive):
        with path.open("rb") as handle:
            records += sum(1 for _ in ArchiveIterator(handle))
    assert counts["records"] == records
    assert counts["files"] == len(_warcs(archive)) == 2
    assert counts["unfinished"] == 0
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in [archive, *_warcs(archive)]}
    assert after == before, "verify changed the archive"


def test_summary_progress_and_quiet(archive: Path) -> None:
    loud = portal_archive("verify", "--db", str(archive), "--progress-every", "0.001")
    assert loud.returncode == 0, loud.stdout + loud.stderr
    assert loud.stdout.strip().splitlines()[-1].startswith("verify: OK: ")
    assert "records" in loud.stderr and "MB" in loud.stderr  # progress lines
    quiet = portal_archive("verify", "--db", str(archive), "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_a_flipped_byte_inside_a_record_fails_naming_file_and_offset(archive: Path) -> None:
    record_id, warc_file, offset, length = _response(archive)
    path = archive.parent / warc_file
    data = bytearray(path.read_bytes())
    data[offset + length // 2] ^= 0x01
    path.write_bytes(bytes(data))
    code, report = _verify(archive)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["kind"], problem["file"], problem["offset"]) == ("corrupt", warc_file, offset)
    assert problem["record_id"] == record_id
    text = portal_archive("verify", "--db", str(archive))
    assert text.returncode == 1 and f"{warc_file} @{offset}" in text.stdout
    assert "1 corrupt" in text.stdout.splitlines()[-1]


@pytest.mark.parametrize("record_type", ["response", "revisit"])
def test_a_changed_record_in_a_valid_gzip_member_is_a_digest_mismatch(
    archive: Path, record_type: str
) -> None:
    """Recompressed after the edit: zlib is happy, only the digests can tell (a revisit's
    block too, which warcio's own digest check skips)."""
    record_id, warc_file, offset, length = _sql(
        archive,
        "SELECT record_id, warc_file, warc_offset, warc_length FROM captures "
        "WHERE record_type = ? ORDER BY warc_file, warc_offset LIMIT 1 OFFSET 5",
        record_type,
    )[0]
    path = archive.parent / warc_file
    data = path.read_bytes()
    record = bytearray(gzip.decompress(data[offset : offset + length]))
    record[-10] ^= 0x01  # in the block (a response's payload), before the closing CRLF CRLF
    member = gzip.compress(bytes(record))
    path.write_bytes(data[:offset] + member + data[offset + length :])
    code, report = _verify(archive)
    assert code == 1
    here = [p for p in report["problems"] if p["offset"] == offset and p["file"] == warc_file]
    # the digests; a length mismatch too when the new member's size differs
    assert "digest" in {p["kind"] for p in here} <= {"digest", "mismatch"}
    details = " ".join(p["detail"] for p in here)
    assert "block digest does not match" in details
    if record_type == "response":
        assert "payload digest does not match" in details
        assert "payload sha1" in details and "sha256" in details
    assert all(p["record_id"] == record_id for p in here)


def test_a_deleted_warc_is_missing(archive: Path) -> None:
    victim = _warcs(archive)[-1]
    name = victim.relative_to(archive.parent).as_posix()
    pointing = _sql(archive, "SELECT count(*) FROM captures WHERE warc_file = ?", name)[0][0]
    [(crawl,)] = _sql(archive, "SELECT crawl_id FROM captures WHERE warc_file = ? LIMIT 1", name)
    victim.unlink()
    code, report = _verify(archive)
    assert code == 1
    assert report["problems"] == [
        {
            "kind": "missing",
            "detail": f"file not found (written by crawl {crawl}; {pointing} captures point "
            "into it)",
            "file": name,
            "offset": None,
            "record_id": None,
        }
    ]
    text = portal_archive("verify", "--db", str(archive))
    assert text.returncode == 1 and text.stdout.startswith(f"missing: {name}")


def test_a_deleted_warc_nothing_points_to_is_missing_too(archive: Path) -> None:
    """A crawl's row lists its files: one with no capture left in it is still missed."""
    victim = _warcs(archive)[-1]
    name = victim.relative_to(archive.parent).as_posix()
    _sql(archive, "UPDATE article_versions SET capture = NULL")
    for table in ("articles", "visitor_stats", "crawl_errors"):
        _sql(archive, f"UPDATE {table} SET capture = NULL")
    _sql(archive, "DELETE FROM captures WHERE warc_file = ?", name)
    assert _verify(archive)[0] == 0
    victim.unlink()
    code, report = _verify(archive)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["kind"], problem["file"]) == ("missing", name)
    assert problem["detail"].endswith("; 0 captures point into it)")


def test_a_file_truncated_mid_record_is_torn(archive: Path) -> None:
    record_id, warc_file, offset, length = _response(archive)
    path = archive.parent / warc_file
    with path.open("r+b") as handle:
        handle.truncate(offset + length // 2)
    code, report = _verify(archive)
    assert code == 1
    problem = report["problems"][0]
    assert (problem["kind"], problem["file"], problem["offset"]) == ("torn", warc_file, offset)
    assert problem["record_id"] == record_id
    assert problem["detail"] == f"the file ends inside a record ({length // 2} bytes of it)"
    lost = _sql(
        archive,
        "SELECT record_id FROM captures WHERE warc_file = ? AND warc_offset > ?",
        warc_file,
        offset,
    )
    assert lost, "the record is not the file's last capture"
    assert _kinds(report) == {"torn": 1 + len(lost)}  # and every capture after it
    assert {p["record_id"] for p in report["problems"][1:]} == {r for (r,) in lost}
    assert report["counts"]["unfinished"] == 0


def test_pointers_that_do_not_name_a_record(archive: Path) -> None:
    first, _, _, length = _response(archive, 3)
    second, warc_file, offset2, _ = _response(archive, 4)
    _sql(archive, "UPDATE captures SET warc_length = warc_length + 1 WHERE record_id = ?", first)
    _sql(archive, "UPDATE captures SET warc_offset = warc_offset + 7 WHERE record_id = ?", second)
    code, report = _verify(archive)
    assert code == 1
    by_id = {p["record_id"]: p for p in report["problems"]}
    assert set(by_id) == {first, second}
    assert f"member is {length} bytes" in by_id[first]["detail"]
    assert by_id[second]["offset"] == offset2 + 7 and by_id[second]["file"] == warc_file
    assert by_id[second]["detail"] == "no record starts at this offset"


def test_dangling_pointers_fail(archive: Path) -> None:
    ghost = "<urn:uuid:00000000-0000-0000-0000-000000000000>"
    first = "(SELECT min(id) FROM article_versions)"
    _sql(archive, f"UPDATE article_versions SET capture = ? WHERE id = {first}", ghost)
    revisit = _sql(archive, "SELECT record_id FROM captures WHERE refers_to IS NOT NULL LIMIT 1")
    _sql(archive, "UPDATE captures SET refers_to = ? WHERE record_id = ?", ghost, revisit[0][0])
    code, report = _verify(archive)
    assert code == 1
    assert _kinds(report) == {"dangling": 2}
    found = {p["record_id"]: p["detail"] for p in report["problems"]}
    assert "article_versions row" in found[ghost]
    assert found[revisit[0][0]] == f"revisit refers to {ghost}, which is not in captures"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = portal_archive("verify", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no such archive database" in missing.stderr
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100)
    assert portal_archive("verify", "--db", str(text)).returncode == 2
    other = tmp_path / "other.db"
    _sql(other, "CREATE TABLE t (x)")
    result = portal_archive("verify", "--db", str(other))
    assert result.returncode == 2 and "not an archive database" in result.stderr


def _tear(path: Path) -> tuple[Path, bytes, int]:
    """Make ``path`` look like a killed crawl's file: ``.open``, ending in half a record
    (the first half of a copy of its own last member). Returns (open path, torn bytes,
    complete size)."""
    data = path.read_bytes()
    with path.open("rb") as handle:
        last = list(iter_members(handle, len(data)))[-1]
    torn = data[last.offset : last.offset + last.length // 2]
    unfinished = path.with_name(path.name + ".open")
    path.rename(unfinished)
    with unfinished.open("ab") as handle:
        handle.write(torn)
    return unfinished, torn, len(data)


def test_unfinished_file_is_a_notice_and_closing_it_keeps_complete_records(archive: Path) -> None:
    path = _warcs(archive)[-1]
    unfinished, torn, complete = _tear(path)
    name = path.relative_to(archive.parent).as_posix()
    code, report = _verify(archive)
    assert code == 0, report["problems"]  # every pointer still names a complete record
    [notice] = [n for n in report["notices"] if n["kind"] == "unfinished"]
    assert notice["file"] == name + ".open"
    assert f"torn record at {complete} ({len(torn)} bytes)" in notice["detail"]
    assert "next crawl" in notice["detail"]

    [closed] = close_unfinished(archive)
    assert closed.path == path and not unfinished.exists()
    assert (closed.kept_bytes, closed.torn_bytes) == (complete, len(torn))
    assert path.stat().st_size == complete
    assert closed.torn_path == path.with_name(path.name + ".torn")
    assert closed.torn_path.read_bytes() == torn
    code, report = _verify(archive)
    assert code == 0 and report["counts"]["unfinished"] == 0
    assert [n["kind"] for n in report["notices"]] == ["torn-evidence"]
    assert close_unfinished(archive) == []  # nothing left to do


def test_an_open_file_with_nothing_complete_is_removed(archive: Path) -> None:
    folder = _warcs(archive)[0].parent
    empty = folder / "demo-20990101000000000000-demo-c99-00001.warc.gz.open"
    empty.write_bytes(gzip.compress(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")[:20])
    [closed] = close_unfinished(archive)
    assert closed.removed and not empty.exists() and closed.torn_path is not None
    assert _verify(archive)[0] == 0


def test_damage_inside_an_open_file_is_not_cut_away(archive: Path) -> None:
    """Only a torn end is a kill's doing: records after a damaged one stay, untouched."""
    _, warc_file, offset, length = _response(archive)
    path = archive.parent / warc_file
    unfinished, _, _ = _tear(path)
    data = bytearray(unfinished.read_bytes())
    data[offset + length // 2] ^= 0x01
    unfinished.write_bytes(bytes(data))
    [kept] = close_unfinished(archive)
    assert kept.problem == f"corrupt record at {offset}"
    assert unfinished.read_bytes() == bytes(data) and not path.exists()
    code, report = _verify(archive)
    assert code == 1 and _kinds(report) == {"corrupt": 1}


HOLD = """
import sys, time
from archive.lock import ArchiveLock
with ArchiveLock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_files_of_a_running_crawl_are_left_alone(archive: Path) -> None:
    unfinished, _, _ = _tear(_warcs(archive)[-1])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(archive)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(ArchiveLocked):
            close_unfinished(archive)
        report = verify(archive)
        [notice] = [n for n in report.notices if n.kind == "unfinished"]
        assert "being written by the running crawl" in notice.detail
        assert unfinished.exists()
    finally:
        holder.kill()
        holder.wait()
    assert len(close_unfinished(archive)) == 1 and not unfinished.exists()


EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_scheduling_examples_verify_after_the_crawl() -> None:
    import yaml

    workflow = yaml.safe_load((EXAMPLES / "crawl.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["crawl"]["steps"]]
    crawl = next(i for i, run in enumerate(runs) if "portal-archive crawl" in run)
    check = next(i for i, run in enumerate(runs) if "portal-archive verify --db" in run)
    upload = next(i for i, run in enumerate(runs) if "gh release upload" in run)
    assert crawl < check < upload
    assert "archive-warc.tar" in runs[upload] and "archive-warc.tar" in runs[0] + runs[crawl - 1]
    service = (EXAMPLES / "portal-archive-crawl.service").read_text(encoding="utf-8")
    assert "\nExecStartPost=/srv/portal-archive/.venv/bin/portal-archive verify --db " in service
    guide = (EXAMPLES.parent / "scheduling.md").read_text(encoding="utf-8")
    assert service.split("[Service]")[1].strip() in guide  # the guide shows the same unit
    cron = next(line for line in guide.splitlines() if line.startswith("17 3 * * *"))
    assert cron.index("portal-archive crawl") < cron.index("portal-archive verify")


def test_a_crawl_of_a_hostile_portal_verifies(tmp_path: Path) -> None:
    """Cut connections, bodies stopped at the size limit, a gzip bomb kept compressed, files
    where pages were expected, retries, redirect loops, error pages: every capture and every
    error row's pointer checks out (and the bomb is never inflated: its payload is hashed as
    received)."""
    from .fault_support import run_fault_crawl

    run = run_fault_crawl("http_500,reset,truncated,huge,gzip_bomb,binary,redirect_loop", tmp_path)
    code, report = _verify(run.db)
    assert code == 0, report["problems"][:5]
    truncated = _sql(run.db, "SELECT count(*) FROM captures WHERE truncated IS NOT NULL")[0][0]
    errors = _sql(run.db, "SELECT count(capture) FROM crawl_errors")[0][0]
    assert truncated > 0 and errors > 0
    assert report["counts"]["captures"] == _sql(run.db, "SELECT count(*) FROM captures")[0][0]
