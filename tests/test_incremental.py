"""Scheduled, change-aware crawling over real sockets: day 0 then day 1 of the demo portal."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from archive.lock import ArchiveLock
from archive.schema import open_archive
from portal_spider.demo_portal import DemoPortal

from .conftest import free_port, start_demo_portal, stop

ARTICLES = 2000


def _crawl(url: str, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal_spider", "crawl", "demo", "--base-url", url,
         "--db", str(db), *extra],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def _crawl_day(day: int, db: Path, port: int) -> subprocess.CompletedProcess[str]:
    # The same port every day: archived URLs include it, as a real portal's host is stable.
    process, url = start_demo_portal(
        "--articles", str(ARTICLES), "--day", str(day), "--port", str(port)
    )
    try:
        return _crawl(url, db)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("incremental") / "demo.db"
    port = free_port()
    for day in (0, 1):
        result = _crawl_day(day, db, port)
        assert result.returncode == 0, result.stderr[-3000:]
    return db


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_day_one_costs_a_handful_of_requests(two_days: Path) -> None:
    conn = sqlite3.connect(two_days)
    rows = conn.execute(
        "select status, requests, responses_by_status, articles_new, articles_updated, "
        "articles_removed from crawls order by id"
    ).fetchall()
    assert [r[0] for r in rows] == ["ok", "ok"]
    _, requests, by_status, new, updated, removed = rows[1]
    by_status = json.loads(by_status)
    assert requests <= 120, by_status
    assert by_status.get("200", 0) <= 40, by_status
    assert by_status.get("304", 0) > 0
    assert (new, updated, removed) == (20, 3, 3)


def test_new_edited_and_removed_articles(two_days: Path) -> None:
    changes = DemoPortal(articles=ARTICLES, day=1).changes(1)
    db = open_archive(two_days)
    by_path = {
        _path(url): (version, reason)
        for url, version, reason in db.execute(
            "select url, version, removal_reason from articles"
        ).fetchall()
    }
    assert len(by_path) == ARTICLES + 20
    for meta in changes.new:
        assert by_path[meta.path] == (1, None)
    for edit in changes.edited:
        assert by_path[edit.meta.path] == (2, None)
        diff = db.execute(
            "select change from article_changes where url like ?", ["%" + edit.meta.path]
        ).fetchone()[0]
        assert "[-" in diff and "{+" in diff
    for removal in changes.removed:
        version, reason = by_path[removal.meta.path]
        assert reason == removal.kind
        tombstone = db.execute(
            "select tombstone from article_versions v join articles a on a.id = v.article_id "
            "where a.url like ? and v.version = ?",
            ["%" + removal.meta.path, version],
        ).fetchone()[0]
        assert tombstone == 1
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_second_crawl_of_the_same_archive_exits_3(tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    process, url = start_demo_portal("--articles", "30")
    try:
        with ArchiveLock(db):
            result = _crawl(url, db)
        assert result.returncode == 3
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "lock" in lines[0].lower()
        holder = ArchiveLock(db)
        holder.__enter__()
        threading.Timer(1.5, holder.__exit__, (None, None, None)).start()
        waited = _crawl(url, db, "--wait")
        assert waited.returncode == 0, waited.stderr[-2000:]
    finally:
        stop(process)
