"""The HTTP server: threaded, keep-alive HTTP/1.1, with an ordered visitor counter.

Pages are numbered in the order their bytes leave the server: taking the counter value and
writing the whole response happen under one lock, so the counter series a crawler records never
decreases even with many parallel keep-alive connections.
"""

from __future__ import annotations

import socketserver
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .content import DemoPortal
from .counter import VisitorCounter, counter_html
from .routes import Response, Router


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

    def _serve(self, send_body: bool) -> None:
        response = self.server.router.route(self.path)
        page = response.page
        if page is None:
            self._send(response, response.body, send_body)
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
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(body)}",
        ]
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

    def __init__(self, address: tuple[str, int], portal: DemoPortal, verbose: bool = False) -> None:
        self.portal = portal
        self.router = Router(portal)
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
) -> DemoPortalServer:
    """Build the portal and bind the server (port 0 = any free port). Raises OSError, ValueError."""
    return DemoPortalServer((host, port), DemoPortal(articles, seed), verbose=verbose)


def server_url(server: DemoPortalServer) -> str:
    return server.url


def start_in_thread(
    host: str = "127.0.0.1", port: int = 0, articles: int = 240, seed: int = 1
) -> tuple[DemoPortalServer, str]:
    """Serve from a daemon thread; the caller calls server.shutdown() and server.server_close()."""
    server = make_server(host, port, articles, seed)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="demo-portal", daemon=True
    )
    thread.start()
    return server, server.url
