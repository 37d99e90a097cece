"""Showing one raw capture on the archive site (pure: no Datasette, no SQL).

A capture is a ``captures`` row (archive/schema.py 0007) pointing at one gzip member of a
WARC file. This module finds that file (:func:`capture_folders`, :func:`locate`), reads and
checks the record (:func:`read_capture`), decodes its payload the way HTTP says
(:func:`decode_payload`: Content-Encoding, then the charset) and shapes what the pages show
(:func:`summary`). The site plugin is ``archive/site/plugins/archive_captures.py``.

Where the WARC files are: pointers are relative to the folder of the database that was
crawled. A snapshot (archive/snapshot.py) is a copy of the database in another folder, so
the site looks, in order, in the folder given with ``serve --captures DIR`` (only there when
given), else in the served database's own folder (a WARC folder shipped beside it), then in
the folder of the database the snapshot was taken from (its manifest's ``source``).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from w3lib.encoding import html_to_unicode
from warcio.archiveiterator import ArchiveIterator

from archive.content_encoding import PayloadUndecodable as PayloadUndecodable  # re-exported
from archive.content_encoding import decode
from archive.snapshot import SnapshotError, read_manifest
from archive.warc_store import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED, read_record_bytes, resolve

#: Environment variable ``portal-archive serve --captures DIR`` sets (the plugin reads it).
CAPTURES_ENV = "PORTAL_ARCHIVE_CAPTURES"
#: Datasette plugin name: ``plugins.archive_captures.directory`` in metadata overrides the env.
CAPTURES_PLUGIN = "archive_captures"
#: What the captured page may do when shown: nothing (no script, form, plugin, navigation of
#: the top, same-origin access), and load nothing (``sandbox`` alone still loads images/CSS).
SANDBOX_CSP = "sandbox; default-src 'none'"
#: Headers of every response of the view route.
SANDBOX_HEADERS = {
    "content-security-policy": SANDBOX_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "SAMEORIGIN",
    "cache-control": "private, max-age=600",
}
#: Decoded payloads larger than this are offered as download only (gzip bombs).
MAX_DECODED = 32 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
VIETNAM = timezone(timedelta(hours=7))
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_RECORD_ID = re.compile(r"<urn:uuid:([0-9a-f-]{36})>")
_DOCTYPE = re.compile(r"\A(\ufeff?\s*<!doctype[^>]*>)", re.IGNORECASE)
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class CaptureUnavailable(Exception):
    """The capture's WARC file is not on this server (or its pointer leaves the folder)."""


class CaptureDamaged(Exception):
    """The bytes at the pointer are not the record the database names (torn, overwritten)."""


def is_uuid(text: str) -> bool:
    """Strict: 36 lower-case hex characters in uuid groups, nothing else."""
    return _UUID.fullmatch(text) is not None


def record_id(uuid: str) -> str:
    """The ``WARC-Record-ID`` of a capture id as the URLs carry it."""
    return f"<urn:uuid:{uuid}>"


def uuid_of(record: str | None) -> str | None:
    """The uuid part of ``<urn:uuid:…>``, None for anything else."""
    match = _RECORD_ID.fullmatch(record or "")
    return match.group(1) if match and is_uuid(match.group(1)) else None


def vietnam_time(value: str | None) -> str:
    """``2026-12-07T11:05:03.123456Z`` -> ``07/12/2026 18:05:03 (giờ Việt Nam)``."""
    moment = _utc(value)
    if moment is None:
        return value or ""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S") + " (giờ Việt Nam)"


