"""Why a request failed, as a short kind for `crawl_errors` and `crawls.errors_by_kind`.

Kinds that lose a page (the crawl finishes `partial`, exit status 1):

  ``http_NNN``       an error status after the retries (``http_500``, ``http_404``...)
  ``timeout``        no complete answer within DOWNLOAD_TIMEOUT, after the retries
  ``connection``     refused, reset or closed early, after the retries
  ``truncated``      fewer bytes than Content-Length (DOWNLOAD_FAIL_ON_DATALOSS), after retries
  ``dns``            the host name does not resolve
  ``too_large``      over DOWNLOAD_MAXSIZE, as sent or once decompressed (a gzip bomb)
  ``redirect_loop``  a redirect cycle, or more than REDIRECT_MAX_TIMES redirects
  ``not_html``       a PDF, image or other binary body where a page was expected
  ``not_article``    a page linked as an article that is not one
  ``spider_error``   an exception while handling a page (a bug: please report it)
  ``item_error``     the archive refused a record (a bug: please report it)
  ``download_error`` anything else the download failed with

Kinds recorded as findings, with nothing lost (the status stays ``ok``):

  ``trap``      pagination ended on evidence: a listing page repeated earlier pages
                (a configured limit is not a finding: it makes the crawl partial)
  ``robots``    robots.txt forbids a linked page
  ``offsite``   a link or redirect to another host was not followed
"""

from __future__ import annotations

import traceback

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

NOTICE_KINDS = frozenset({"trap", "robots", "offsite"})


class NotHtmlError(IgnoreRequest):
    """A binary body (PDF, image...) arrived where an HTML page was expected."""


class TooLargeError(IgnoreRequest):
    """The body passed the size limit: the crawl stopped reading (its first bytes are kept
    in the WARC capture, marked truncated)."""


class RedirectLoopError(IgnoreRequest):
    """A redirect leads back to a URL already visited on the way."""


def is_failure(kind: str) -> bool:
    """Whether a kind means a page was lost (the crawl is then `partial`)."""
    return kind not in NOTICE_KINDS


def classify(failure: Failure) -> tuple[str, str]:
    """(kind, detail) of a failed request, from the exception Scrapy hands the errback."""
    error = failure.value
    detail = f"{type(error).__name__}: {error}".strip().removesuffix(":")
    if isinstance(error, HttpError):
        status = error.response.status
        return f"http_{status}", f"HTTP {status}"
    if isinstance(error, NotHtmlError):
        return "not_html", str(error)
    if isinstance(error, TooLargeError):
        return "too_large", str(error)
    if isinstance(error, RedirectLoopError):
        return "redirect_loop", str(error)
    if isinstance(error, IgnoreRequest):
        return _ignored(str(error)), detail
    if isinstance(error, DownloadTimeoutError | net.TimeoutError | net.TCPTimedOutError):
        return "timeout", detail
    if isinstance(error, ResponseDataLossError):
        return "truncated", detail
    if isinstance(error, CannotResolveHostError | net.DNSLookupError):
        return "dns", detail
    if isinstance(error, DownloadCancelledError | CancelledError):
        # Scrapy cancels a download that passes DOWNLOAD_MAXSIZE: announced by Content-Length
        # ("... larger than download max size ..."), or counted while streaming (no message;
        # timeouts raise DownloadTimeoutError instead).
        message = str(error)
        if not message:
            return "too_large", "body passed DOWNLOAD_MAXSIZE while streaming"
        return ("too_large" if "max size" in message else "download_error"), message
    if isinstance(
        error,
        DownloadConnectionRefusedError
        | DownloadFailedError
        | ResponseFailed
        | ResponseNeverReceived
        | net.ConnectError
        | net.ConnectionLost
        | net.ConnectionDone,
    ):
        return "connection", detail
    return "download_error", detail


def release(failure: Failure) -> None:
    """Drop the frames a failure keeps alive, now rather than at the next full collection.

    An exception's traceback references the frames it passed through, and their locals; the
    frame of a decompression that hit DOWNLOAD_MAXSIZE holds 16 MiB. Exception -> traceback
    -> frame -> exception is a reference cycle, and with the crawl's relaxed GC thresholds
    (runtime.py) 40 gzip bombs grew the crawl to 760 MiB before this.
    """
    failure.cleanFailure()
    error: BaseException | None = failure.value
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if error.__traceback__ is not None:
            traceback.clear_frames(error.__traceback__)
            error.__traceback__ = None
        error = error.__cause__ or error.__context__


def _ignored(message: str) -> str:
    """Scrapy's middlewares drop requests with IgnoreRequest; the message says why."""
    if "DOWNLOAD_MAXSIZE" in message:  # HttpCompressionMiddleware: a decompression bomb
        return "too_large"
    if "max redirections" in message:
        return "redirect_loop"
    if "robots.txt" in message:
        return "robots"
    if "offsite" in message:
        return "offsite"
    return "download_error"
