"""Re-extraction: today's extractor over the stored captures of archived articles.

The archive keeps every page as received (WARC, :mod:`archive.warc_store`), so a better
extractor can read again what an older one missed, with no network. This module is the
storage side of ``portal-archive reextract``: it picks, per article, the newest capture that
holds a body, hands its bytes to an extraction function it is given (the crawl's own
``extract_page`` call, wired in ``portal_spider/cli.py``: storage never imports the
crawler), compares with what is stored and writes only what changed, through
:meth:`archive.writer.ArchiveWriter.add_reextraction` (changed content is an ``extractor``
version, never an ``edit``; a flagged article read at last a ``first`` one). Versions it
writes point to their ``reextract_runs`` row (migration 0008), created only when a run has
something to write: a run that finds nothing changed leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archive.content_encoding import PayloadUndecodable, decode
from archive.records import article_content, content_hash, provenance
from archive.schema import open_archive
from archive.timestamps import utc_now
from archive.warc_store import archive_folder, read_record_bytes
from archive.writer import ArchiveWriter

#: Never inflate a stored payload past this (the crawl's DOWNLOAD_MAXSIZE: a gzip bomb the
#: crawl stopped is stored truncated and skipped; this guards any other).
MAX_BODY = 16 * 1024 * 1024
#: Problems named in the summary (an archive crawled with --no-warc misses a capture per
#: article: the count says it, a list of all would not help).
MAX_PROBLEMS = 100
OUTCOMES = (
    "changed",  # content differs: an ``extractor`` version
    "recovered",  # flagged extraction_failed, readable now: a ``first`` version
    "still_failing",  # flagged, and today's extractor cannot read it either
    "unchanged",  # same content (provenance may move, as in a crawl)
    "unreadable",  # read before, today's extractor cannot read this capture: kept as is
    # (an extractor exception counts as a failed read: unreadable or still_failing, named
    # in Summary.problems, nothing written)
    "not_article",  # today's extractor says the capture is not an article: nothing written
    "missing",  # no capture with a body, or its record cannot be read
)


@dataclass(frozen=True)
class Page:
    """A stored response as the extractor needs it (what the crawl's ``Response`` gave)."""

    url: str  # where it was fetched (the capture's target URI)
    body: bytes  # the payload with its Content-Encoding undone
    content_type: str | None
    fetched_at: str  # the capture's time (the crawl's received_at)
    capture: str  # captures.record_id of the response or revisit read
    http_status: int
    http_headers: list[tuple[str, str]]


#: Page -> the record dict the crawl would store (``PageRecord.to_dict()``).
Extract = Callable[[Page], dict[str, Any]]


class CaptureUnreadable(Exception):
    """A capture pointer whose record cannot be read back (missing file, damage)."""


@dataclass
class Summary:
    """Counts of one run (``pages``: captures read and extracted)."""

    pages: int = 0
    changed: int = 0
    recovered: int = 0
    still_failing: int = 0
    unchanged: int = 0
    unreadable: int = 0
    not_article: int = 0
    missing: int = 0
    elapsed: float = 0.0
    run_id: int | None = None
    dry_run: bool = False
    problems: list[str] = field(default_factory=list)  # missing captures, extractor errors

    def note(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.elapsed if self.elapsed > 0 else 0.0

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in ("pages", *OUTCOMES)}

    def line(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        return (
            f"reextract: {self.pages} pages read, {self.changed} {verb}, "
            f"{self.recovered} recovered, {self.still_failing} still failing, "
            f"{self.unchanged} unchanged, {self.unreadable} unreadable now, "
            f"{self.not_article} not articles, {self.missing} missing captures; "
            f"{self.elapsed:.1f} s, {self.pages_per_second:.0f} pages/s"
            + (f" (run {self.run_id})" if self.run_id is not None else "")
        )


@dataclass(frozen=True)
class Change:
    """One article whose stored state a run changes (or would, in a dry run)."""

    url: str
    outcome: str  # an OUTCOMES entry
    capture: str | None
    detail: str = ""  # the new title, or why nothing could be read


@dataclass(frozen=True)
class _Article:
    id: int
    url: str
    portal: str
    content_hash: str | None
    extraction_failed: str | None
    extractor_version: str | None
    field_sources: str | None
    capture: str | None
    removed_at: str | None


_ARTICLE_COLUMNS = (
    "id, url, portal, content_hash, extraction_failed, extractor_version, field_sources, "
    "capture, removed_at"
)
# The newest capture of the article holding a body: its URL's captures, and any capture a
# content version or the article row points to (a canonical variant of the URL); never the
# evidence of a removal, nor anything fetched after the removal of a removed article.
_NEWEST_CAPTURE = """SELECT record_id, url, fetched_at, http_status, record_type, refers_to,
  warc_file, warc_offset, warc_length, payload_sha256
FROM captures
WHERE (url = :url OR record_id = :capture OR record_id IN (
    SELECT capture FROM article_versions WHERE article_id = :id AND tombstone = 0))
  AND http_status BETWEEN 200 AND 299 AND truncated IS NULL
  AND record_id NOT IN (SELECT capture FROM article_versions
    WHERE article_id = :id AND tombstone = 1 AND capture IS NOT NULL)
  AND (:removed_at IS NULL OR fetched_at < :removed_at)
ORDER BY fetched_at DESC, rowid DESC LIMIT 1"""
_ORIGINAL = """SELECT record_id, url, fetched_at, http_status, record_type, refers_to,
  warc_file, warc_offset, warc_length, payload_sha256
FROM captures WHERE record_id = ?"""


def reextract(
    db_path: str | Path,
    extract: Extract,
    *,
    extractor_version: str,
    portals: Sequence[str] | None = None,
    captured_since: str | None = None,
    dry_run: bool = False,
    on_change: Callable[[Change], None] | None = None,
    on_progress: Callable[[Summary, int], None] | None = None,
    progress_seconds: float = 5.0,
) -> Summary:
    """Read every selected article's newest capture again with ``extract``; write what
    changed (nothing with ``dry_run``). The caller holds the archive lock.

    ``portals``: slugs (None: all); ``captured_since``: ``YYYY-MM-DD``, only articles whose
    newest capture was fetched that day or later. ``on_change`` hears of every article whose
    stored state changes (or would); ``on_progress(summary, total)`` is called at most every
    ``progress_seconds``.
    """
    started, clock = utc_now(), time.monotonic()
    summary = Summary(dry_run=dry_run)
    db = _open_read_only(db_path) if dry_run else open_archive(db_path)
    writer: ArchiveWriter | None = None
    folder = archive_folder(db_path)
    last_report = clock
    try:
        articles = _articles(db, portals)
        for article in articles:
            read = _read_newest(db, folder, article, captured_since)
            if read is None:
                continue  # captured before --captured-since
            if isinstance(read, str):
                summary.missing += 1
                summary.note(f"missing capture: {article.url}: {read}")
            else:
                summary.pages += 1
                try:
                    record = extract(read)
                except Exception as exc:  # one hostile capture must not end a long run
                    record = {"kind": "article", "extraction_failed": "extractor_error"}
                    summary.note(f"extractor error: {article.url}: {type(exc).__name__}: {exc}")
                outcome, writes = _classify(article, record, read.capture)
                writes = writes and record.get("extraction_failed") != "extractor_error"
                setattr(summary, outcome, getattr(summary, outcome) + 1)
                if outcome in ("changed", "recovered") and on_change is not None:
                    on_change(Change(article.url, outcome, read.capture, record.get("title") or ""))
                if writes and not dry_run:
                    if writer is None:
                        writer = ArchiveWriter(db_path)
                        summary.run_id = _start_run(
                            writer.db, started, extractor_version, portals, captured_since
                        )
                    writer.add_reextraction(
                        {**record, "url": article.url},
                        portal=article.portal,
                        fetched_at=read.fetched_at,
                        run_id=summary.run_id,
                        capture=read.capture,
                        http_status=read.http_status,
                        http_headers=dict(read.http_headers),
                    )
            now = time.monotonic()
            if on_progress is not None and now - last_report >= progress_seconds:
                last_report = now
                summary.elapsed = now - clock
                on_progress(summary, len(articles))
        if writer is not None:
            writer.flush()
        summary.elapsed = time.monotonic() - clock
        if writer is not None:
            _finish_run(writer.db, summary, "ok")
    except BaseException:
        if writer is not None and summary.run_id is not None:
            writer.abandon()  # what was flushed stays, and the run says it failed
            writer = None
            _mark_failed(db_path, summary)
        raise
    finally:
        if writer is not None:
            writer.close()
        db.close()
    return summary


def read_page(db: sqlite_utils.Database, folder: Path, capture: str) -> Page:
    """The stored response ``capture`` (a revisit: with the payload of its original), its
    Content-Encoding undone. Raises :class:`CaptureUnreadable`."""
    row = db.execute(_ORIGINAL, [capture]).fetchone()
    if row is None:
        raise CaptureUnreadable(f"no capture {capture}")
    return _page(db, folder, dict(zip(_CAPTURE_FIELDS, row, strict=True)))


_CAPTURE_FIELDS = (
    "record_id",
    "url",
    "fetched_at",
    "http_status",
    "record_type",
    "refers_to",
    "warc_file",
    "warc_offset",
    "warc_length",
    "payload_sha256",
)


def _articles(db: sqlite_utils.Database, portals: Sequence[str] | None) -> list[_Article]:
    where, params = "", []
    if portals:
        where = f"WHERE portal IN ({', '.join('?' * len(portals))})"
        params = list(portals)
    rows = db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles {where} ORDER BY id", params)
    return [_Article(*row) for row in rows.fetchall()]


def _read_newest(
    db: sqlite_utils.Database, folder: Path, article: _Article, since: str | None
) -> Page | str | None:
    """The page to read again; a reason string when there is none; None when it was
    captured before ``since``."""
    try:
        row = db.execute(_NEWEST_CAPTURE, asdict(article)).fetchone()
    except sqlite3.OperationalError as exc:  # an archive from before captures (0007)
        if "no such table" in str(exc):
            return "no captures in this archive"
        raise
    if row is None:
        return "no stored capture with a body"
    capture = dict(zip(_CAPTURE_FIELDS, row, strict=True))
    if since and capture["fetched_at"][:10] < since:
        return None
    try:
        return _page(db, folder, capture)
    except CaptureUnreadable as exc:
        return str(exc)


def _page(db: sqlite_utils.Database, folder: Path, capture: dict[str, Any]) -> Page:
    """Headers (status, Content-Type) from the capture itself; the body from the record
    holding the payload (the original of a revisit)."""
    holder = capture
    if capture["record_type"] == "revisit":
        found = db.execute(_ORIGINAL, [capture["refers_to"]]).fetchone()
        if capture["refers_to"] is None or found is None:
            raise CaptureUnreadable(f"revisit {capture['record_id']} refers to no stored capture")
        holder = dict(zip(_CAPTURE_FIELDS, found, strict=True))
        if holder["record_type"] != "response":
            raise CaptureUnreadable(f"revisit {capture['record_id']} refers to another revisit")
    headers, _ = _record(folder, capture, with_payload=False)
    holder_headers, payload = _record(folder, holder, with_payload=True)
    body = _decoded(payload, _header(holder_headers, "Content-Encoding"), capture["record_id"])
    return Page(
        url=capture["url"],
        body=body,
        content_type=_header(headers, "Content-Type"),
        fetched_at=capture["fetched_at"],
        capture=capture["record_id"],
        http_status=int(capture["http_status"]),
        http_headers=headers,
    )


def _record(
    folder: Path, capture: dict[str, Any], *, with_payload: bool
) -> tuple[list[tuple[str, str]], bytes]:
    """HTTP headers and payload (as received) of one stored record, its digest checked."""
    try:
        data = read_record_bytes(
            folder, capture["warc_file"], capture["warc_offset"], capture["warc_length"]
        )
        record = next(iter(ArchiveIterator(io.BytesIO(data))))
        headers = list(record.http_headers.headers) if record.http_headers else []
        payload = record.raw_stream.read() if with_payload else b""
    except (OSError, ValueError, StopIteration, EOFError) as exc:
        raise CaptureUnreadable(f"capture {capture['record_id']}: {exc}") from exc
    if with_payload and hashlib.sha256(payload).hexdigest() != capture["payload_sha256"]:
        raise CaptureUnreadable(
            f"capture {capture['record_id']}: payload does not match its sha256"
        )
    return headers, payload


def _decoded(payload: bytes, encoding: str | None, record_id: str) -> bytes:
    """Undo Content-Encoding as HTTP says (archive/content_encoding.py, as the site's
    capture view does), the problem named with the record."""
    try:
        return decode(payload, encoding, limit=MAX_BODY)
    except PayloadUndecodable as exc:
        raise CaptureUnreadable(f"capture {record_id}: {exc}") from exc


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers if k.lower() == lowered), None)


