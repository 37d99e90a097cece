"""robots.txt Crawl-delay is honoured, even on a loopback portal crawled at full speed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .conftest import portal_archive, start_demo_portal, stop


def _crawl_stats(tmp_path: Path, *portal_args: str) -> dict[str, object]:
    process, url = start_demo_portal("--articles", "3", *portal_args)
    db = tmp_path / f"polite{len(portal_args)}.db"
    try:
        result = portal_archive("crawl", "demo", "--base-url", url, "--db", str(db), timeout=120)
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-2000:]
    conn = sqlite3.connect(db)
    row = conn.execute("select stats, requests from crawls").fetchone()
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    return {**json.loads(row[0]), "requests": row[1], "articles": articles}


def test_crawl_delay_from_robots_txt_spaces_requests(tmp_path: Path) -> None:
    fast = _crawl_stats(tmp_path)
    slow = _crawl_stats(tmp_path, "--crawl-delay", "0.4")
    assert fast["articles"] == slow["articles"] == 3  # sections with 1-2 articles are listings
    assert "portal/crawl_delay" not in fast
    assert slow["portal/crawl_delay"] == 0.4
    gaps = int(slow["requests"]) - 2  # robots.txt and the first page are not spaced
    # Scrapy randomises each delay between 0.5x and 1.5x.
    assert float(slow["elapsed_time_seconds"]) >= gaps * 0.4 * 0.5
    assert float(fast["elapsed_time_seconds"]) < gaps * 0.4 * 0.5


def test_robots_off_only_by_registry_flag_and_recorded(tmp_path: Path) -> None:
    process, url = start_demo_portal("--articles", "3")
    config = tmp_path / "rude.toml"
    config.write_text(
        "[portals.rude]\n"
        'name = "Thử nghiệm"\n'
        f'base_url = "{url}"\n'
        'platform = "demo"\n'
        "obey_robots = false\n"
        'contact = "https://lab.example/lien-he"\n'
        'sections = [{ path = "/chinh-tri/", name = "Chính trị" }]\n',
        encoding="utf-8",
    )
    db = tmp_path / "rude.db"
    try:
        result = portal_archive("crawl", "rude", "--config", str(config), "--db", str(db))
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-2000:]
    obeyed, stats = (
        sqlite3.connect(db).execute("select robots_obeyed, stats from crawls").fetchone()
    )
    assert obeyed == 0
    assert "robotstxt/request_count" not in json.loads(stats)  # robots.txt not even fetched
