"""Keep every HTTP exchange of the crawl in WARC files, as received (issue 12).

``WarcCaptureMiddleware`` sits next to the download handler (priority 980: above
HttpCompressionMiddleware 590, RedirectMiddleware 600 and the retry middleware 550), so it
sees each response before Scrapy decompresses it, and every redirect hop and every retried
attempt as its own exchange. It writes the records through :mod:`archive.warc_store`, puts
the capture's record id in ``request.meta["capture"]`` for the spider's items, and announces
each capture with the ``capture_written`` signal, which the pipeline turns into ``captures``
rows written in the same batch as the facts that point to them.

Why a middleware and not warcprox: warcprox records at the proxy, faithfully, but it is a
second service every scheduled crawl would have to run and supervise, and it cannot tell
which listing led to a page or which crawl run a response belongs to. Below Scrapy's
decompression the payload is the wire's (``Content-Encoding`` kept); what Twisted does not
hand over is written down in docs/captures.md (header-name case, the reason phrase, and the
connection headers: Transfer-Encoding, Content-Length, Connection, Keep-Alive).

Size limit: Scrapy's own DOWNLOAD_MAXSIZE cancels an over-size download and keeps nothing.
Here the limit is enforced on the ``bytes_received`` signal with ``StopDownload(fail=False)``
instead, so the first bytes are kept (PORTAL_WARC_TRUNCATED_KEEP, 1 MiB: enough to show what
the portal sent, without 16 MiB of padding per hostile page), marked ``WARC-Truncated:
length``, and the request then fails ``too_large`` with its capture. A body whose
Content-Length announces more than the limit is stopped once those first bytes arrived (the
handler's own check, which would cancel at once, is turned off for that request only while
it downloads; decompression keeps its gzip-bomb limit: the meta is restored on the way back,
before HttpCompressionMiddleware).
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured, StopDownload
from scrapy.http import Request, Response

from archive.warc_close import close_before_crawl
from archive.warc_store import (
    TRUNCATED_LENGTH,
    TRUNCATED_UNSPECIFIED,
    Capture,
    Exchange,
    Original,
    WarcFileSet,
    warc_root,
)

from .failures import NotHtmlError, TooLargeError
from .guards import GZIP_ALLOWED
from .pages import binary_kind

logger = logging.getLogger(__name__)

#: Signal sent with ``capture=Capture`` after each exchange is written (and flushed).
capture_written = object()

#: Request meta: the record id of the capture of this request's (last) response.
CAPTURE = "capture"
_LIMIT = "_capture_maxsize"  # the request's own size limit, kept while the handler's is off
_RECEIVED = "_capture_bytes"
_TRUNCATED = "_capture_truncated"
_ENCODED = "_capture_content_encoding"
_ANNOUNCED = "_capture_content_length"


class WarcCaptureMiddleware:
    """Write request, response (or revisit) and metadata records for every exchange."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("PORTAL_WARC", True):
            raise NotConfigured("WARC capture is off (--no-warc)")
        self.crawler = crawler
        self.db_path = Path(settings.get("ARCHIVE_DB_PATH"))
        self.max_file_size = settings.getint("PORTAL_WARC_MAX_FILE_SIZE")
        self.default_maxsize = settings.getint("DOWNLOAD_MAXSIZE")
        self.truncated_keep = settings.getint("PORTAL_WARC_TRUNCATED_KEEP")
        self.software = str(settings.get("USER_AGENT") or "portal-archive").split(" ", 1)[0]
        self.files: WarcFileSet | None = None
        #: Why WARC files cannot be written (disk full, read-only): the crawl stops.
        self.failed: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.portal_capture = middleware  # type: ignore[attr-defined]  # pipeline: sync()
        return middleware

    # -- download side -------------------------------------------------------------------

    def process_request(self, request: Request) -> None:
        request.meta.pop(CAPTURE, None)  # an attempt's capture is its own (retries copy meta)
        request.meta.pop(_TRUNCATED, None)
        request.meta[_RECEIVED] = 0
        if _LIMIT not in request.meta:
            request.meta[_LIMIT] = request.meta.get("download_maxsize", self.default_maxsize)

    def headers_received(self, headers: Any, body_length: Any, request: Request, **_: Any) -> None:
        encoding = headers.get(b"Content-Encoding") if headers is not None else None
        request.meta[_ENCODED] = bool(encoding and encoding.strip().lower() != b"identity")
        # Twisted's UNKNOWN_LENGTH is a string sentinel, not a number.
        announced = body_length if isinstance(body_length, int) else None
        request.meta[_ANNOUNCED] = announced
        limit = request.meta.get(_LIMIT)
        if limit and announced is not None and announced > limit:
            # The handler would cancel now, keeping nothing: bytes_received stops it instead
            # once the first bytes are in. (A body that streams past the limit is stopped by
            # bytes_received first; the handler's own check then frees its buffer.)
            request.meta["download_maxsize"] = 0

    def bytes_received(self, data: bytes, request: Request, **_: Any) -> None:
        meta = request.meta
        if _LIMIT not in meta:  # a request this middleware did not see (not ours)
            return
        first = meta.get(_RECEIVED, 0) == 0
        meta[_RECEIVED] = received = meta.get(_RECEIVED, 0) + len(data)
        limit = meta[_LIMIT]
        announced = meta.get(_ANNOUNCED)
        if limit and (
            received > limit
            or (announced is not None and announced > limit and received >= self.truncated_keep)
        ):
            meta[_TRUNCATED] = TRUNCATED_LENGTH
            raise StopDownload(fail=False)
        if (
            first
            and not meta.get(_ENCODED)
            and not meta.get(GZIP_ALLOWED)
            and binary_kind(data) is not None
        ):
            meta[_TRUNCATED] = TRUNCATED_UNSPECIFIED  # a file where a page was expected
            raise StopDownload(fail=False)

    def process_response(self, request: Request, response: Response) -> Response:
        meta = request.meta
        if _LIMIT in meta:  # decompression keeps the request's own limit (gzip bombs)
            meta["download_maxsize"] = meta[_LIMIT]
        if "cached" in response.flags:  # an HTTP-cache replay was not received now
            return response
        truncated = meta.pop(_TRUNCATED, None)
        if self.failed is not None:  # the crawl is stopping: nothing more can be kept
            raise IgnoreRequest(f"capture not written: {self.failed}")
        try:
            capture = self._write(request, response, truncated)
        except OSError as exc:
            self._stop(exc)
            raise IgnoreRequest(f"capture not written: {self.failed}") from None
        meta[CAPTURE] = capture.record_id
        self.crawler.signals.send_catch_log(capture_written, capture=capture)
        if truncated == TRUNCATED_LENGTH:
            kept = min(len(response.body), self.truncated_keep)
            announced = meta.get(_ANNOUNCED)
            size = f"{announced} bytes announced" if announced else "streamed"
            raise TooLargeError(
                f"over {meta.get(_LIMIT)} bytes ({size}): stopped reading; the first "
                f"{kept} bytes are kept (WARC-Truncated)"
            ) from None
        if truncated == TRUNCATED_UNSPECIFIED and 200 <= response.status < 300:
            kind = binary_kind(response.body) or "binary"
            raise NotHtmlError(
                f"{kind} where a page was expected: stopped at the first bytes"
            ) from None
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if _LIMIT in request.meta:
            request.meta["download_maxsize"] = request.meta[_LIMIT]

    # -- writing -------------------------------------------------------------------------

    def _write(self, request: Request, response: Response, truncated: str | None) -> Capture:
        files = self.files or self._open()
        received = request.meta.get("received_at")
        fetched_at = (
            datetime.fromisoformat(received.replace("Z", "+00:00"))
            if isinstance(received, str)
            else datetime.now(UTC)
        )
        exchange = Exchange(
            url=response.url,
            method=request.method,
            request_headers=_header_list(request.headers),
            request_body=request.body or b"",
            status=response.status,
            response_headers=_header_list(response.headers),
            payload=response.body[: self.truncated_keep] if truncated else response.body,
            fetched_at=fetched_at,
            protocol=response.protocol or "HTTP/1.1",
            truncated=truncated,
            metadata=_metadata(request),
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        return files.write_exchange(exchange)

    def _open(self) -> WarcFileSet:
        spider = self.crawler.spider
        portal = getattr(getattr(spider, "portal", None), "slug", None) or "portal"
        stats = self.crawler.stats
        crawl_id = stats.get_value("portal/crawl_id") if stats is not None else None
        close_before_crawl(self.db_path, portal)  # .open files a killed crawl left
        self.files = WarcFileSet(
            self.db_path,
            portal=portal,
            crawl_id=crawl_id,
            software=self.software,
            max_file_size=self.max_file_size,
            originals=_originals(self.db_path, portal),
        )
        return self.files

    def sync(self) -> None:
        """fsync the file being written (the pipeline calls it before committing pointers).

        After a write failure the records already written were flushed to the OS exchange by
        exchange (write_exchange), which is what a SIGKILL needs; the fsync is then skipped so
        the database can still commit the pointers to them."""
        if self.files is not None and self.failed is None:
            try:
                self.files.sync()
            except OSError as exc:
                self._stop(exc)

    def summary(self) -> dict[str, Any]:
        """What this run wrote, for the crawls row."""
        files = self.files
        if files is None:
            return {"files": [], "bytes": 0, "full": 0, "revisit": 0}
        return {
            "files": list(files.files),
            "bytes": files.total_bytes,
            "full": files.records["response"],
            "revisit": files.records["revisit"],
        }

    def spider_closed(self) -> None:
        if self.files is None:
            return
        try:
            self.files.close()  # with its CDXJ index (archive/warc_index.py)
        except OSError as exc:  # the file stays .open: the next crawl closes it (fixity.py)
            logger.warning("WARC file left open: %s", exc)

    def _stop(self, exc: OSError) -> None:
        """Disk full or read-only: stop fetching what cannot be kept, say it once (the
        pipeline prints it last, like a database that cannot be written)."""
        if self.failed is not None:
            return
        problem = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        self.failed = f"cannot write WARC files under {self.files_root()}: {problem}"
        logger.error(self.failed)
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("portal/warc_error", self.failed)
        engine, spider = self.crawler.engine, self.crawler.spider
        if engine is not None and spider is not None:
            engine.close_spider(spider, "warc_unwritable")

    def files_root(self) -> Path:
        return warc_root(self.db_path)


def _header_list(headers: Any) -> list[tuple[str, str]]:
    """Scrapy's Headers as (name, value) pairs, one per value, as latin-1 text (HTTP's)."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def _metadata(request: Request) -> dict[str, str]:
    """What led to this exchange: the page that linked it, the hops and attempts before."""
    meta = request.meta
    fields = {}
    referer = request.headers.get("Referer")
    if referer:
        fields["via"] = referer.decode("latin-1")
    redirects = meta.get("redirect_urls")
    if redirects:
        fields["redirected-from"] = redirects[-1]
    if meta.get("retry_times"):
        fields["attempt"] = str(int(meta["retry_times"]) + 1)
    callback = getattr(request.callback, "__name__", None)
    if callback:
        fields["fetched-for"] = callback
    return fields


def _originals(db_path: Path, portal: str) -> dict[str, Original]:
    """Each URL's latest full 2xx capture in the archive: identical payloads revisit it."""
    if not db_path.exists():
        return {}
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        rows = connection.execute(
            "SELECT url, record_id, fetched_at, payload_sha1 FROM captures "
            "WHERE portal = ? AND record_type = 'response' AND truncated IS NULL "
            "AND http_status BETWEEN 200 AND 299 ORDER BY fetched_at",
            [portal],
        ).fetchall()
    except sqlite3.Error:  # an archive from before captures existed
        return {}
    finally:
        connection.close()
    return {url: Original(url, record_id, date, sha1) for url, record_id, date, sha1 in rows}
