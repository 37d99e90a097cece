"""Atom feeds (datasette-atom) on a real crawl of the demo portal, checked by a real XML parse."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from archive.site_config import METADATA_PATH

from .site_support import Site, copy_archive

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_SIZE = 50


@pytest.fixture(scope="module")
def site(demo_archive: Path) -> Site:
    return Site(demo_archive)


def parse_feed(site: Site, path: str) -> ElementTree.Element:
    response = site.get(path)
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def aware(text: str | None) -> datetime:
    assert text
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None and moment.utcoffset() is not None, text
    return moment


def absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme == "urn")


def check_valid_atom(root: ElementTree.Element) -> list[ElementTree.Element]:
    """Atom's required elements, timezone-aware times and absolute links; returns the entries."""
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    aware(root.findtext(f"{ATOM}updated"))
    assert all(absolute(link.get("href")) for link in root.findall(f"{ATOM}link"))
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        assert (entry.findtext(f"{ATOM}id") or "").strip()
        assert (entry.findtext(f"{ATOM}title") or "").strip()
        aware(entry.findtext(f"{ATOM}updated"))
        links = entry.findall(f"{ATOM}link")
        assert links and all(absolute(link.get("href")) for link in links)
    return entries


def test_portal_feed_is_valid_atom_with_tz_aware_times(site: Site) -> None:
    root = parse_feed(site, "/demo/portal_feed.atom?portal=demo")
    assert root.findtext(f"{ATOM}title") == "Tin bài mới của một cổng / New articles on a portal"
    entries = check_valid_atom(root)
    assert len(entries) == FEED_SIZE
    articles = {
        row["url"]: row
        for row in site.rows(
            "select url, title, published_at, first_seen_at, summary, author from articles"
        )
    }
    times = []
    for entry in entries:
        article = articles[entry.findtext(f"{ATOM}id")]
        assert entry.find(f"{ATOM}link").get("href") == article["url"]
        assert entry.findtext(f"{ATOM}title") == article["title"]
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "text" and content.text == article["summary"]
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == article["author"]
        updated = aware(entry.findtext(f"{ATOM}updated"))
        published = article["published_at"]
        if published and "T" in published and published.endswith("+07:00"):
            assert updated == datetime.fromisoformat(published)  # the portal's own time
        else:  # date-only: the archive's first sighting (UTC) is the honest time
            assert updated == datetime.fromisoformat(article["first_seen_at"])
        times.append(updated)
    assert times == sorted(times, reverse=True)
    # both kinds of timestamp occur in the demo crawl
    assert {t.utcoffset().total_seconds() for t in times} == {0, 7 * 3600}


def test_feed_of_unknown_portal_is_still_valid_atom(site: Site) -> None:
    for path in ("/demo/portal_feed.atom?portal=khong-co", "/demo/portal_feed.atom"):
        entries = check_valid_atom(parse_feed(site, path))
        assert len(entries) == 1
        assert entries[0].findtext(f"{ATOM}id").startswith("urn:portal-archive:no-articles:")


def test_search_feed_when_the_search_query_exists(site: Site) -> None:
    queries = json.loads(METADATA_PATH.read_text(encoding="utf-8"))["databases"]["demo"]["queries"]
    if "search" not in queries:
        pytest.skip("the search canned query is not configured yet")
    root = parse_feed(site, "/demo/search.atom?q=thanh+uy")
    entries = check_valid_atom(root)
    assert entries
    titles = " ".join(e.findtext(f"{ATOM}title") for e in entries)
    assert "Thành ủy" in titles or "Thành uỷ" in titles


def test_feeds_are_linked_from_portal_and_article_pages(site: Site) -> None:
    feed = "/archive/portal_feed.atom?portal=demo"  # the stable route
    for path in ("/demo/portals/demo", "/demo/articles/1"):
        page = site.page(path)
        alternate = page.cssselect('link[rel=alternate][type="application/atom+xml"]')
        assert [link.get("href") for link in alternate] == [feed], path
        assert feed in {a.get("href") for a in page.cssselect("a")}, path


def test_feed_follows_the_database_name(demo_archive: Path, tmp_path: Path) -> None:
    site = Site(copy_archive(demo_archive, tmp_path / "archive.db"))
    root = parse_feed(site, "/archive/portal_feed.atom?portal=demo")
    assert len(check_valid_atom(root)) == FEED_SIZE
    assert root.findtext(f"{ATOM}id").endswith("/archive/portal_feed.atom?portal=demo")
