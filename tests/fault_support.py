"""One crawl of the demo portal with injected faults, measured: used by tests/test_faults.py
and bench/faults.py (which prints the matrix for docs/reliability.md)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from portal_spider.demo_portal import DemoPortal
from portal_spider.demo_portal.faults import FaultPlan, article_faults, parse_kinds

from .conftest import start_demo_portal, stop
from .demo_truth import expected_fields

ARTICLES = 500
RATE = 0.1
SEED = 1
# The crawler gives up on a page after DOWNLOAD_TIMEOUT; a `slow` page answers after
# SLOW_SECONDS. Small values keep the matrix fast; a normal page answers in ~5 ms.
DOWNLOAD_TIMEOUT = 0.3
SLOW_SECONDS = 1.0
TIME_LIMIT = 150.0  # seconds for one crawl of the matrix (measured: 3-25 s)

# What the crawler records for each permanent fault of the portal.
OBSERVED_KIND = {
    "truncated": "truncated",
    "redirect_loop": "redirect_loop",
    "huge": "too_large",
    "gzip_bomb": "too_large",
    "binary": "not_html",
}


@dataclass
class FaultRun:
    """What one crawl did, and what the portal's ground truth says it should have."""

    kinds: str
    plan: FaultPlan
    model: DemoPortal
    base_url: str
    db: Path
    exit_code: int
    seconds: float
    peak_rss_mib: float
    stderr: str
    faulted: dict[str, str] = field(default_factory=dict)  # article path -> response fault

    def query(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()

    @property
    def crawl(self) -> dict:
        (row,) = self.query(
            "select status, pages, errors, errors_by_kind, requests, stats from crawls"
        )
        status, pages, errors, by_kind, requests, stats = row
        return {
            "status": status,
            "pages": pages,
            "errors": errors,
            "errors_by_kind": json.loads(by_kind),
            "requests": requests,
            "stats": json.loads(stats),
        }

    def path(self, url: str) -> str:
        return "/" + url.removeprefix(self.base_url)


def run_fault_crawl(kinds: str, workdir: Path, *, articles: int = ARTICLES) -> FaultRun:
    """Serve the demo portal with `kinds` at RATE and crawl it into a new archive."""
    plan = FaultPlan(parse_kinds(kinds), RATE, SEED, SLOW_SECONDS)
    model = DemoPortal(articles, SEED)
    db = workdir / f"faults-{kinds.replace(',', '-')}.db"
    portal, url = start_demo_portal(
        "--articles", str(articles), "--seed", str(SEED), "--faults", kinds,
        "--fault-rate", str(RATE), "--slow-seconds", str(SLOW_SECONDS),
    )  # fmt: skip
    try:
        exit_code, seconds, rss, stderr = _crawl(url, db)
    finally:
        stop(portal)
    return FaultRun(
        kinds, plan, model, url, db, exit_code, seconds, rss, stderr, article_faults(model, plan)
    )


# Runs the crawl as its own child and reports that child's peak RSS. The crawl cannot be the
# test process's direct child: Linux counts a process's memory before exec in its ru_maxrss,
# and a child forked (or vforked) from a pytest process that has grown to a few hundred MiB
# would report that size, not the crawl's. This wrapper is small when it forks.
_MEASURE = """
import os, signal, subprocess, sys, time
limit = float(sys.argv[1])
child = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
started = time.monotonic()
while True:
    pid, status, usage = os.wait4(child.pid, os.WNOHANG)
    if pid:
        break
    if time.monotonic() - started > limit:
        child.send_signal(signal.SIGKILL)
        _, status, usage = os.wait4(child.pid, 0)
        break
    time.sleep(0.05)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _crawl(url: str, db: Path) -> tuple[int, float, float, str]:
    """Run `portal-archive crawl`; (exit code, seconds, peak RSS in MiB, stderr).

    os.wait4 (in a small wrapper process, see _MEASURE) gives the crawl's exact peak RSS
    (ru_maxrss), not a sampled one.
    """
    command = [
        sys.executable, "-m", "portal_spider", "crawl", "demo", "--base-url", url,
        "--db", str(db), "--download-timeout", str(DOWNLOAD_TIMEOUT),
    ]  # fmt: skip
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        started = time.monotonic()
        measured = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(TIME_LIMIT), *command],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            check=True,
        )
        seconds = time.monotonic() - started
        err.seek(0)
        stderr = err.read()
    exit_code, max_rss_kib = (int(v) for v in measured.stdout.split())
    return exit_code, seconds, max_rss_kib / 1024, stderr


# -- ground truth ----------------------------------------------------------------------------


def all_expected_fields(run: FaultRun) -> dict[str, dict]:
    """Path -> expected fields for every article the portal serves correctly."""
    lost = {path for path, kind in run.faulted.items() if kind in OBSERVED_KIND}
    return {
        meta.path: expected_fields(run.model, meta, run.base_url)
        for meta in run.model.iter_articles()
        if meta.path not in lost
    }


def archived_fields(run: FaultRun) -> dict[str, dict]:
    rows = run.query(
        "select url, title, published_at, summary, author, source, body_text, images, "
        "attachments from articles"
    )
    return {
        run.path(url): {
            "title": title,
            "published_at": published,
            "summary": summary,
            "author": author,
            "source": source,
            "body_text": body,
            "images": json.loads(images),
            "attachments": json.loads(attachments),
        }
        for url, title, published, summary, author, source, body, images, attachments in rows
    }


def folded_path(path: str) -> str:
    """An error URL's article path: the portal answers any letter case or trailing slash."""
    path = path.split("?", 1)[0].split(";", 1)[0].lower()
    return path[:-1] if path.endswith(".html/") else path