def _classify(article: _Article, record: dict[str, Any], capture: str) -> tuple[str, bool]:
    """The outcome, and whether the writer has anything to write: content compared by hash
    as the writer does; provenance and the capture pointer move as they do in a crawl."""
    if record.get("kind", "article") != "article":
        return "not_article", False
    origin = provenance(record)
    sources = origin["field_sources"]
    moved = capture != article.capture or (
        origin["extractor_version"] is not None
        and (
            origin["extractor_version"] != article.extractor_version
            or (json.dumps(sources, ensure_ascii=False) if sources else None)
            != article.field_sources
        )
    )
    if origin["extraction_failed"] is not None:
        if article.extraction_failed is None:
            return "unreadable", False  # a failed read changes nothing read before
        return "still_failing", moved or origin["extraction_failed"] != article.extraction_failed
    if article.extraction_failed is not None:
        return "recovered", True
    if content_hash(article_content(record)) != article.content_hash:
        return "changed", True
    return "unchanged", moved


def _open_read_only(db_path: str | Path) -> sqlite_utils.Database:
    """A dry run must not even migrate: the archive opened read-only, as it is."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"no archive at {path}")
    return sqlite_utils.Database(sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True))


def _start_run(
    db: sqlite_utils.Database,
    started: str,
    extractor_version: str,
    portals: Sequence[str] | None,
    captured_since: str | None,
) -> int:
    options = {"portals": list(portals) if portals else None, "captured_since": captured_since}
    row = {
        "started_at": started,
        "status": "running",
        "extractor_version": extractor_version,
        "options": json.dumps(options, sort_keys=True),
    }
    with db.conn:
        return int(db["reextract_runs"].insert(row).last_pk)


def _finish_run(db: sqlite_utils.Database, summary: Summary, status: str) -> None:
    with db.conn:
        db["reextract_runs"].update(
            summary.run_id, {"finished_at": utc_now(), "status": status, **summary.counts()}
        )


def _mark_failed(db_path: str | Path, summary: Summary) -> None:
    """A run cut short (an error, Ctrl-C): its row says so; what it flushed stays."""
    try:
        db = open_archive(db_path)
    except Exception:  # the original error matters more
        return
    try:
        _finish_run(db, summary, "failed")
    except sqlite3.Error:
        pass
    finally:
        db.close()
