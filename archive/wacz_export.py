"""Export an archive's captures as a WACZ: the package ReplayWeb.page and pywb open.

``export_wacz(db, out, portals=…, since=…, until=…)`` selects the ``captures`` rows of a
time window (and portals), then writes one WARC made for the export by copying, byte for
byte, each selected record's gzip member (its ``response`` or ``revisit``) with the
``request`` and ``metadata`` records the crawl wrote right after it, plus the original
``response`` each revisit refers to even when that original is older than the window
(without it a revisit replays as nothing). Record ids, dates and digests are unchanged,
so every ``captures`` pointer and ``WARC-Refers-To`` still names the same record.

Why copy records rather than include the source WARC files whole: a window rarely matches
file boundaries, and the originals of a daily crawl's revisits sit in files of earlier runs
(up to 1 GB each, mostly other pages). Copying keeps the WACZ to what was asked for.

The package itself is made by the ``wacz`` library (``wacz create``: its CDXJ index, the
datapackage and its digest), with our own ``pages/pages.jsonl``: one page per archived
article (its URL, title, capture time), so a reader opens articles, not the counter boxes
and listings a crawl also fetched.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from warcio.warcwriter import BufferWARCWriter

from archive.errors import ArchiveError
from archive.warc_members import OK, Member, read_member
from archive.warc_store import WARC_VERSION, archive_folder, resolve

_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"  # captures.fetched_at


class ExportError(ArchiveError):
    """The export cannot be made (no captures in the window, output exists, not an archive)."""


class NoCaptures(ExportError):
    """The window holds no captures: there is nothing to export."""


@dataclass
class ExportSummary:
    """What :func:`export_wacz` wrote."""

    path: Path
    captures: int = 0  # response and revisit records of the window
    revisits: int = 0
    originals: int = 0  # older originals added for the window's revisits
    missing_originals: int = 0  # revisits whose original is not in the archive
    records: int = 0  # every WARC record in the export (warcinfo, requests, metadata too)
    pages: int = 0
    warc_bytes: int = 0
    bytes: int = 0  # the .wacz file
    seconds: float = 0.0
    since: str | None = None
    until: str | None = None

    def line(self) -> str:
        """The one summary line the command prints."""
        window = f"from {self.since or 'the start'} to before {self.until or 'now'}"
        missing = (
            f", {self.missing_originals} revisit(s) whose original is not in the archive"
            if self.missing_originals
            else ""
        )
        return (
            f"wacz {self.path}: {self.captures} captures ({self.revisits} revisits, "
            f"{self.originals} older originals added{missing}), {self.records} records, "
            f"{self.pages} pages, {self.bytes / 1e6:.2f} MB, fetched {window}, "
            f"{self.seconds:.1f} s"
        )


@dataclass(frozen=True, slots=True)
class _Capture:
    record_id: str
    url: str
    fetched_at: str
    http_status: int | None
    record_type: str
    refers_to: str | None
    warc_file: str
    warc_offset: int
    warc_length: int


@dataclass
class _Selection:
    window: list[_Capture] = field(default_factory=list)
    originals: list[_Capture] = field(default_factory=list)
    missing: int = 0


def bound(day: date | datetime | str | None, *, end: bool = False) -> str | None:
    """A window bound as a ``fetched_at`` string: a date means the whole day (UTC); an end
    date is inclusive (the bound is the next day's start)."""
    if day is None or isinstance(day, str):
        return day
    if isinstance(day, datetime):
        return day.astimezone(UTC).strftime(_STAMP)
    return (day + timedelta(days=1) if end else day).isoformat()


def export_wacz(
    db_path: str | Path,
    out: str | Path,
    *,
    portals: Iterable[str] = (),
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    force: bool = False,
    warc_folder: str | Path | None = None,
    title: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportSummary:
    """Write the captures fetched in ``[since, until)`` (of ``portals``; all when empty) as
    a WACZ at ``out``. Dates are whole UTC days, ``until`` inclusive; datetimes are exact.

    ``warc_folder``: where the pointers' files are (default: the database's folder; a
    snapshot copy exports from its source's files). Raises :class:`ExportError`.
    """
    clock = time.perf_counter()
    db_path, out = Path(db_path), Path(out)
    since_s, until_s = bound(since), bound(until, end=True)
    if out.exists() and not force:
        raise ExportError(f"{out} already exists; add --force to replace it")
    if out.exists() and not out.is_file():
        raise ExportError(f"{out} is not a file")
    folder = Path(warc_folder) if warc_folder is not None else archive_folder(db_path)
    portals = tuple(portals)
    selection = _select(db_path, portals, since_s, until_s)
    if not selection.window:
        which = f" of {', '.join(portals)}" if portals else ""
        raise NoCaptures(
            f"no captures{which} in {db_path} between {since_s or 'the start'} and "
            f"{until_s or 'now'}: nothing to export"
        )
    pages = _pages(db_path, selection, portals)
    summary = ExportSummary(
        out,
        captures=len(selection.window),
        revisits=sum(1 for c in selection.window if c.record_type == "revisit"),
        originals=len(selection.originals),
        missing_originals=selection.missing,
        pages=len(pages),
        since=since_s,
        until=until_s,
    )
    say = progress or (lambda _line: None)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".wacz-export-", dir=out.parent) as work:
            work_dir = Path(work)
            warc = work_dir / f"{out.stem}.warc.gz"
            info = {
                "software": "portal-archive export-wacz",
                "format": "WARC File Format 1.1",
                "description": (
                    f"captures of {', '.join(portals) or 'every portal'} fetched "
                    f"{since_s or 'from the start'} until {until_s or 'now'}, copied "
                    "unchanged from the archive's WARC files, with the originals their "
                    "revisits refer to"
                ),
            }
            summary.records = _write_warc(
                warc, folder, [*selection.originals, *selection.window], info, say
            )
            summary.warc_bytes = warc.stat().st_size
            pages_file = work_dir / "pages.jsonl"
            _write_pages(pages_file, pages)
            say(f"packaging {summary.records} records and {len(pages)} pages")
            partial = work_dir / "export.wacz"
            _create_wacz(partial, warc, pages_file, title or _title(portals))
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, out)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    summary.bytes = out.stat().st_size
    summary.seconds = time.perf_counter() - clock
    return summary


