"""`portal-archive add` on served fixture portals, one per platform family (issue 15).

Each portal under tests/fixtures/portals/ (see its README) is a small site in its platform's
markup: a home page with menus, dropdowns and a footer; news sections reachable only through
a dropdown, only through the footer, only behind a home block's "Xem tất cả", one named as no
word list would guess, each with two listing pages; busy non-news targets (document register,
schedule, Q&A, procedures, static and dead pages). Its portal.json says what each target is.
`add` must find every news section, call no other target news, give each target its kind and
evidence, and write exactly the news sections; a crawl of what it wrote (slow test) must
archive every article the portal publishes.
"""

from __future__ import annotations

import json
import sqlite3
import tomllib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from portal_spider.extract import extract_page

from .conftest import portal_archive
from .portal_fixture_server import FAMILIES, FixturePortal, load_portal, route_key, serve_portal


def _dry_run(family: str, config: Path) -> tuple[FixturePortal, Any, bool]:
    with serve_portal(family) as portal:
        result = portal_archive("add", portal.url, "--dry-run", "--json", "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    return portal, json.loads(result.stdout), config.exists()


@pytest.fixture(scope="module")
def dry_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[FixturePortal, Any, bool]]:
    """`add URL --dry-run --json` once per family (three at a time: each is a Scrapy process
    that mostly waits on its polite delays)."""
    folder = tmp_path_factory.mktemp("dry-run")
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = pool.map(lambda f: _dry_run(f, folder / f"{f}.toml"), FAMILIES)
        return dict(zip(FAMILIES, runs, strict=True))