def utc_title(value: str | None) -> str:
    """The same moment in UTC, for a tooltip: ``2026-12-07 11:05:03 UTC``."""
    moment = _utc(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else (value or "")


def _utc(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


# -- where the files are ---------------------------------------------------------------------


def configured_folder(plugin_config: dict[str, Any] | None) -> Path | None:
    """``plugins.archive_captures.directory``, else ``PORTAL_ARCHIVE_CAPTURES``, else None."""
    directory = (plugin_config or {}).get("directory") or os.environ.get(CAPTURES_ENV)
    return Path(directory) if directory else None


def capture_folders(db_path: str | Path, configured: Path | None = None) -> list[Path]:
    """Folders a pointer of ``db_path`` may be relative to, in the order they are tried."""
    if configured is not None:
        return [configured]
    db_path = Path(db_path).resolve()
    folders = [db_path.parent]
    if (source := snapshot_source(db_path)) is not None:
        folders.append(source.parent)
    return list(dict.fromkeys(folders))


def snapshot_source(db_path: Path) -> Path | None:
    """The database ``db_path`` is a snapshot of, from the manifest beside it (else None)."""
    try:
        manifest = read_manifest(db_path.parent)
    except SnapshotError:
        return None
    for entry in manifest["snapshots"]:
        if isinstance(entry, dict) and entry.get("file") == db_path.name:
            source = entry.get("source")
            return Path(source) if isinstance(source, str) and source else None
    return None


def locate(folders: Iterable[Path], warc_file: str) -> Path:
    """The first folder holding the pointer's file (or its ``.open`` twin)."""
    for folder in folders:
        try:
            if resolve(folder, warc_file).is_file():
                return folder
        except ValueError as exc:  # absolute or ``..``: never looked up anywhere
            raise CaptureUnavailable(str(exc)) from exc
    raise CaptureUnavailable(f"{warc_file} is not on this server")


# -- reading a record ------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One WARC response/revisit record as stored: headers and the payload as received."""

    record_id: str
    record_type: str
    http_status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.http_headers if k.lower() == name), None)


def read_capture(folders: Iterable[Path], row: dict[str, Any]) -> bytes:
    """The stored bytes of the capture ``row`` (one gzip member), checked to be that record."""
    folder = locate(folders, row["warc_file"])
    try:
        data = read_record_bytes(folder, row["warc_file"], row["warc_offset"], row["warc_length"])
    except FileNotFoundError as exc:  # removed between locate and open
        raise CaptureUnavailable(str(exc)) from exc
    except (OSError, ValueError) as exc:
        raise CaptureDamaged(str(exc)) from exc
    record = parse_record(data)
    if record.record_id != row["record_id"]:
        raise CaptureDamaged(
            f"the bytes at {row['warc_file']}:{row['warc_offset']} are record "
            f"{record.record_id}, not {row['record_id']}"
        )
    return data


def parse_record(data: bytes) -> Record:
    """The first record of ``data`` (the whole payload is read: records are bounded)."""
    try:
        for item in ArchiveIterator(io.BytesIO(data)):
            http = item.http_headers
            status = http.get_statuscode() if http is not None else None
            return Record(
                record_id=item.rec_headers.get_header("WARC-Record-ID") or "",
                record_type=item.rec_type,
                http_status=int(status) if status and str(status).isdigit() else None,
                http_headers=list(http.headers) if http is not None else [],
                payload=item.raw_stream.read(),
            )
    except Exception as exc:  # warcio raises assorted errors on garbage
        raise CaptureDamaged(f"not a WARC record: {exc}") from exc
    raise CaptureDamaged("no WARC record in the stored bytes")


# -- decoding the payload --------------------------------------------------------------------


def decode_payload(payload: bytes, content_encoding: str | None) -> bytes:
    """Undo ``Content-Encoding`` (archive/content_encoding.py), at most :data:`MAX_DECODED`.

    A truncated capture's stream ends early: what decodes is returned, not an error.
    """
    return decode(payload, content_encoding, limit=MAX_DECODED)


def is_html(content_type: str | None, body: bytes) -> bool:
    """HTML by its Content-Type; without one, by how the body starts."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime:
        return mime in HTML_TYPES
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def html_text(body: bytes, content_type: str | None) -> str:
    """The page as text: the HTTP charset, else the page's own declaration, else a guess."""
    _, text = html_to_unicode(content_type, body)
    return text


def with_notice(page: str, notice: str) -> str:
    """``notice`` (our own HTML) placed at the top of the page, after a doctype if any."""
    match = _DOCTYPE.match(page)
    at = match.end() if match else 0
    return page[:at] + notice + page[at:]