# -- selection ------------------------------------------------------------------------------


def _connect(db_path: Path) -> sqlite3.Connection:
    if not db_path.is_file():
        raise ExportError(f"archive database not found: {db_path}")
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise ExportError(f"{db_path} is not a readable SQLite database: {exc}") from exc
    if "captures" not in tables or "articles" not in tables:
        conn.close()
        raise ExportError(
            f"{db_path} is not an archive with captures (no captures table: not an archive "
            "database, or one from before raw capture)"
        )
    return conn


_COLUMNS = (
    "record_id, url, fetched_at, http_status, record_type, refers_to, warc_file, "
    "warc_offset, warc_length"
)


def _select(
    db_path: Path, portals: tuple[str, ...], since: str | None, until: str | None
) -> _Selection:
    where, params = ["1 = 1"], []
    if portals:
        where.append(f"portal IN ({', '.join('?' * len(portals))})")
        params.extend(portals)
    if since:
        where.append("fetched_at >= ?")
        params.append(since)
    if until:
        where.append("fetched_at < ?")
        params.append(until)
    with contextlib.closing(_connect(db_path)) as conn:
        window = [
            _Capture(*row)
            for row in conn.execute(
                f"SELECT {_COLUMNS} FROM captures WHERE {' AND '.join(where)} "
                "ORDER BY fetched_at, record_id",
                params,
            )
        ]
        chosen = {c.record_id for c in window}
        wanted = sorted({c.refers_to for c in window if c.refers_to} - chosen)
        originals: list[_Capture] = []
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            originals.extend(
                _Capture(*row)
                for row in conn.execute(
                    f"SELECT {_COLUMNS} FROM captures WHERE record_id IN "
                    f"({', '.join('?' * len(part))})",
                    part,
                )
            )
    originals.sort(key=lambda c: (c.fetched_at, c.record_id))
    return _Selection(window, originals, len(wanted) - len(originals))