def _by_path(candidates: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {route_key(c["path"]): c for c in candidates}


def test_every_family_has_a_fixture_portal() -> None:
    assert set(FAMILIES) == {
        "liferay", "sharepoint", "dotnetnuke", "nukeviet", "joomla",
        "wordpress", "drupal", "aspnet", "cms2023", "custom_php",
    }  # fmt: skip


def _get(url: str, data: bytes | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.url, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.read()


def test_fixture_server_answers_like_a_portal() -> None:
    """robots.txt allows all, unknown paths 404, Liferay's / redirects to its home page,
    absolute links point at the server, a SharePoint postback gets the second listing page."""
    with serve_portal("liferay") as portal:
        assert _get(portal.url + "robots.txt")[::2] == (200, b"User-agent: *\nAllow: /\n")
        assert _get(portal.url + "no-such-page")[0] == 404
        status, final, body = _get(portal.url)
        assert (status, final) == (200, portal.url + "web/guest/trang-chu")
        assert "Đất và người Tân Mẫu".encode() in body
        assert ("GET", "/") in portal.requests
    with serve_portal("wordpress") as portal:
        body = _get(portal.url + "category/khuyen-nong/")[2]
        assert portal.manifest["origin"].encode() not in body
        assert (portal.origin + "/category/khuyen-nong/page/2/").encode() in body
        robots = _get(portal.url + "robots.txt")[2].decode()
        assert f"Sitemap: {portal.origin}/wp-sitemap.xml" in robots
    with serve_portal("sharepoint") as portal:
        section = portal.truth["news_sections"][0]["path"]
        first = _get(portal.origin + section)[2]
        second = _get(portal.origin + section, data=b"__EVENTTARGET=next")[2]
        assert b'class="paging-current">1<' in first and b'class="paging-current">2<' in second


# Article pages the extractor reads wrongly, by headline: a finding about extraction, kept
# because the markup is the family's own. Strict: a fix makes the test fail until removed here.
# (Empty since the <title>'s site name is told by its wording, not by being the shorter part.)
UNREAD_TITLES: set[str] = set()
# Listing pages the extractor does not read as listings, by (family, path). (Empty since
# NukeViet's dateless grid view reads as a listing: a page with no text of its own outside
# its thumbnail tiles.)
UNREAD_LISTINGS: set[tuple[str, str]] = set()


@pytest.mark.parametrize("family", FAMILIES)
def test_fixture_pages_read_as_their_platform_articles_and_listings(family: str) -> None:
    """The pages are valid input: articles with title, date and body; listings with their
    items and the next page (a postback on SharePoint); the family's platform detected."""
    portal = load_portal(family)
    portal.url = "http://127.0.0.1:8000/"
    routes = portal.routes()
    pages = portal.manifest["pages"]
    misread = {}
    for path in pages["articles"]:
        record = extract_page(portal.body(routes[route_key(path)]), portal.origin + path)
        assert (record.kind, record.platform) == ("article", portal.manifest["platform"]), path
        assert record.published_at and record.body_text, path
        if record.title is None:
            misread[path] = portal.manifest["titles"][path]
    assert set(misread.values()) <= UNREAD_TITLES, misread
    for listing in pages["listings"]:
        path = listing["path"]
        record = extract_page(portal.body(routes[route_key(path)]), portal.origin + path)
        assert record.platform == portal.manifest["platform"], path
        if (family, path) in UNREAD_LISTINGS:
            continue  # checked by test_known_misreads_are_still_misread
        assert record.kind == "listing", path
        assert len(record.links) >= 3, path
        if listing["next"] == "postback":
            assert record.postback is not None, path
        elif listing["next"] is None:
            assert record.next_page is None, path
        else:
            assert record.next_page == portal.origin + listing["next"], path


@pytest.mark.parametrize("family", FAMILIES)
def test_fixture_articles_sign_no_author_from_page_furniture(family: str) -> None:
    """The fixture portals sign no article: any author read is page furniture (the footer
    menu's "Văn hóa - Xã hội", signature-shaped, was every Joomla article's author)."""
    portal = load_portal(family)
    portal.url = "http://127.0.0.1:8000/"
    routes = portal.routes()
    authors = {}
    for path in portal.manifest["pages"]["articles"]:
        body = portal.body(routes[route_key(path)])
        record = extract_page(body, portal.origin + path)
        if record.author is not None:
            authors[path] = record.author
    assert authors == {}


def test_known_misreads_are_still_misread() -> None:
    """UNREAD_TITLES and UNREAD_LISTINGS stay honest: each entry is still misread."""
    titles, listings = set(), set()
    for family in FAMILIES:
        portal = load_portal(family)
        portal.url = "http://127.0.0.1:8000/"
        routes = portal.routes()
        for path, title in portal.manifest["titles"].items():
            if title in UNREAD_TITLES:
                record = extract_page(portal.body(routes[route_key(path)]), portal.origin + path)
                if record.title is None:
                    titles.add(title)
        for path in (listing["path"] for listing in portal.manifest["pages"]["listings"]):
            if (family, path) in UNREAD_LISTINGS:
                record = extract_page(portal.body(routes[route_key(path)]), portal.origin + path)
                if record.kind != "listing":
                    listings.add((family, path))
    assert (titles, listings) == (UNREAD_TITLES, UNREAD_LISTINGS)


@pytest.mark.parametrize("family", FAMILIES)
def test_add_finds_every_news_section(family: str, dry_runs: dict[str, Any]) -> None:
    portal, candidates, _ = dry_runs[family]
    found = _by_path(candidates)
    verdicts = {
        s["path"]: found.get(route_key(s["path"]), {}).get("verdict", "not a candidate")
        for s in portal.truth["news_sections"]
    }
    assert verdicts == {s["path"]: s["kind"] for s in portal.truth["news_sections"]}


@pytest.mark.parametrize("family", FAMILIES)
def test_add_calls_nothing_else_news(family: str, dry_runs: dict[str, Any]) -> None:
    """No non-news target, and no candidate outside the truth, gets verdict news."""
    portal, candidates, _ = dry_runs[family]
    news = {route_key(s["path"]) for s in portal.truth["news_sections"]}
    wrong = {c["path"]: c["evidence"] for c in candidates if c["verdict"] == "news"}
    assert {p: e for p, e in wrong.items() if route_key(p) not in news} == {}
    found = _by_path(candidates)
    seen = [t for t in portal.truth["non_news"] if route_key(t["path"]) in found]
    assert len(seen) >= 4, "the busy non-news targets must be candidates, or this proves nothing"


@pytest.mark.parametrize("family", FAMILIES)
def test_add_gives_non_news_targets_their_own_kind(family: str, dry_runs: dict[str, Any]) -> None:
    """Document registers, schedules, Q&A, procedures, static and dead pages are recorded as
    what they are; a link to another domain is no candidate at all."""
    portal, candidates, _ = dry_runs[family]
    found = _by_path(candidates)
    verdicts = {
        t["path"]: found[route_key(t["path"])]["verdict"] if route_key(t["path"]) in found else None
        for t in portal.truth["non_news"]
    }
    expected = {
        t["path"]: None if t["kind"] == "external" else t["kind"] for t in portal.truth["non_news"]
    }
    assert verdicts == expected


@pytest.mark.parametrize("family", FAMILIES)
def test_add_prints_evidence_and_writes_nothing(family: str, dry_runs: dict[str, Any]) -> None:
    portal, candidates, config_written = dry_runs[family]
    assert not config_written
    assert candidates and all(
        set(c) >= {"path", "name", "found_in", "verdict", "evidence", "url"} for c in candidates
    )
    assert all(c["evidence"].strip() for c in candidates)
    news = {route_key(s["path"]) for s in portal.truth["news_sections"]}
    for c in candidates:
        if route_key(c["path"]) in news and c["verdict"] in ("news", "aggregate"):
            assert "listing" in c["evidence"], c


def test_add_writes_exactly_the_news_sections_and_they_crawl_whole(tmp_path: Path) -> None:
    """Without --dry-run: news sections only (not the aggregate 'Tin tức' parent page, not
    the document register), keyed by path, in a registry file that loads; a crawl of that
    entry then archives every article the portal publishes."""
    config, db = tmp_path / "portals.toml", tmp_path / "archive.db"
    with serve_portal("cms2023") as portal:
        added = portal_archive("add", portal.url, "--config", str(config), "--slug", "xa-mau")
        assert added.returncode == 0, added.stderr[-2000:]
        crawled = portal_archive("crawl", "xa-mau", "--config", str(config), "--db", str(db))
        assert crawled.returncode == 0, crawled.stderr[-2000:]
    entry = tomllib.loads(config.read_text(encoding="utf-8"))["portals"]["xa-mau"]
    assert entry["platform"] == "cms2023" and entry["base_url"] == portal.url
    written = {s["path"]: s["name"] for s in entry["sections"]}
    news = portal.truth["news_sections"]
    assert written == {s["path"]: s["name"] for s in news if s["kind"] == "news"}
    with sqlite3.connect(db) as connection:
        archived = {url for (url,) in connection.execute("SELECT url FROM articles")}
    assert archived == {portal.origin + path for path in portal.manifest["pages"]["articles"]}


def _add_and_crawl(family: str, folder: Path) -> tuple[FixturePortal, set[str], str]:
    config, db = folder / f"{family}.toml", folder / f"{family}.db"
    with serve_portal(family) as portal:
        added = portal_archive("add", portal.url, "--config", str(config), "--slug", "fx")
        assert added.returncode == 0, added.stderr[-2000:]
        crawled = portal_archive("crawl", "fx", "--config", str(config), "--db", str(db))
    with sqlite3.connect(db) as connection:
        archived = {url for (url,) in connection.execute("SELECT url FROM articles")}
    return portal, archived, crawled.stdout + crawled.stderr


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`add URL` then `crawl` of what it wrote, once per family, three at a time."""
    folder = tmp_path_factory.mktemp("crawl")
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = pool.map(lambda f: _add_and_crawl(f, folder), FAMILIES)
        return dict(zip(FAMILIES, runs, strict=True))


@pytest.mark.slow  # 30-70 s for the ten portals; the file without it stays under a minute
@pytest.mark.parametrize("family", FAMILIES)
def test_add_then_crawl_archives_every_article(family: str, crawls: dict[str, Any]) -> None:
    """The goal of issue 15 on each fixture portal, from its home URL alone: every article
    (on nukeviet, the grid-view section's articles come from the sitemap and the feed)."""
    portal, archived, output = crawls[family]
    published = {portal.origin + path for path in portal.manifest["pages"]["articles"]}
    assert sorted(published - archived) == [], output[-1500:]
