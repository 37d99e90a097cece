"""How much an incremental crawl re-checks and archives: dropped-out articles and --since."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from archive.queries import KnownArticle
from portal_spider.demo_portal import DemoPortal
from portal_spider.memory import CrawlMemory

from .conftest import crawl_demo_days, free_port, portal_archive, start_demo_portal, stop

ARTICLES = 240


def _known(section: str, published: str, removed: bool = False) -> KnownArticle:
    return KnownArticle(section, published, removed, None, None)


def test_dropped_out_are_the_unlisted_articles_newer_than_the_oldest_listed() -> None:
    memory = CrawlMemory(
        articles={
            "a": _known("news", "2022-06-05T08:00:00+07:00"),
            "b": _known("news", "2022-06-04T08:00:00+07:00"),  # dropped out
            "c": _known("news", "2022-06-03T08:00:00+07:00"),
            "d": _known("news", "2022-06-01T08:00:00+07:00"),  # older than every listed one
            "e": _known("other", "2022-06-04T09:00:00+07:00"),  # another section
            "f": _known("news", "2022-06-04T10:00:00+07:00", removed=True),  # already removed
            "g": _known("news", None),  # undated: cannot be placed
            "h": _known("news", "2022-06-04T11:00:00+07:00"),  # re-checked already
        }
    )
    dropped = memory.dropped_out("news", {"a", "c", "new-url"}, exclude={"h"})
    assert [r.url for r in dropped] == ["b"]
    assert memory.dropped_out("news", {"new-url"}, exclude=set()) == []
    since = memory.dropped_out("news", {"a", "c"}, exclude=set(), since="2022-06-05")
    assert since == []


def test_articles_dropped_from_listings_are_rechecked_beyond_the_revisit_window(
    tmp_path: Path,
) -> None:
    # --revisit-days 0: no recent-article revisits at all. The 3 articles taken down on
    # day 1 vanish from listing pages the crawl reads, and that alone must get them checked.
    db = tmp_path / "archive.db"
    port = free_port()
    crawl_demo_days(db, days=(0,), port=port)
    crawl_demo_days(db, days=(1,), port=port, crawl_args=("--revisit-days", "0"))
    conn = sqlite3.connect(db)
    removed = dict(
        conn.execute("select url, removal_reason from articles where removed_at is not null")
    )
    changes = DemoPortal(articles=ARTICLES, day=1).changes(1)
    assert {"/" + u.split("/", 3)[3] for u in removed} == {r.meta.path for r in changes.removed}
    assert sorted(removed.values()) == ["http_404", "redirect", "soft_404"]
    stats = json.loads(conn.execute("select stats from crawls order by id desc").fetchone()[0])
    assert stats.get("portal/dropped_out") == 3, stats
    requests = conn.execute("select requests from crawls order by id desc").fetchone()[0]
    assert requests < 60


def test_since_archives_only_articles_published_from_that_day(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    since = "2022-06-01"
    process, url = start_demo_portal("--articles", str(ARTICLES))
    try:
        result = portal_archive("crawl", "demo", "--base-url", url, "--db", str(db),
                                "--since", since)  # fmt: skip
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-2000:]
    model = DemoPortal(articles=ARTICLES)
    expected = {m.path for m in model.iter_articles() if m.published.date().isoformat() >= since}
    assert 0 < len(expected) < ARTICLES / 2
    conn = sqlite3.connect(db)
    archived = {"/" + u.split("/", 3)[3] for (u,) in conn.execute("select url from articles")}
    assert archived == expected
    requests, options = conn.execute("select requests, options from crawls").fetchone()
    assert json.loads(options)["since"] == since
    # Paging stops in each section once an older article turns up: well below a full crawl
    # (240 articles + 25 listing pages + robots.txt; measured: 133).
    assert requests < 0.6 * (ARTICLES + 26), requests


def test_since_must_be_a_date(tmp_path: Path) -> None:
    result = portal_archive("crawl", "demo", "--db", str(tmp_path / "a.db"), "--since", "June")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr or "June" in result.stderr