def _pages(db_path: Path, selection: _Selection, portals: tuple[str, ...]) -> list[dict[str, Any]]:
    """One page per article with a capture in the window: the newest capture there that the
    article was read from, else its URL's newest 2xx capture or identical-payload revisit
    there (URL as captured), with the article's title and that capture's time. A 304
    (server-not-modified revisit) stands for its original, which the export includes:
    replay tools (pywb) replay the 304 itself as an empty answer."""
    originals = {c.record_id: c for c in (*selection.window, *selection.originals)}
    by_url: dict[str, _Capture] = {}
    for capture in selection.window:  # ordered by fetched_at: the newest wins
        if capture.http_status == 304:
            original = originals.get(capture.refers_to or "")
            if original is not None:
                by_url[capture.url] = original
        elif capture.record_type == "revisit" or (
            capture.http_status is not None and 200 <= capture.http_status < 300
        ):
            by_url[capture.url] = capture
    where, params = "", []
    if portals:
        where = f"WHERE a.portal IN ({', '.join('?' * len(portals))})"
        params = list(portals)
    in_window = {c.record_id: c for c in selection.window}
    pages = []
    with contextlib.closing(_connect(db_path)) as conn:
        # The captures each article was read from (its versions, its current fields).
        read_from: dict[int, list[str]] = {}
        for article_id, record_id in conn.execute(
            "SELECT article_id, capture FROM article_versions WHERE capture IS NOT NULL "
            "AND change_kind != 'removal' "
            "UNION SELECT id, capture FROM articles WHERE capture IS NOT NULL"
        ):
            read_from.setdefault(article_id, []).append(record_id)
        # The answers that recorded a removal (404, redirect, soft 404) are not the article.
        removals = {
            record_id
            for (record_id,) in conn.execute(
                "SELECT capture FROM article_versions WHERE change_kind = 'removal'"
            )
        }
        by_url = {url: c for url, c in by_url.items() if c.record_id not in removals}
        rows = conn.execute(
            "SELECT a.id, a.portal, a.url, a.title, c.url FROM articles a "
            f"LEFT JOIN captures c ON c.record_id = a.capture {where} ORDER BY a.id",
            params,
        ).fetchall()
        for article_id, portal, url, title, captured_url in rows:
            # First the newest capture of the window the article was read from (not the
            # soft-404 page a removed article's URL answers later), else the URL's newest.
            own = [in_window[r] for r in read_from.get(article_id, ()) if r in in_window]
            capture = max(own, key=lambda c: c.fetched_at) if own else None
            capture = capture or by_url.get(url) or by_url.get(captured_url or "")
            if capture is None:
                continue
            pages.append(
                {
                    "id": f"{portal}-{article_id}",
                    "url": capture.url,
                    "ts": capture.fetched_at,
                    "title": title or capture.url,
                }
            )
    return pages


# -- writing --------------------------------------------------------------------------------


def _write_warc(
    path: Path,
    folder: Path,
    captures: list[_Capture],
    info: dict[str, str],
    say: Callable[[str], None],
) -> int:
    """The export WARC: a warcinfo record, then each capture's records copied as stored."""
    writer = BufferWARCWriter(gzip=True, warc_version=WARC_VERSION)
    writer.write_record(writer.create_warcinfo_record(path.name, info))
    records = 1
    done: set[str] = set()
    ordered = sorted(captures, key=lambda c: (c.warc_file, c.warc_offset))
    with path.open("wb") as out:
        out.write(writer.get_contents())
        handles: dict[str, Any] = {}
        try:
            for number, capture in enumerate(ordered, 1):
                if capture.record_id in done:
                    continue
                done.add(capture.record_id)
                handle = handles.get(capture.warc_file)
                if handle is None:
                    for old in handles.values():
                        old.close()
                    handles.clear()
                    try:
                        handle = resolve(folder, capture.warc_file).open("rb")
                    except (OSError, ValueError) as exc:
                        raise ExportError(
                            f"capture {capture.record_id}: cannot open {capture.warc_file}: {exc}"
                        ) from exc
                    handles[capture.warc_file] = handle
                records += _copy_exchange(handle, out, capture)
                if number % 1000 == 0 or number == len(ordered):
                    say(f"copied {number}/{len(ordered)} captures")
        finally:
            for handle in handles.values():
                handle.close()
        out.flush()
        os.fsync(out.fileno())
    return records


