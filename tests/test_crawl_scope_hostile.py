"""The crawler stays on the portal: foreign hosts, off-scope redirects, non-HTTP schemes.

A small proxy in front of the demo portal plants hostile links in a listing page and makes
one article redirect to another host; every request that reaches the proxy is recorded with
the Host it was meant for.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from .conftest import portal_archive, start_demo_portal, stop

ARTICLES = 30
HOSTILE = (
    "file:///etc/passwd",
    "ftp://127.0.0.1:{port}/x.html",
    "data:text/html,<b>x</b>",
    "javascript:alert(1)",
    "http://localhost:{port}/chinh-tri/elsewhere-99999.html",
)


class _Proxy(BaseHTTPRequestHandler):
    upstream = ""
    redirect_path = ""
    seen: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        self.seen.append((self.headers.get("Host", ""), self.path))
        if self.path == self.redirect_path:
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{port}/chinh-tri/moved.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with urllib.request.urlopen(self.upstream.rstrip("/") + self.path) as answer:
            body = answer.read()
            content_type = answer.headers.get("Content-Type", "text/html")
        if self.path == "/chinh-tri/":
            planted = "".join(
                f'<div class="news-item"><a class="title" href="{h.format(port=port)}">'
                f"Tin giả số {n}</a></div>"
                for n, h in enumerate(HOSTILE)
            )
            body = body.replace(
                b'<div class="list-news">', b'<div class="list-news">' + planted.encode()
            )
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxied_portal() -> Iterator[tuple[str, type[_Proxy]]]:
    process, upstream = start_demo_portal("--articles", str(ARTICLES))
    html = urllib.request.urlopen(upstream + "chinh-tri/").read().decode()
    first = html.split('<div class="list-news">', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    handler = type("Proxy", (_Proxy,), {"upstream": upstream, "redirect_path": first, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", handler
    finally:
        server.shutdown()
        stop(process)


def test_crawler_never_leaves_the_portal(proxied_portal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, handler = proxied_portal
    db = tmp_path / "archive.db"
    result = portal_archive("crawl", "demo", "--base-url", url, "--db", str(db))
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    hosts = {host for host, _ in handler.seen}
    assert hosts == {url.split("/")[2]}, hosts  # nothing was requested as "localhost"
    assert not any(
        path.endswith(("x.html", "moved.html", "99999.html")) for _, path in handler.seen
    )
    conn = sqlite3.connect(db)
    urls = [u for (u,) in conn.execute("select url from articles")]
    assert len(urls) == ARTICLES - 1  # the redirected article is lost, nothing else
    assert all(u.startswith(url) for u in urls)
    stats = json.loads(conn.execute("select stats from crawls").fetchone()[0])
    filtered = stats.get("offsite/filtered", 0)
    kinds = dict(conn.execute("select kind, count(*) from crawl_errors group by kind"))
    assert filtered + kinds.get("offsite", 0) >= 1, (stats, kinds)


def test_non_http_download_handlers_are_disabled() -> None:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("portal_spider.settings", priority="project")
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers.get(scheme, "") is None for scheme in ("file", "ftp", "s3", "data"))
