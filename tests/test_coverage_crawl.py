"""Every article a portal publishes (issue 15): a crawl of the demo portal with its extras
(sections only a dropdown or the footer reaches, an oddly named one, a sitemap index with a
gzip child, an RSS feed, sitemap-only articles, a section created on day 2, a document
register and a schedule) archives every article, each attributed to the sources that list
it, checked against the demo portal's own truth. Real HTTP over loopback, real SQLite."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from portal_spider.demo_portal import DemoPortal

from .conftest import REPO, free_port, portal_archive, start_demo_portal, stop
from .demo_truth import published_urls

ARTICLES = 240


def _crawl_day(db: Path, day: int, port: int) -> str:
    process, url = start_demo_portal(
        "--extras", "--articles", str(ARTICLES), "--day", str(day), "--port", str(port)
    )
    try:
        result = portal_archive("crawl", "demo", "--base-url", url, "--db", str(db))
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, dict[int, str]]:
    db = tmp_path_factory.mktemp("coverage") / "demo.db"
    port = free_port()
    logs = {day: _crawl_day(db, day, port) for day in (0, 2)}
    return db, port, logs


def _live_articles(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute(
        "select url from articles where removed_at is null and extraction_failed is null"
    )
    return {url for (url,) in rows}


def test_day_0_archives_every_published_article_with_its_sources(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    port = free_port()
    log = _crawl_day(db, 0, port)
    truth = published_urls(DemoPortal(ARTICLES, extras=True), f"http://127.0.0.1:{port}/")
    with sqlite3.connect(db) as conn:
        assert _live_articles(conn) == set(truth)
        sources: dict[str, set[str]] = defaultdict(set)
        for url, source in conn.execute("select url, source from article_sources"):
            sources[url].add(source)
        crawl = conn.execute(
            "select listed, listed_archived, found_listing_only, found_second_only, found_both,"
            " sections_behind from crawls"
        ).fetchone()
    wrong = {url: (sources.get(url), set(want)) for url, want in truth.items()
             if sources.get(url) != set(want)}  # fmt: skip
    assert not wrong, list(wrong.items())[:5]
    sitemap_only = {url for url, want in truth.items() if "listing" not in want}
    assert len(sitemap_only) >= 4
    listed, archived, listing_only, second_only, both, behind = crawl
    assert (listed, archived) == (len(truth), len(truth))
    assert second_only == len(sitemap_only)
    assert listing_only + second_only + both == len(truth)
    assert "Nông thôn mới" in behind
    assert f"sitemap/feed only {len(sitemap_only)}" in log


def test_sections_found_by_evidence_and_non_news_kept_apart(
    crawled: tuple[Path, int, dict[int, str]],
) -> None:
    db, _, _ = crawled
    model = DemoPortal(ARTICLES, day=2, extras=True)
    truth = model.truth()
    with sqlite3.connect(db) as conn:
        rows = {
            path: (kind, found_by)
            for path, kind, found_by in conn.execute("select path, kind, found_by from sections")
        }
    news = {section.path for section in truth.news_sections}
    assert news <= set(rows)
    assert all(rows[path][0] == "news" for path in news)
    for target in truth.non_news:
        assert rows[target.path][0] != "news", target
    assert rows["/van-ban/"][0] == "documents"
    assert rows["/lich-cong-tac/"][0] == "schedule"
    reach = {section.path: section.reach for section in truth.news_sections}
    footer_only = [path for path, how in reach.items() if how == {"footer"}]
    assert footer_only and all(rows[path][1] == "footer" for path in footer_only)


def test_a_section_created_later_is_found_and_archived(
    crawled: tuple[Path, int, dict[int, str]],
) -> None:
    db, port, logs = crawled
    model = DemoPortal(ARTICLES, day=2, extras=True)
    later = [s for s in model.truth().news_sections if s.created_day == 2]
    assert later, "the demo has a section created on day 2"
    truth = published_urls(model, f"http://127.0.0.1:{port}/")
    with sqlite3.connect(db) as conn:
        live = _live_articles(conn)
        found = conn.execute(
            "select found_by, first_found_at > (select min(started_at) from crawls) "
            "from sections where path = ?",
            [later[0].path],
        ).fetchone()
    assert set(truth) <= live
    assert found == ("menu", 1)
    assert any(later[0].path in url for url in truth)
    assert "coverage:" in logs[2]


def test_a_portal_registered_by_its_home_url_alone_is_archived_whole(tmp_path: Path) -> None:
    """No seed sections: discovery finds every news section, sitemaps add the rest."""
    config = tmp_path / "portals.toml"
    db = tmp_path / "home.db"
    port = free_port()
    process, url = start_demo_portal("--extras", "--articles", str(ARTICLES), "--port", str(port))
    config.write_text(
        f'[portals.home-only]\nname = "Cổng mới"\nbase_url = "{url}"\nplatform = "generic"\n',
        encoding="utf-8",
    )
    try:
        result = portal_archive("crawl", "home-only", "--config", str(config), "--db", str(db))
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-3000:]
    truth = published_urls(DemoPortal(ARTICLES, extras=True), url)
    with sqlite3.connect(db) as conn:
        assert _live_articles(conn) == set(truth)
        found = {path for (path,) in conn.execute("select path from sections where kind = 'news'")}
    assert {s.path for s in DemoPortal(ARTICLES, extras=True).truth().news_sections} <= found


def test_a_vanished_section_is_a_notice_not_a_failure(tmp_path: Path) -> None:
    config = tmp_path / "portals.toml"
    db = tmp_path / "gone.db"
    process, url = start_demo_portal("--articles", "40")
    config.write_text(
        f"""[portals.gone]