def _copy_exchange(handle: Any, out: Any, capture: _Capture) -> int:
    """Copy the capture's record and the request/metadata records written right after it
    (they name it in WARC-Concurrent-To / WARC-Refers-To). Returns the records copied."""
    end = os.fstat(handle.fileno()).st_size
    own = read_member(
        handle, capture.warc_offset, min(end, capture.warc_offset + capture.warc_length)
    )
    if own.status != OK or own.length != capture.warc_length:
        raise ExportError(
            f"capture {capture.record_id}: {capture.warc_file} at {capture.warc_offset} is "
            "not one complete record (run `portal-archive verify`)"
        )
    _copy_bytes(handle, out, own)
    copied = 1
    position = capture.warc_offset + capture.warc_length
    for _ in range(2):  # the request, then the metadata record
        member = read_member(handle, position, end) if position < end else None
        if member is None or member.status != OK or member.data is None:
            break
        headers = _record_headers(member.data)
        related = {headers.get("warc-concurrent-to"), headers.get("warc-refers-to")}
        if headers.get("warc-type") not in ("request", "metadata"):
            break
        if capture.record_id not in related:
            break
        _copy_bytes(handle, out, member)
        copied += 1
        position += member.length
    return copied


def _copy_bytes(handle: Any, out: Any, member: Member) -> None:
    """The member's bytes as stored (not re-compressed: digests and offsets stay valid)."""
    handle.seek(member.offset)
    out.write(handle.read(member.length))


def _record_headers(record: bytes) -> dict[str, str]:
    """The WARC header fields of one decompressed record (lower-case names)."""
    head = record.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    fields = {}
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return fields


def _write_pages(path: Path, pages: list[dict[str, Any]]) -> None:
    header = {"format": "json-pages-1.0", "id": "pages", "title": "Bài viết lưu trữ"}
    with path.open("w", encoding="utf-8") as handle:
        for entry in (header, *pages):
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _title(portals: tuple[str, ...]) -> str:
    return f"portal-archive: {', '.join(portals) or 'mọi cổng'}"


def _create_wacz(out: Path, warc: Path, pages: Path, title: str) -> None:
    """``wacz create`` with our pages.jsonl copied as is; its chatter is not shown."""
    from wacz.main import main as wacz_main

    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        status = wacz_main(
            [
                "create",
                "-o",
                str(out),
                "--pages",
                str(pages),
                "--copy-pages",
                "--title",
                title,
                str(warc),
            ]
        )
    if status != 0 or not out.is_file():
        raise ExportError(f"wacz create failed: {chatter.getvalue().strip()[-500:]}")


def validate_wacz(path: str | Path) -> tuple[bool, str]:
    """The ``wacz validate`` verdict on ``path`` and what it printed."""
    from wacz.main import main as wacz_main

    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        status = wacz_main(["validate", "-f", str(path)])
    return status == 0, chatter.getvalue()


def iter_pages(path: str | Path) -> Iterator[dict[str, Any]]:
    """The page entries of a WACZ's ``pages/pages.jsonl`` (without its header line)."""
    import zipfile

    with zipfile.ZipFile(path) as package, package.open("pages/pages.jsonl") as handle:
        for line in io.TextIOWrapper(handle, encoding="utf-8"):
            entry = json.loads(line)
            if "format" not in entry:
                yield entry


__all__ = [
    "ExportError",
    "ExportSummary",
    "NoCaptures",
    "bound",
    "export_wacz",
    "iter_pages",
    "validate_wacz",
]