# -- what the pages show ---------------------------------------------------------------------

RECORD_TYPES = {
    "response": ("bản lưu đầy đủ (response)", "full response record"),
    PROFILE_IDENTICAL: (
        "bản lưu lặp lại (revisit): nội dung giống hệt một bản lưu trước",
        "revisit: identical payload to an earlier capture",
    ),
    PROFILE_NOT_MODIFIED: (
        "bản lưu lặp lại (revisit): máy chủ trả lời 304 Not Modified",
        "revisit: the server answered 304 Not Modified",
    ),
}
TRUNCATED = {
    "length": ("bị cắt: trang vượt giới hạn dung lượng", "truncated at the size limit"),
    "unspecified": (
        "bị cắt: nội dung không phải loại trang được yêu cầu",
        "truncated: not the kind of content asked for",
    ),
}


@dataclass(frozen=True)
class CaptureSummary:
    """One capture as a page or the article page shows it: text and our own paths only."""

    record_id: str
    uuid: str
    url: str
    fetched_at: str
    fetched: str
    fetched_utc: str
    http_status: int | None
    content_type: str | None
    record_type: str
    kind: tuple[str, str]
    refers_to: str | None
    payload_sha1: str | None
    payload_sha256: str | None
    payload_length: int | None
    truncated: tuple[str, str] | None
    warc_file: str
    warc_offset: int
    warc_length: int
    page: str
    view: str
    download: str

    @property
    def size(self) -> str:
        return readable_size(self.payload_length)


def summary(row: dict[str, Any], base: str) -> CaptureSummary | None:
    """The capture ``row`` with the paths of its pages under ``base`` (``…/-/captures/``)."""
    uuid = uuid_of(row.get("record_id"))
    if uuid is None:
        return None
    record_type = row.get("record_type") or ""
    kind_key = row.get("revisit_profile") if record_type == "revisit" else record_type
    kind = RECORD_TYPES.get(kind_key or "", (record_type, record_type))
    truncated = row.get("truncated")
    return CaptureSummary(
        record_id=row["record_id"],
        uuid=uuid,
        url=row.get("url") or "",
        fetched_at=row.get("fetched_at") or "",
        fetched=vietnam_time(row.get("fetched_at")),
        fetched_utc=utc_title(row.get("fetched_at")),
        http_status=row.get("http_status"),
        content_type=row.get("content_type"),
        record_type=record_type,
        kind=kind,
        refers_to=uuid_of(row.get("refers_to")),
        payload_sha1=row.get("payload_sha1"),
        payload_sha256=row.get("payload_sha256"),
        payload_length=row.get("payload_length"),
        truncated=TRUNCATED.get(truncated, (truncated, truncated)) if truncated else None,
        warc_file=str(row.get("warc_file") or ""),
        warc_offset=int(row.get("warc_offset") or 0),
        warc_length=int(row.get("warc_length") or 0),
        page=f"{base}{uuid}",
        view=f"{base}{uuid}/view",
        download=f"{base}{uuid}.warc.gz",
    )


def readable_size(size: int | None) -> str:
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


def download_name(row: dict[str, Any]) -> str:
    """``<portal>-<YYYYmmddTHHMMSSZ>-<uuid>.warc.gz``: sorts by time, says what it is."""
    portal = _SLUG_UNSAFE.sub("-", str(row.get("portal") or "capture")).strip("-") or "capture"
    moment = _utc(row.get("fetched_at"))
    stamp = moment.strftime("%Y%m%dT%H%M%SZ") if moment else "undated"
    return f"{portal}-{stamp}-{uuid_of(row['record_id'])}.warc.gz"


def payload_matches(row: dict[str, Any], payload: bytes) -> bool | None:
    """Whether the stored payload still has the digest recorded (None: nothing to check)."""
    expected = row.get("payload_sha256")
    if not expected or row.get("record_type") != "response":
        return None
    return hashlib.sha256(payload).hexdigest() == expected
