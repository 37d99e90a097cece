"""Raw captures: WARC files beside the archive database, and pointers into them.

Every HTTP exchange a crawl makes is kept as a WARC/1.1 ``response`` (or ``revisit``) record,
its ``request`` record and a ``metadata`` record, each its own gzip member. The records are
serialised here (:func:`warc_record`: why not warcio's writer is said there) and read back
with warcio, the Webrecorder library that pywb, cdxj-indexer and py-wacz read with.

Layout (see docs/captures.md), relative to the folder that holds the database::

    <stem>-warc/<portal>/<YYYY>/<stem>-<YYYYMMDDhhmmssffffff>-<portal>-c<crawl>-<NNNNN>.warc.gz

(``<stem>``: the database file's name without ``.db``.)

One file set per crawl run, rotated by size; a file is named ``….warc.gz.open`` while it is
written and renamed when closed (after an fsync). Pointers always name the closed file;
:func:`resolve` also finds a file left ``.open`` by a killed crawl.

Everything here is storage: no Scrapy. The crawl side (``portal_spider/capture.py``) hands
:meth:`WarcFileSet.write_exchange` what it received.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import logging
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from zlib_ng import zlib_ng

from archive.durable import fsync_directory
from archive.warc_index import cdxj_line, write_cdxj_text

logger = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.1"
#: Rotate to a new file once the current one reaches this size (bytes).
DEFAULT_MAX_FILE_SIZE = 1024**3
OPEN_SUFFIX = ".open"
#: Compression level of the gzip members (see gzip_member).
COMPRESS_LEVEL = 2
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
#: WARC-Truncated reasons (ISO 28500): the crawl stopped reading at the size limit.
TRUNCATED_LENGTH = "length"
#: The crawl stopped reading because the body was not what it asked for (binary for a page).
TRUNCATED_UNSPECIFIED = "unspecified"
# Connection-level headers Twisted hands apart from the message headers (the transfer is
# de-chunked and the length is the record's): never written as if received.
_HOP_BY_HOP = frozenset({"transfer-encoding", "content-length", "connection", "keep-alive"})


def warc_root(db_path: str | Path) -> Path:
    """The folder holding an archive's WARC files: ``<db stem>-warc`` beside the database."""
    path = Path(db_path)
    return path.parent / f"{path.stem}-warc"


def archive_folder(db_path: str | Path) -> Path:
    """The folder capture pointers are relative to (the database's own folder)."""
    return Path(db_path).resolve().parent


def resolve(folder: str | Path, warc_file: str) -> Path:
    """The file a pointer names, or its ``.open`` twin (a crawl killed while writing it).

    Raises ValueError for a pointer that would leave the archive's folder (absolute, ``..``):
    pointers come from the database, which a published snapshot lets anyone read.
    """
    relative = PurePosixPath(warc_file)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"capture file outside the archive folder: {warc_file!r}")
    path = Path(folder).joinpath(*relative.parts)
    if not path.exists():
        unfinished = path.with_name(path.name + OPEN_SUFFIX)
        if unfinished.exists():
            return unfinished
    return path


def read_record_bytes(folder: str | Path, warc_file: str, offset: int, length: int) -> bytes:
    """The stored bytes of one record: a complete gzip member, itself a valid .warc.gz."""
    with resolve(folder, warc_file).open("rb") as handle:
        handle.seek(offset)
        data = handle.read(length)
    if len(data) != length:
        raise ValueError(
            f"{warc_file}: record at {offset} is cut short ({len(data)} of {length} bytes)"
        )
    return data


def sha1_base32(*parts: bytes) -> str:
    """``sha1:BASE32`` of the parts joined: the digest form WARC tools (warcio, pywb, CDXJ)
    expect, for a payload or a record's block."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part)
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


@dataclass(frozen=True, slots=True)
class Original:
    """A full response record a later identical payload can refer to (a revisit)."""

    url: str
    record_id: str
    warc_date: str
    payload_sha1: str


@dataclass(slots=True)
class Exchange:
    """One HTTP exchange as the crawl received it: what :meth:`WarcFileSet.write_exchange`
    needs. Header names are as the HTTP stack kept them (Scrapy title-cases them)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    response_headers: list[tuple[str, str]]
    #: The body exactly as received: still gzip/deflate when Content-Encoding says so.
    payload: bytes
    #: When the response headers arrived (aware datetime).
    fetched_at: datetime
    protocol: str = "HTTP/1.1"
    request_body: bytes = b""
    #: None, or TRUNCATED_LENGTH / TRUNCATED_UNSPECIFIED when the crawl stopped reading.
    truncated: str | None = None
    #: warc-fields for the metadata record (crawl run, the listing that led here, hops...).
    metadata: dict[str, str] = field(default_factory=dict)
    #: The server's IP address, when known.
    ip_address: str | None = None


