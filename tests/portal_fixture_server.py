"""Serve one fixture portal (tests/fixtures/portals/<family>/portal.json) on 127.0.0.1.

A whole small portal behind a real socket lets `portal-archive add` run as a user would run
it: home page, menus, listings, articles, document registers, redirects, a SharePoint postback.
Threaded stdlib server on port 0; unknown paths answer 404, robots.txt allows everything.

    with serve_portal("liferay") as portal:
        portal.url        # "http://127.0.0.1:PORT/"
        portal.truth      # the manifest's news sections and non-news targets
        portal.requests   # [(method, path), ...] in arrival order

`python tests/portal_fixture_server.py liferay` serves one in the foreground.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

PORTALS = Path(__file__).resolve().parent / "fixtures" / "portals"
FAMILIES = sorted(p.parent.name for p in PORTALS.glob("*/portal.json"))
ROBOTS = b"User-agent: *\nAllow: /\n"


def route_key(target: str) -> str:
    """Path plus query with its parameters sorted: a crawler may reorder or re-encode them.
    A URL on another host keeps its host, so it never matches one of ours."""
    parts = urlsplit(target)
    pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
    host = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return host + parts.path + (f"?{urlencode(pairs)}" if pairs else "")


@dataclass
class FixturePortal:
    """One served portal: its manifest, base URL and the requests it has answered."""

    family: str
    folder: Path
    manifest: dict[str, Any]
    url: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)

    @property
    def truth(self) -> dict[str, list[dict[str, str]]]:
        return self.manifest["truth"]

    @property
    def origin(self) -> str:
        return self.url.rstrip("/")

    def routes(self) -> dict[str, dict[str, Any]]:
        return {route_key(path): route for path, route in self.manifest["routes"].items()}

    def body(self, route: dict[str, Any], name: str = "file") -> bytes:
        """A file's bytes, the manifest's `origin` (absolute links) rewritten to ours."""
        data = (self.folder / route[name]).read_bytes()
        if self.manifest.get("origin"):
            data = data.replace(self.manifest["origin"].encode(), self.origin.encode())
        return data


def load_portal(family: str) -> FixturePortal:
    folder = PORTALS / family
    manifest = json.loads((folder / "portal.json").read_text(encoding="utf-8"))
    return FixturePortal(family=family, folder=folder, manifest=manifest)


def _handler(portal: FixturePortal) -> type[BaseHTTPRequestHandler]:
    routes = portal.routes()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # http.server's naming
            self._answer("file")

        def do_HEAD(self) -> None:
            self._answer("file", head=True)

        def do_POST(self) -> None:  # an ASP.NET/SharePoint pager postback
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self._answer("post_file")

        def _answer(self, name: str, head: bool = False) -> None:
            with lock:
                portal.requests.append((self.command, self.path))
            key = route_key(urlsplit(self.path)._replace(scheme="", netloc="").geturl())
            route = routes.get(key)
            if route is None and urlsplit(self.path).path == "/robots.txt":
                return self._send(200, ROBOTS, "text/plain; charset=utf-8", head)
            if route is None:
                return self._send(404, b"<html><body>404 Not Found</body></html>", None, head)
            if "redirect" in route:
                self.send_response(int(route.get("status", 302)))
                self.send_header("Location", portal.origin + route["redirect"])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            file = name if name in route else "file"
            kind = route.get("content_type", "text/html; charset=utf-8")
            return self._send(int(route.get("status", 200)), portal.body(route, file), kind, head)

        def _send(self, status: int, body: bytes, kind: str | None, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind or "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the request log is portal.requests

    return Handler


@contextmanager
def serve_portal(family: str) -> Iterator[FixturePortal]:
    """Serve `family`'s fixture portal on 127.0.0.1 (a free port) while the block runs."""
    portal = load_portal(family)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(portal))
    server.daemon_threads = True
    portal.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name=f"portal-{family}", daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in FAMILIES:
        sys.exit(f"usage: portal_fixture_server.py {{{','.join(FAMILIES)}}}")
    with serve_portal(argv[0]) as portal:
        print(f"Fixture portal {argv[0]}: {portal.url}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
