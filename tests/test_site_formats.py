"""Unknown formats are answered 404, known ones unchanged (issue 13, point 8): before
``archive_formats``, ``/archive/search.rss`` was the canned query's HTML page with a 200.
In-process Datasette over a copy of the demo archive, plus the pattern on its own."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from archive.site.plugins.archive_formats import BUILT_IN, unknown_format_pattern

from .site_support import Site, copy_archive


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield Site(copy_archive(demo_archive, tmp_path_factory.mktemp("formats") / "demo.db"))


def get(site: Site, path: str) -> httpx.Response:
    return asyncio.run(site.datasette.client.get(path))


@pytest.mark.parametrize(
    "path",
    [
        "/archive/search.rss?q=ubnd",  # the canned query of the issue
        "/archive/articles.xyz",
        "/archive/articles.html5",
        "/archive/articles/1.rss",
        "/archive/portal_feed.rss?portal=demo",
        "/archive.rss",
        "/archive/article_versions/1.xml",
    ],
)
def test_unknown_formats_are_a_vietnamese_404(site: Site, path: str) -> None:
    response = get(site, path)
    assert response.status_code == 404, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="vi"' in response.text
    assert "Không tìm thấy" in response.text
    assert "select" not in response.text.split("<title>")[1].split("</title>")[0].lower()


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/archive/articles.json", "application/json"),
        ("/archive/articles.csv", "text/plain"),  # Datasette's CSV (no _dl)
        ("/archive/articles.jsono", ""),  # a redirect to _shape=objects
        ("/archive/articles/1.json", "application/json"),
        ("/archive/search.json?q=ubnd", "application/json"),
        ("/archive/portal_feed.atom?portal=demo", "application/xml"),  # datasette-atom's type
        ("/archive.json", "application/json"),
        ("/archive/articles", "text/html"),
        ("/archive/articles/1", "text/html"),
        ("/-/search.json?q=ubnd", "application/json"),
        ("/-/versions.json", "application/json"),
        ("/favicon.ico", "image/"),
    ],
)
def test_known_formats_are_untouched(site: Site, path: str, kind: str) -> None:
    response = get(site, path)
    assert response.status_code in (200, 302), (path, response.status_code)
    assert response.headers.get("content-type", "").startswith(kind), response.headers


def test_our_own_pages_answer_their_formats() -> None:
    pattern = re.compile(unknown_format_pattern(BUILT_IN | {"atom"}, ["snapshots"]))
    assert pattern.match("/archive/search.rss")
    assert pattern.match("/archive/articles/12.xml")
    assert pattern.match("/nope.rss")  # a database that does not exist: a 404 either way
    for left_alone in (
        "/-/search.rss",  # archive_search_page's own Vietnamese 404
        "/-/web/http://portal.vn/tin/1.html",
        "/-/static/app.css",
        "/favicon.ico",
        "/snapshots/archive-2026-12-07T120000Z.db.sha256",
        "/snapshots/notes.txt",  # a --static mount
        "/archive/articles.atom",
        "/archive/articles/12",
        "/archive/articles",
    ):
        assert not pattern.match(left_alone), left_alone