@dataclass(frozen=True, slots=True)
class Capture:
    """Where one exchange went: the ``captures`` row (see archive/schema.py 0007)."""

    record_id: str
    url: str
    fetched_at: str
    http_status: int
    content_type: str | None
    record_type: str
    revisit_profile: str | None
    refers_to: str | None
    warc_file: str
    warc_offset: int
    warc_length: int
    payload_sha1: str
    payload_sha256: str
    payload_length: int
    truncated: str | None
    request_record_id: str

    def row(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies every field (~0.1 ms a capture, per page).
        return {name: getattr(self, name) for name in self.__slots__}


def gzip_member(parts: Iterable[bytes], size: int, *, stored: bool = False) -> bytes:
    """One record as one gzip member (record-level gzip, ISO 28500 annex D).

    Compressed by zlib-ng (same deflate format, readable by every gzip reader), measured
    on portal pages (bench/warc.py, docs/captures.md "Cost"):

    - Level 2: on a 92 KB page 0.68 ms and 42% of its size, against 0.88 ms and 45% with
      zlib's fastest level (zlib's default level 6 took 3x as long as its level 2 on a 22 KB
      page, for 11% fewer bytes; warcio's own writer uses zlib level 9).
    - Setting up a full-size deflate state costs zlib ~0.05 ms (~256 KB to allocate and
      clear): more than compressing a 400-byte request or metadata record. The window and
      hash table are sized to the record (a window as large as the data compresses it as
      well).
    - A payload the server already compressed (Content-Encoding gzip, br, ...) does not
      shrink again (ratio 1.004, 0.17 ms for 6 KB with zlib): ``stored`` (level 0); only
      its few hundred bytes of headers go uncompressed.
    """
    window = min(15, max(9, size.bit_length()))
    if stored:
        level, window, mem_level = 0, 9, 1
    else:
        level, mem_level = COMPRESS_LEVEL, min(8, max(1, size.bit_length() - 7))
    compressor = zlib_ng.compressobj(level, zlib_ng.DEFLATED, window + 16, mem_level)
    pieces = [compressor.compress(part) for part in parts]
    pieces.append(compressor.flush())
    return b"".join(pieces)


def write_fully(out: io.FileIO, data: bytes) -> None:
    """``data`` in as few ``write`` calls as the OS allows (the file is unbuffered)."""
    view = memoryview(data)
    while view:
        written = out.write(view)
        if not written:
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def http_block(start_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    """An HTTP message head as it went over the wire: start line, headers, blank line.

    Header text is latin-1 (HTTP's octets, as the crawl decoded them), so the bytes written
    are the bytes received. warcio's writer percent-encodes any header value that is not
    ASCII (``filename*=UTF-8''...``): a portal's ``Content-Disposition`` with a Vietnamese
    file name in raw UTF-8 was stored as a different, mangled value.
    """
    lines = [start_line, *(f"{name}: {value}" for name, value in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def warc_record(
    record_type: str,
    fields: Iterable[tuple[str, str]],
    content_type: str,
    block: Iterable[bytes],
    *,
    size_hint: int = 0,
    stored: bool = False,
) -> bytes:
    """A WARC/1.1 record (header, block, two CRLF) as one gzip member.

    Written here rather than with warcio's record builder (warcio reads every record back:
    verify, export-wacz, the tests, and cdxj-indexer and pywb read them too): the builder
    took ~0.5 ms an exchange between two pages (three records through many small calls,
    cold in the CPU caches each time), 8% of a demo crawl's CPU, where the goal is 10% for
    all of capture; and it rewrites non-ASCII HTTP header values (see http_block).
    ``fields`` come after ``WARC-Type``; ``WARC-Block-Digest``, ``Content-Type`` and
    ``Content-Length`` are added from ``block``.
    """
    parts = list(block)
    length = sum(len(part) for part in parts)
    head = [
        WARC_VERSION,
        f"WARC-Type: {record_type}",
        *(f"{name}: {value}" for name, value in fields),
        f"WARC-Block-Digest: {sha1_base32(*parts)}",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
        "",
        "",
    ]
    parts.insert(0, "\r\n".join(head).encode("utf-8"))
    parts.append(b"\r\n\r\n")
    return gzip_member(parts, size_hint + _HEADER_ROOM, stored=stored)


#: Room for a record's WARC and HTTP headers when sizing its compressor.
_HEADER_ROOM = 2048
_HTTP_RESPONSE = "application/http; msgtype=response"
_HTTP_REQUEST = "application/http; msgtype=request"
_WARC_FIELDS = "application/warc-fields"


class WarcFileSet:
    """The WARC files of one crawl run: written in order, rotated by size, closed by rename.

    Not thread-safe (Scrapy calls downloader middlewares from the reactor thread only).
    ``originals`` maps a URL to its last full response (from the archive and this run):
    an identical payload for that URL becomes a ``revisit`` record instead of a copy.

    Files are written unbuffered, one ``write`` per gzip member, so a failed write (disk
    full) leaves nothing behind in a buffer: the exchange being written is cut off again
    (``ftruncate`` to the end of the last complete exchange) and the file stays valid. A file
    that could not be cut back is left ``.open`` for the next crawl to close (fixity.py).
    """

    def __init__(
        self,
        db_path: str | Path,
        *,
        portal: str,
        crawl_id: int | None,
        software: str,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        originals: Mapping[str, Original] | None = None,
        info: Mapping[str, str] | None = None,
    ) -> None:
        self.folder = archive_folder(db_path)
        self.stem = Path(db_path).stem
        self.root = warc_root(Path(db_path).resolve())
        self.portal = portal
        self.crawl_id = crawl_id
        self.software = software
        self.max_file_size = max_file_size
        self.originals: dict[str, Original] = dict(originals or {})
        self.info = dict(info or {})
        self.serial = 0
        self._handle: io.FileIO | None = None
        self._torn = False  # a failed write could not be cut back: leave the file .open
        self._path: Path | None = None  # the .open path being written
        self._name: str | None = None  # the pointer name (closed file, relative)
        self.files: list[str] = []
        #: cdxj_line arguments of each record of the file being written. The lines are made
        #: when the file closes: one tight loop costs ~0.03 ms a line where the same call
        #: between two pages (surt's code cold in the CPU caches) costs ~0.16 ms.
        self._index: list[dict[str, Any]] = []
        self.bytes_written = 0  # size of the file being written
        self.total_bytes = 0  # every file of this set
        self.records = {"response": 0, "revisit": 0}

    # -- writing -------------------------------------------------------------------------

    def write_exchange(self, exchange: Exchange) -> Capture:
        """Write response (or revisit), request and metadata records; return the pointer.

        Each record is flushed to the OS before this returns, so the database (written
        later, by the pipeline) only ever points at complete records, even after a SIGKILL.
        An OSError (disk full) cuts the partial exchange off again and is raised.
        """
        handle = self._current_file()
        try:
            return self._write_exchange(handle, exchange)
        except OSError:
            self._cut_back(handle)
            raise

    def _cut_back(self, handle: io.FileIO) -> None:
        """Remove the bytes of an exchange that failed half-way (freeing them, too)."""
        try:
            os.ftruncate(handle.fileno(), self.bytes_written)
            handle.seek(self.bytes_written)
        except OSError:
            self._torn = True

    def _write_exchange(self, handle: io.FileIO, exchange: Exchange) -> Capture:
        assert self._name is not None
        warc_date = _warc_date(exchange.fetched_at)
        payload = exchange.payload
        sha1 = sha1_base32(payload)
        sha256 = hashlib.sha256(payload).hexdigest()
        content_type = _header(exchange.response_headers, "content-type")
        head = http_block(
            f"{exchange.protocol} {exchange.status} {_reason(exchange.status)}",
            [(k, v) for k, v in exchange.response_headers if k.lower() not in _HOP_BY_HOP],
        )
        record_id = new_record_id()
        fields = [
            ("WARC-Record-ID", record_id),
            ("WARC-Date", warc_date),
            ("WARC-Target-URI", exchange.url),
        ]
        if exchange.ip_address:
            fields.append(("WARC-IP-Address", exchange.ip_address))
        original = self.originals.get(exchange.url)
        refers_to: str | None = None
        profile: str | None = None
        digest: str | None = None
        if exchange.status == 304:
            record_type, profile = "revisit", PROFILE_NOT_MODIFIED
            fields.append(("WARC-Profile", profile))
            if original is not None:
                refers_to = original.record_id
                fields += [
                    ("WARC-Refers-To", original.record_id),
                    ("WARC-Refers-To-Target-URI", original.url),
                    ("WARC-Refers-To-Date", original.warc_date),
                ]
            block = [head]
        elif (
            original is not None
            and original.payload_sha1 == sha1
            and exchange.truncated is None
            and payload
        ):
            record_type, profile, digest = "revisit", PROFILE_IDENTICAL, sha1
            refers_to = original.record_id
            fields += [
                ("WARC-Profile", profile),
                ("WARC-Payload-Digest", sha1),
                ("WARC-Refers-To", original.record_id),
                ("WARC-Refers-To-Target-URI", original.url),
                ("WARC-Refers-To-Date", original.warc_date),
            ]
            block = [head]
        else:
            record_type, digest = "response", sha1
            if exchange.truncated:
                fields.append(("WARC-Truncated", exchange.truncated))
            fields.append(("WARC-Payload-Digest", sha1))
            block = [head, payload]
        response = warc_record(
            record_type,
            fields,
            _HTTP_RESPONSE,
            block,
            size_hint=len(payload) if record_type == "response" else 0,
            stored=record_type == "response" and _encoded(exchange.response_headers),
        )
        request_id = new_record_id()
        request = self._request_record(exchange, warc_date, request_id, record_id)
        metadata = self._metadata_record(exchange, warc_date, record_id)
        offset = self.bytes_written
        # One write for the three: the OS has every record of the exchange when it returns,
        # so a SIGKILL loses none of them (a failed write is cut off: write_exchange).
        records = b"".join((response, request, metadata))
        write_fully(handle, records)
        self.bytes_written += len(records)
        self.total_bytes += len(records)
        length = len(response)
        self._index.append(
            {
                "url": exchange.url,
                "warc_date": warc_date,
                "record_type": record_type,
                "content_type": content_type,
                "status": exchange.status,
                "digest": digest,
                "length": length,
                "offset": offset,
                "filename": self._name,
            }
        )
        if record_type == "response":
            self.records["response"] += 1
            if exchange.truncated is None and 200 <= exchange.status < 300:
                self.originals[exchange.url] = Original(exchange.url, record_id, warc_date, sha1)
        else:
            self.records["revisit"] += 1
        return Capture(
            record_id=record_id,
            url=exchange.url,
            fetched_at=exchange.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            http_status=exchange.status,
            content_type=content_type,
            record_type=record_type,
            revisit_profile=profile,
            refers_to=refers_to,
            warc_file=self._name,
            warc_offset=offset,
            warc_length=length,
            payload_sha1=sha1,
            payload_sha256=sha256,
            payload_length=len(payload),
            truncated=exchange.truncated,
            request_record_id=request_id,
        )

    def _request_record(
        self, exchange: Exchange, warc_date: str, record_id: str, concurrent: str
    ) -> bytes:
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = list(exchange.request_headers)
        if not any(name.lower() == "host" for name, _ in headers):
            headers.insert(0, ("Host", parts.netloc))
        body = exchange.request_body
        fields = [
            ("WARC-Record-ID", record_id),
            ("WARC-Date", warc_date),
            ("WARC-Target-URI", exchange.url),
            ("WARC-Concurrent-To", concurrent),
            ("WARC-Payload-Digest", sha1_base32(body)),
        ]
        head = http_block(f"{exchange.method} {target} {exchange.protocol}", headers)
        return warc_record("request", fields, _HTTP_REQUEST, [head, body])

    def _metadata_record(self, exchange: Exchange, warc_date: str, refers_to: str) -> bytes:
        values = {"crawl-run": str(self.crawl_id or ""), "portal": self.portal}
        values.update(exchange.metadata)
        fields = [
            ("WARC-Record-ID", new_record_id()),
            ("WARC-Date", warc_date),
            ("WARC-Target-URI", exchange.url),
            ("WARC-Refers-To", refers_to),
        ]
        return warc_record("metadata", fields, _WARC_FIELDS, [_warc_fields(values)])

    # -- files ---------------------------------------------------------------------------

    def _current_file(self) -> io.FileIO:
        if self._handle is not None and self.bytes_written >= self.max_file_size:
            self._close_file()
        if self._handle is None:
            self._open_file()
        assert self._handle is not None
        return self._handle

    def _open_file(self) -> None:
        now = datetime.now(UTC)
        self.serial += 1
        name = (
            f"{self.stem}-{now:%Y%m%d%H%M%S%f}-{self.portal}-c{self.crawl_id or 0}"
            f"-{self.serial:05d}.warc.gz"
        )
        folder = self.root / self.portal / f"{now:%Y}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name + OPEN_SUFFIX)
        self._handle = io.FileIO(path, "xb")
        self._path = path
        self._name = (folder / name).relative_to(self.folder).as_posix()
        info = {
            "software": self.software,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": f"portal-archive crawl {self.crawl_id} of {self.portal}",
            "portal": self.portal,
            "crawl-run": str(self.crawl_id or ""),
            **self.info,
        }
        record = warc_record(
            "warcinfo",
            [
                ("WARC-Record-ID", new_record_id()),
                ("WARC-Date", _warc_date(now)),
                ("WARC-Filename", name),
            ],
            _WARC_FIELDS,
            [_warc_fields(info)],
        )
        self.bytes_written = 0
        try:
            write_fully(self._handle, record)
        except OSError:
            self._cut_back(self._handle)
            raise
        self.bytes_written = self._handle.tell()
        self.total_bytes += self.bytes_written
        self.files.append(self._name)

    def sync(self) -> None:
        """fsync the open file: called before the database commits pointers into it."""
        if self._handle is not None:
            os.fsync(self._handle.fileno())

    def _close_file(self) -> None:
        if self._handle is None or self._path is None:
            return
        if self._torn:  # the next crawl cuts the torn end off and closes it (fixity.py)
            self._handle.close()
            self._handle = None
            return
        self.sync()
        self._handle.close()
        final = self._path.with_name(self._path.name.removesuffix(OPEN_SUFFIX))
        os.replace(self._path, final)
        fsync_directory(final.parent)
        self._handle = None
        self._path = None
        index, self._index = self._index, []
        try:
            write_cdxj_text(final, [cdxj_line(**fields) for fields in index])
        except OSError as exc:  # the captures are safe; `portal-archive index` writes it later
            logger.warning("CDXJ index of %s not written: %s", final.name, exc)

    def close(self) -> None:
        """Close and rename the file being written; safe to call twice."""
        self._close_file()


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _reason(status: int) -> str:
    """The standard reason phrase: Scrapy does not keep the one the server sent."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _encoded(headers: Iterable[tuple[str, str]]) -> bool:
    """Whether the payload arrived compressed by the server (Content-Encoding other than
    identity): compressing it again gains nothing (see _GzipMember)."""
    encoding = _header(headers, "content-encoding")
    return bool(encoding and encoding.strip().lower() != "identity")


def _warc_fields(fields: Mapping[str, str]) -> bytes:
    lines = (
        f"{name}: {' '.join(str(value).split())}\r\n" for name, value in fields.items() if value
    )
    return "".join(lines).encode("utf-8")


__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "PROFILE_IDENTICAL",
    "PROFILE_NOT_MODIFIED",
    "TRUNCATED_LENGTH",
    "TRUNCATED_UNSPECIFIED",
    "Capture",
    "Exchange",
    "Original",
    "WarcFileSet",
    "archive_folder",
    "read_record_bytes",
    "resolve",
    "sha1_base32",
    "warc_root",
]
