"""The HTTP server: threaded, keep-alive HTTP/1.1, with an ordered visitor counter.

Pages are numbered in the order their bytes leave the server: taking the counter value and
writing the whole response happen under one lock, so the counter series a crawler records never
decreases even with many parallel keep-alive connections. Only HTML pages actually sent with a
body are counted: not HEAD requests, and not `304 Not Modified` answers.

Article pages carry a strong `ETag` (a hash of the article's content that day, see
`DemoPortal.etag`) and `Last-Modified` (publication or last edit time) and answer `304` to a
matching `If-None-Match`, or, when that header is absent, to an `If-Modified-Since` not older
than `Last-Modified`. Listing and other pages carry no validators.

Article pages with an even id are sent gzip-compressed (`Content-Encoding: gzip`, `Vary:
Accept-Encoding`) to a client that accepts gzip, as many real portals do, so a crawl captures
both kinds of payload (issue 12: captures keep the wire's bytes). The compression is
deterministic (no timestamp in the gzip header): identical pages give identical bytes. Other
pages, and clients that do not ask for gzip, get the page as is.

With a `FaultPlan` (faults.py, `--faults`), a FaultInjector wraps the router and the server
lets it misbehave (errors, resets, truncated or huge bodies...) instead of sending the page.
"""

from __future__ import annotations

import gzip
import re
import socketserver
import sys
import threading
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .content import DemoPortal
from .counter import VisitorCounter, counter_html
from .faults import FaultInjector, FaultPlan
from .render import Page
from .routes import _ARTICLE, Response, Router

# A Host header we are willing to echo into sitemap and feed URLs: a name or address, a port.
_HOST = re.compile(r"(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/ prefixes are ignored; '*' matches."""
    opaque = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding value allows gzip (``gzip``, ``x-gzip`` or ``*``, q > 0)."""
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().lower()
        if quality.startswith("q="):
            try:
                return float(quality[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def gzip_served(path: str) -> bool:
    """Whether the page at ``path`` is sent gzip-compressed (to clients accepting gzip):
    the article pages with an even id."""
    match = _ARTICLE.fullmatch(urlsplit(path).path)
    return match is not None and int(match.group(3)) % 2 == 0


def _not_modified_since(header: str, last_modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False  # an unparsable date is ignored (RFC 9110 13.1.3)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since >= last_modified.replace(microsecond=0)


class DemoPortalHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without TCP_NODELAY, keep-alive clients that send one request at a time wait ~40 ms
    # per response for delayed ACKs (measured: Scrapy at concurrency 1 fell to 13 pages/s).
    disable_nagle_algorithm = True
    server_version = "PortalArchiveDemo/1.0"
    sys_version = ""
    server: DemoPortalServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _base(self) -> str:
        """Scheme and host of the request, so absolute URLs work on any port or name."""
        host = (self.headers.get("Host") or "").strip()
        if not _HOST.fullmatch(host):
            host = f"{self.server.server_name}:{self.server.server_port}"
        return f"http://{host}"

    def _not_modified(self, page: Page) -> bool:
        if page.status != 200 or page.etag is None or page.last_modified is None:
            return False
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return _etag_matches(if_none_match, page.etag)
        since = self.headers.get("If-Modified-Since")
        return since is not None and _not_modified_since(since, page.last_modified)

    def _serve(self, send_body: bool) -> None:
        response = self.server.router.route(self.path, self._base())
        page = response.page
        if page is None:
            self._send(response, response.body, send_body)
            return
        if self._not_modified(page):  # no body, so not counted
            self._send(Response(304, response.content_type, page=page), b"", False)
            return
        faults = self.server.faults
        if response.fault and send_body and faults is not None and faults.send(self, response):
            return
        counter = self.server.counter
        if not send_body:  # HEAD shows no page, so it is not counted
            self._send(
                response, page.prefix + counter_html(counter.served).encode() + page.suffix, False
            )
            return
        with counter.lock:
            body = page.prefix + counter_html(counter.take()).encode() + page.suffix
            self._send(response, body, True)

    def _send(self, response: Response, body: bytes, send_body: bool) -> None:
        """Write status line, headers and body in a single write."""
        status = HTTPStatus(response.status)
        lines = [
            f"HTTP/1.1 {status.value} {status.phrase}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
        ]
        if status != HTTPStatus.NOT_MODIFIED:  # a 304 has no content, so no length or type
            lines.append(f"Content-Type: {response.content_type}")
            if (
                response.page is not None
                and gzip_served(self.path)
                and accepts_gzip(self.headers.get("Accept-Encoding"))
            ):
                body = gzip.compress(body, compresslevel=6, mtime=0)
                lines.append("Content-Encoding: gzip")
                lines.append("Vary: Accept-Encoding")
            lines.append(f"Content-Length: {len(body)}")
        page = response.page
        if page is not None and page.etag is not None:
            lines.append(f"ETag: {page.etag}")
        if page is not None and page.last_modified is not None:
            lines.append(f"Last-Modified: {format_datetime(page.last_modified, usegmt=True)}")
        if response.location:
            lines.append(f"Location: {response.location}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + body if send_body else head)
        if self.server.verbose:
            self.log_request(status.value, len(body))

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class DemoPortalServer(ThreadingHTTPServer):
    """ThreadingHTTPServer bound to one DemoPortal; `url` is its base URL."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        portal: DemoPortal,
        verbose: bool = False,
        crawl_delay: float | None = None,
        faults: FaultPlan | None = None,
    ) -> None:
        self.portal = portal
        router = Router(portal, crawl_delay)
        self.faults = FaultInjector(faults, router) if faults is not None else None
        self.router: Router | FaultInjector = self.faults or router
        self.counter = VisitorCounter()
        self.verbose = verbose
        super().__init__(address, DemoPortalHandler)

    def server_bind(self) -> None:
        # Skip HTTPServer's getfqdn() reverse lookup, which can take seconds.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    @property
    def url(self) -> str:
        return f"http://{self.server_name}:{self.server_port}/"

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # client went away mid-response: normal for crawlers and browsers
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def make_server(
    host: str = "127.0.0.1",
    port: int = 8600,
    articles: int = 240,
    seed: int = 1,
    verbose: bool = False,
    day: int = 0,
    crawl_delay: float | None = None,
    faults: FaultPlan | None = None,
    extras: bool = False,
) -> DemoPortalServer:
    """Build the portal as on `day` and bind the server (port 0 = any free port).

    `faults`: misbehave as planned (faults.py). `extras`: serve extras.py's content too.
    Raises OSError, ValueError.
    """
    portal = DemoPortal(articles, seed, day, extras=extras)
    return DemoPortalServer(
        (host, port), portal, verbose=verbose, crawl_delay=crawl_delay, faults=faults
    )


def server_url(server: DemoPortalServer) -> str:
    return server.url


def start_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    articles: int = 240,
    seed: int = 1,
    day: int = 0,
    faults: FaultPlan | None = None,
    extras: bool = False,
) -> tuple[DemoPortalServer, str]:
    """Serve from a daemon thread; the caller calls server.shutdown() and server.server_close()."""
    server = make_server(host, port, articles, seed, day=day, faults=faults, extras=extras)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="demo-portal", daemon=True
    )
    thread.start()
    return server, server.url