name = "Cổng thử nghiệm"
base_url = "{url}"
platform = "demo"
sections = [
    {{ path = "/chinh-tri/", name = "Chính trị" }},
    {{ path = "/chuyen-muc-da-bo/", name = "Chuyên mục đã bỏ" }},
]
""",
        encoding="utf-8",
    )
    try:
        result = portal_archive("crawl", "gone", "--config", str(config), "--db", str(db))
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "notice: section /chuyen-muc-da-bo/ gone" in result.stderr
    with sqlite3.connect(db) as conn:
        status, detail = conn.execute(
            "select status, status_detail from sections where path = '/chuyen-muc-da-bo/'"
        ).fetchone()
        (crawl_status,) = conn.execute("select status from crawls").fetchone()
    assert status == "gone" and "404" in detail
    assert crawl_status == "ok"


def test_sections_no_menu_reached_are_found_through_the_sitemap(tmp_path: Path) -> None:
    """With a discovery budget too small for the whole menu, the articles of the sections
    left unjudged arrive through the sitemap; their folders are judged as candidates
    (found_by "sitemap"), named by their own page, and crawled as news."""
    db = tmp_path / "budget.db"
    process, url = start_demo_portal("--extras", "--articles", "80")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "portal=demo",
             "-a", f"base_url={url}", "-s", f"ARCHIVE_DB_PATH={db}",
             "-s", "PORTAL_DISCOVERY_BUDGET=4", "-s", "LOG_LEVEL=WARNING"],
            capture_output=True, text=True, timeout=300, cwd=REPO,
        )  # fmt: skip
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-3000:]
    truth = published_urls(DemoPortal(80, extras=True), url)
    with sqlite3.connect(db) as conn:
        assert _live_articles(conn) == set(truth)
        by_sitemap = conn.execute(
            "select path, name, kind, complete from sections where found_by = 'sitemap'"
        ).fetchall()
    assert by_sitemap, "some sections were left to the sitemap by the small budget"
    names = {s.path: s.name for s in DemoPortal(80, extras=True).truth().news_sections}
    for path, name, kind, complete in by_sitemap:
        assert (name, kind, complete) == (names[path], "news", 1)
    with sqlite3.connect(db) as conn:
        unplaced = conn.execute("select count(*) from articles where section is null").fetchone()
    assert unplaced == (0,)  # the sitemap reached them first, the new section's listing placed them
