"""Fixity of raw captures: is every record the database points to still there, whole and
unchanged? (issue 12; ``portal-archive verify``)

:func:`verify` is read-only (the database is opened ``mode=ro``, files only read). It walks
every WARC file gzip member by member with zlib (archive/warc_members.py), because a
record-level-gzip WARC torn mid-record still passes ``warcio check`` (warcio stops quietly
at a short member): a member must decompress to its end (CRC and length checked by zlib)
and hold exactly one WARC record whose block digest holds. Capture pointers are checked
against those members (same offset, same length, same record id, URL and payload digests),
and every ``capture`` value of the fact tables against ``captures``.

The repair of a crawl killed while writing, :func:`close_unfinished`, is in
archive/warc_close.py; its names are importable from here as before.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from archive.warc_close import (
    TORN_SUFFIX,
    Closed,
    close_before_crawl,
    close_unfinished,
    crawl_running,
    unfinished_files,
)
from archive.warc_members import CORRUPT, TORN, Member, iter_members
from archive.warc_store import OPEN_SUFFIX, archive_folder, sha1_base32, warc_root

#: Tables whose ``capture`` column points into ``captures``.
FACT_TABLES = ("articles", "article_versions", "visitor_stats", "crawl_errors")


class NotAnArchive(Exception):
    """The database cannot be verified: missing, not SQLite, not an archive (exit 2)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A fixity failure. ``kind``: missing, torn, corrupt, digest, mismatch or dangling."""

    kind: str
    detail: str
    file: str | None = None
    offset: int | None = None
    record_id: str | None = None

    def line(self) -> str:
        where = " ".join(
            part
            for part in (
                self.file,
                None if self.offset is None else f"@{self.offset}",
                self.record_id,
            )
            if part
        )
        return f"{self.kind}: {where}: {self.detail}" if where else f"{self.kind}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Notice:
    """Worth knowing, not a failure: ``unreferenced`` files, ``unfinished`` (.open) files,
    ``torn-evidence`` files saved by :func:`archive.warc_close.close_unfinished`."""

    kind: str
    file: str
    detail: str

    def line(self) -> str:
        return f"note: {self.kind}: {self.file}: {self.detail}"


@dataclass(slots=True)
class Report:
    """What :func:`verify` found; ``ok`` when there is no problem (notices allowed)."""

    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, kind: str) -> int:
        return sum(1 for problem in self.problems if problem.kind == kind)

    def summary(self) -> str:
        c = self.counts
        kinds = ("missing", "torn", "corrupt", "digest", "mismatch", "dangling")
        found = ", ".join(f"{self.count(kind)} {kind}" for kind in kinds)
        return (
            f"verify: {'OK' if self.ok else 'FAILED'}: {c.get('captures', 0)} captures and "
            f"{c.get('fact_pointers', 0)} fact pointers; {c.get('records', 0)} records in "
            f"{c.get('files', 0)} files ({c.get('bytes', 0) / 1e6:.1f} MB, "
            f"{c.get('unfinished', 0)} unfinished, {c.get('unreferenced', 0)} unreferenced); "
            f"problems: {found}; {self.elapsed:.1f} s"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "counts": dict(self.counts),
            "problems": [asdict(problem) for problem in self.problems],
            "notices": [asdict(notice) for notice in self.notices],
            "elapsed_seconds": round(self.elapsed, 3),
        }


# -- one record -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Record:
    record_id: str | None
    rec_type: str | None
    target_uri: str | None
    payload_digest: str | None
    truncated: str | None
    payload: bytes | None  # the HTTP payload as stored (response records)


def _parse(data: bytes) -> tuple[_Record | None, list[tuple[str, str]]]:
    """Parse one decompressed member: exactly one WARC record, whose block digest (and, for
    a response, payload digest) match its bytes. Returns the record and (kind, detail)s."""
    head_end = data.find(b"\r\n\r\n")
    if not data.startswith(b"WARC/") or head_end < 0:
        return None, [("corrupt", "not a WARC record")]
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data))))
        headers = record.rec_headers
        block_length = int(headers.get_header("Content-Length") or -1)
        payload = record.raw_stream.read()
    except Exception as exc:  # warcio raises many kinds on malformed input
        return None, [("corrupt", f"record does not parse: {type(exc).__name__}: {exc}")]
    problems: list[tuple[str, str]] = []
    block_start = head_end + 4
    if len(data) != block_start + block_length + 4 or not data.endswith(b"\r\n\r\n"):
        detail = f"Content-Length {block_length} does not fill the gzip member ({len(data)} bytes)"
        problems.append(("corrupt", detail))
    block = data[block_start : block_start + block_length]
    if problem := _digest_problem("block", headers.get_header("WARC-Block-Digest"), block):
        problems.append(("digest", problem))
    rec_type = headers.get_header("WARC-Type")
    payload_digest = headers.get_header("WARC-Payload-Digest")
    checked = rec_type == "response" and payload_digest is not None
    if checked and (problem := _digest_problem("payload", payload_digest, payload)):
        problems.append(("digest", problem))
    return (
        _Record(
            record_id=headers.get_header("WARC-Record-ID"),
            rec_type=rec_type,
            target_uri=headers.get_header("WARC-Target-URI"),
            payload_digest=payload_digest,
            truncated=headers.get_header("WARC-Truncated"),
            payload=payload if rec_type == "response" else None,
        ),
        problems,
    )


def _digest_problem(what: str, header: str | None, data: bytes) -> str | None:
    """None when ``header`` (``algo:value``, base32 or hex) is the digest of ``data``."""
    if header is None:
        return f"no {what} digest in the record's header"
    algorithm, _, value = header.partition(":")
    try:
        digest = hashlib.new(algorithm.strip().lower().replace("-", ""), data).digest()
    except ValueError:
        return f"{what} digest {header}: unknown algorithm"
    expected = value.strip().upper()
    if expected in (base64.b32encode(digest).decode("ascii"), digest.hex().upper()):
        return None
    actual = base64.b32encode(digest).decode("ascii")
    return f"{what} digest does not match: header {header}, bytes {algorithm}:{actual}"


def _compare(row: sqlite3.Row, record: _Record) -> tuple[list[str], list[str]]:
    """(mismatches, digest mismatches) between a captures row and the record it names."""
    mismatch: list[str] = []
    digest: list[str] = []
    if record.record_id != row["record_id"]:
        mismatch.append(f"WARC-Record-ID is {record.record_id}")
    if record.target_uri != row["url"]:
        mismatch.append(f"WARC-Target-URI is {record.target_uri!r}, captures.url {row['url']!r}")
    if record.rec_type != row["record_type"]:
        mismatch.append(f"record type is {record.rec_type}, captures says {row['record_type']}")
    if record.payload_digest is not None and record.payload_digest != row["payload_sha1"]:
        digest.append(
            f"WARC-Payload-Digest {record.payload_digest} != captures {row['payload_sha1']}"
        )
    if record.rec_type == "response" and record.payload is not None:
        payload = record.payload
        if record.payload_digest is None:
            digest.append("response record without WARC-Payload-Digest")
        if sha1_base32(payload) != row["payload_sha1"]:
            digest.append(f"payload sha1 {sha1_base32(payload)} != captures {row['payload_sha1']}")
        if hashlib.sha256(payload).hexdigest() != row["payload_sha256"]:
            digest.append("payload sha256 differs from captures.payload_sha256")
        if len(payload) != row["payload_length"]:
            mismatch.append(
                f"payload is {len(payload)} bytes, captures says {row['payload_length']}"
            )
        if record.truncated != row["truncated"]:
            mismatch.append(f"WARC-Truncated {record.truncated!r} != captures {row['truncated']!r}")
    return mismatch, digest


# -- verify -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Progress:
    """A line on stderr every ``every`` seconds (nothing for runs shorter than that)."""

    emit: Callable[[str], None] | None
    every: float
    started: float = field(default_factory=time.monotonic)
    last: float = field(default_factory=time.monotonic)

    def tick(self, counts: dict[str, int], total_bytes: int) -> None:
        now = time.monotonic()
        if self.emit is None or now - self.last < self.every:
            return
        self.last = now
        share = counts.get("bytes", 0) / total_bytes * 100 if total_bytes else 100.0
        self.emit(
            f"verify: {counts.get('files', 0)} files, {counts.get('records', 0)} records, "
            f"{counts.get('bytes', 0) / 1e6:.1f} of {total_bytes / 1e6:.1f} MB ({share:.0f}%), "
            f"{now - self.started:.0f} s"
        )


def _connect(db_path: Path) -> sqlite3.Connection:
    if not db_path.is_file():
        raise NotAnArchive(f"no such archive database: {db_path}")
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise NotAnArchive(f"{db_path} is not a readable SQLite database: {exc}") from exc
    missing = {"articles", "article_versions", "_sqlite_migrations"} - tables
    if missing:
        conn.close()
        raise NotAnArchive(
            f"{db_path} is not an archive database (no {', '.join(sorted(missing))})"
        )
    if "captures" not in tables:
        conn.close()
        raise NotAnArchive(
            f"{db_path} is from before raw captures (no captures table): nothing to verify; "
            "the next crawl upgrades it"
        )
    return conn


def verify(
    db_path: str | Path,
    *,
    progress: Callable[[str], None] | None = None,
    progress_every: float = 10.0,
) -> Report:
    """Check every capture pointer and every WARC record of an archive; read-only.

    Raises :class:`NotAnArchive` when ``db_path`` cannot be verified at all.
    """
    started = time.monotonic()
    db_path = Path(db_path)
    report = Report()
    counts = report.counts
    for key in ("captures", "fact_pointers", "files", "records", "bytes", "unfinished"):
        counts[key] = 0
    folder = archive_folder(db_path)
    with closing(_connect(db_path)) as conn:
        conn.execute("BEGIN")  # one consistent view while a crawl may commit meanwhile
        _check_fact_pointers(conn, report)
        _check_revisits(conn, report)
        pointed = {
            row[0]: row[1]
            for row in conn.execute("SELECT warc_file, count(*) FROM captures GROUP BY warc_file")
        }
        counts["captures"] = sum(pointed.values())
        running = crawl_running(db_path)
        on_disk = _files_on_disk(db_path, folder)
        total = sum(size for _, size in on_disk.values())
        ticker = _Progress(progress, progress_every)
        listed = _files_of_crawls(conn)
        for name in sorted(set(pointed) | set(listed) | set(on_disk)):
            if name not in on_disk:
                crawls = ", ".join(str(crawl) for crawl in listed.get(name, []))
                written = f"written by crawl {crawls}; " if crawls else ""
                detail = f"file not found ({written}{pointed.get(name, 0)} captures point into it)"
                report.problems.append(Problem("missing", detail, name))
                continue
            path, size = on_disk[name]
            rows = {
                row["warc_offset"]: row
                for row in conn.execute(
                    "SELECT * FROM captures WHERE warc_file = ? ORDER BY warc_offset", [name]
                )
            }
            if not rows:
                counts["unreferenced"] = counts.get("unreferenced", 0) + 1
                report.notices.append(
                    Notice("unreferenced", name, "no capture points into this file")
                )
            _check_file(name, path, size, rows, report, running, ticker, total)
        conn.rollback()
    for torn in sorted(warc_root(db_path.resolve()).rglob(f"*{TORN_SUFFIX}*")):
        report.notices.append(
            Notice(
                "torn-evidence",
                torn.relative_to(folder).as_posix(),
                "bytes of a torn record cut off a killed crawl's file (kept as evidence)",
            )
        )
    report.elapsed = time.monotonic() - started
    return report


def _files_of_crawls(conn: sqlite3.Connection) -> dict[str, list[int]]:
    """WARC file name -> the crawls whose row lists it (``crawls.warc_files``, written when
    a crawl finishes): a listed file that is gone is missing even if nothing points to it."""
    listed: dict[str, list[int]] = {}
    columns = {row[1] for row in conn.execute("PRAGMA table_info(crawls)")}
    if "warc_files" not in columns:
        return listed
    for crawl_id, text in conn.execute(
        "SELECT id, warc_files FROM crawls WHERE warc_files IS NOT NULL ORDER BY id"
    ):
        try:
            names = json.loads(text)
        except ValueError:
            continue
        for name in names if isinstance(names, list) else []:
            if isinstance(name, str):
                listed.setdefault(name, []).append(crawl_id)
    return listed


def _files_on_disk(db_path: Path, folder: Path) -> dict[str, tuple[Path, int]]:
    """Pointer name (relative to the archive folder, without .open) -> (path, size now)."""
    root = warc_root(db_path.resolve())
    found: dict[str, tuple[Path, int]] = {}
    if not root.is_dir():
        return found
    for path in sorted(root.rglob("*.warc.gz*")):
        if not (path.name.endswith(".warc.gz") or path.name.endswith(".warc.gz" + OPEN_SUFFIX)):
            continue
        name = path.relative_to(folder).as_posix().removesuffix(OPEN_SUFFIX)
        if name in found and path.name.endswith(OPEN_SUFFIX):
            continue  # both X and X.open: the closed one is what pointers mean
        found[name] = (path, path.stat().st_size)
    return found


def _check_file(
    name: str,
    path: Path,
    size: int,
    rows: dict[int, sqlite3.Row],
    report: Report,
    running: bool,
    ticker: _Progress,
    total: int,
) -> None:
    counts = report.counts
    counts["files"] += 1
    unfinished = path.name.endswith(OPEN_SUFFIX)
    if unfinished:
        counts["unfinished"] += 1
    seen: set[int] = set()
    tail: Member | None = None
    try:
        handle = _open_for_reading(path)
    except OSError as exc:
        report.problems.append(Problem("missing", f"cannot read: {exc.strerror or exc}", name))
        return
    with handle:
        for member in iter_members(handle, size):
            counts["records"] += 1
            counts["bytes"] += member.length
            ticker.tick(counts, total)
            row = rows.get(member.offset)
            record_id = row["record_id"] if row is not None else None
            if member.status == TORN:
                tail = member
                if unfinished:
                    continue  # reported with the file's notice, unless a pointer is in it
                report.problems.append(
                    Problem(
                        "torn",
                        f"the file ends inside a record ({member.length} bytes of it)",
                        name,
                        member.offset,
                        record_id,
                    )
                )
                if row is not None:
                    seen.add(member.offset)
                continue
            if member.status == CORRUPT:
                report.problems.append(
                    Problem(
                        "corrupt",
                        f"{member.error} ({member.length} bytes unreadable)",
                        name,
                        member.offset,
                        record_id,
                    )
                )
                if row is not None:
                    seen.add(member.offset)
                continue
            assert member.data is not None
            record, problems = _parse(member.data)
            record_id = record_id or (record.record_id if record else None)
            for kind, detail in problems:
                report.problems.append(Problem(kind, detail, name, member.offset, record_id))
            if row is None or record is None:
                continue
            seen.add(member.offset)
            if member.length != row["warc_length"]:
                report.problems.append(
                    Problem(
                        "mismatch",
                        f"captures.warc_length {row['warc_length']} but the record's gzip "
                        f"member is {member.length} bytes",
                        name,
                        member.offset,
                        record_id,
                    )
                )
            mismatches, digests = _compare(row, record)
            for detail in mismatches:
                report.problems.append(Problem("mismatch", detail, name, member.offset, record_id))
            for detail in digests:
                report.problems.append(Problem("digest", detail, name, member.offset, record_id))
    for offset, row in rows.items():
        if offset in seen:
            continue
        in_tail = tail is not None and offset >= tail.offset
        if in_tail:
            detail = f"points into the torn end of the file (from {tail.offset})"
        elif offset >= size:
            detail = f"points past the end of the file ({size} bytes)"
        else:
            detail = "no record starts at this offset"
        report.problems.append(
            Problem("torn" if in_tail else "mismatch", detail, name, offset, row["record_id"])
        )
    if unfinished:
        if running:
            state = "being written by the running crawl"
        else:
            state = (
                "left open by a crawl that was killed; the next crawl of this portal closes it "
                "(keeping every complete record)"
            )
        if tail is not None:
            state += f"; ends in a torn record at {tail.offset} ({tail.length} bytes)"
        report.notices.append(Notice("unfinished", name + OPEN_SUFFIX, state))


def _open_for_reading(path: Path) -> io.BufferedReader:
    try:
        return path.open("rb", buffering=1 << 20)
    except FileNotFoundError:
        if not path.name.endswith(OPEN_SUFFIX):
            raise
        # closed (renamed) by the running crawl since it was listed
        return path.with_name(path.name.removesuffix(OPEN_SUFFIX)).open("rb", buffering=1 << 20)


def _check_fact_pointers(conn: sqlite3.Connection, report: Report) -> None:
    for table in FACT_TABLES:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if "capture" not in columns:
            continue
        report.counts["fact_pointers"] += conn.execute(
            f"SELECT count(*) FROM {table} WHERE capture IS NOT NULL"
        ).fetchone()[0]
        dangling = conn.execute(
            f"SELECT t.rowid, t.capture FROM {table} t LEFT JOIN captures c "
            "ON c.record_id = t.capture WHERE t.capture IS NOT NULL AND c.record_id IS NULL"
        ).fetchall()
        for rowid, capture in dangling:
            report.problems.append(
                Problem("dangling", f"{table} row {rowid}: no such capture", record_id=capture)
            )


def _check_revisits(conn: sqlite3.Connection, report: Report) -> None:
    rows = conn.execute(
        "SELECT r.record_id, r.refers_to, r.warc_file, r.warc_offset FROM captures r "
        "LEFT JOIN captures o ON o.record_id = r.refers_to "
        "WHERE r.refers_to IS NOT NULL AND o.record_id IS NULL"
    ).fetchall()
    for record_id, refers_to, warc_file, offset in rows:
        report.problems.append(
            Problem(
                "dangling",
                f"revisit refers to {refers_to}, which is not in captures",
                warc_file,
                offset,
                record_id,
            )
        )


__all__ = [
    "FACT_TABLES",
    "Closed",
    "Member",
    "NotAnArchive",
    "Notice",
    "Problem",
    "Report",
    "close_before_crawl",
    "close_unfinished",
    "crawl_running",
    "iter_members",
    "unfinished_files",
    "verify",
]
