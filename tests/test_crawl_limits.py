"""No silent caps (issue 15): limits make a crawl partial, and the next crawl finishes it.

Real crawls of the demo portal over loopback, real SQLite files.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from portal_spider.demo_portal import DemoPortal
from portal_spider.second_sources import SITEMAP_PATHS

from .conftest import free_port, portal_archive, start_demo_portal, stop

ARTICLES = 160


def _articles(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {
            "/" + url.split("/", 3)[3]
            for (url,) in conn.execute("select url from articles where extraction_failed is null")
        }


def _truth(articles: int) -> set[str]:
    return {meta.path for meta in DemoPortal(articles).iter_articles()}


def test_a_limited_crawl_is_partial_and_the_next_one_completes_it(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    process, url = start_demo_portal("--articles", str(ARTICLES), "--port", str(free_port()))
    try:
        cut = portal_archive(
            "crawl", "demo", "--base-url", url, "--db", str(db), "--max-pages-per-section", "2"
        )
        assert cut.returncode == 1, cut.stderr[-2000:]
        assert ": partial in " in cut.stderr
        assert "max_pages_per_section" in cut.stderr
        first = _articles(db)
        # 4 sections, 2 listing pages of 10 each: at most 80 of the 160 articles.
        assert 0 < len(first) <= 80
        with sqlite3.connect(db) as conn:
            status, limits = conn.execute(
                "select status, limits_hit from crawls order by id desc limit 1"
            ).fetchone()
            incomplete = conn.execute(
                "select count(*) from sections where portal = 'demo' and complete = 0"
            ).fetchone()[0]
        assert status == "partial"
        assert "stopped after 2 listing pages" in limits
        assert incomplete >= 1

        # A plain incremental crawl: the first listing pages hold only known articles, yet
        # the cut sections are followed to their end.
        again = portal_archive("crawl", "demo", "--base-url", url, "--db", str(db))
        assert again.returncode == 0, again.stderr[-2000:]
        assert _articles(db) == _truth(ARTICLES)
        with sqlite3.connect(db) as conn:
            states = conn.execute(
                "select complete, reached_end_at is not null from sections where portal = 'demo'"
            ).fetchall()
        assert states and all(complete == 1 and ended for complete, ended in states)

        # Now every section is whole: the next crawl stops at the first page of known
        # articles in each section (no revisits: only listing pages are asked for).
        third = portal_archive(
            "crawl", "demo", "--base-url", url, "--db", str(db), "--revisit-days", "0"
        )
        assert third.returncode == 0, third.stderr[-2000:]
        with sqlite3.connect(db) as conn:
            requests, stats = conn.execute(
                "select requests, stats from crawls order by id desc limit 1"
            ).fetchone()
        stats = json.loads(stats)
        assert stats["portal/stopped_at_known"] == 4
        # robots.txt, the home page (discovery), the usual sitemap paths (the classic demo
        # has none), and the first listing page of each of the 4 sections: nothing else.
        assert requests <= 1 + 1 + len(SITEMAP_PATHS) + 4
    finally:
        stop(process)


def test_max_requests_is_a_limit_too(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    process, url = start_demo_portal("--articles", "80")
    try:
        cut = portal_archive(
            "crawl", "demo", "--base-url", url, "--db", str(db), "--max-requests", "15"
        )
    finally:
        stop(process)
    assert cut.returncode == 1, cut.stderr[-2000:]
    assert "partial" in cut.stderr and "max_requests" in cut.stderr
    with sqlite3.connect(db) as conn:
        (limits,) = conn.execute("select limits_hit from crawls").fetchone()
    assert "max_requests" in limits


def test_registry_limits_apply_and_the_command_line_overrides_them(tmp_path: Path) -> None:
    config = tmp_path / "portals.toml"
    db = tmp_path / "demo.db"
    process, url = start_demo_portal("--articles", "80")
    config.write_text(
        f"""[portals.small]
name = "Cổng thử nghiệm"
base_url = "{url}"
platform = "demo"
max_pages_per_section = 1
sections = [{{ path = "/chinh-tri/", name = "Chính trị" }}]
""",
        encoding="utf-8",
    )
    try:
        limited = portal_archive("crawl", "small", "--config", str(config), "--db", str(db))
        assert limited.returncode == 1
        assert "stopped after 1 listing pages" in limited.stderr
        whole = portal_archive(
            "crawl", "small", "--config", str(config), "--db", str(db),
            "--max-pages-per-section", "1000",
        )  # fmt: skip
        assert whole.returncode == 0, whole.stderr[-2000:]
    finally:
        stop(process)


@pytest.mark.slow
@pytest.mark.timeout(1200)  # about 70 s alone on 2 cores; far more when the machine is busy
def test_a_section_of_12000_articles_is_archived_whole(tmp_path: Path) -> None:
    """A province portal's 15-year news section: more than 1,000 listing pages, which the
    old page cap cut at 10,000 articles while reporting success."""
    articles = 32_000  # "Tin tức - Sự kiện" holds 3 of every 8: 12,000 articles
    expected = {
        meta.path
        for meta in DemoPortal(articles).iter_articles()
        if meta.section.slug == "tin-tuc-su-kien"
    }
    assert len(expected) >= 12_000
    config = tmp_path / "portals.toml"
    db = tmp_path / "big.db"
    process, url = start_demo_portal("--articles", str(articles))
    config.write_text(
        f"""[portals.big]
name = "Cổng thử nghiệm lớn"
base_url = "{url}"
platform = "demo"
discover = false
sections = [{{ path = "/tin-tuc-su-kien/", name = "Tin tức - Sự kiện" }}]
""",
        encoding="utf-8",
    )
    try:
        result = portal_archive(
            "crawl", "big", "--config", str(config), "--db", str(db), timeout=900
        )
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-2000:]
    assert _articles(db) == expected


def test_a_sitemap_url_limit_makes_the_crawl_partial(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    process, url = start_demo_portal("--extras", "--articles", "60")
    try:
        cut = portal_archive(
            "crawl", "demo", "--base-url", url, "--db", str(db), "--max-sitemap-urls", "5"
        )
    finally:
        stop(process)
    assert cut.returncode == 1, cut.stderr[-2000:]
    assert "partial: sitemap/feed URL limit 5 reached" in cut.stderr
    with sqlite3.connect(db) as conn:
        status, limits = conn.execute("select status, limits_hit from crawls").fetchone()
    assert status == "partial" and "max_sitemap_urls" in limits
