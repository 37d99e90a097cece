"""Incremental crawling cost: a 2 000-article demo portal archived at day 0, then day 1.

    .venv/bin/python bench/incremental.py [--articles 2000] [--day 1]

Prints, for the day-0 (full) and day-N (incremental) crawls: requests, responses by status,
bytes downloaded and wall time, read from the `crawls` rows the crawls themselves wrote.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def crawl_day(articles: int, day: int, port: int, db: Path) -> float:
    portal = subprocess.Popen(
        [sys.executable, "-m", "portal_spider.demo_portal", "--articles", str(articles),
         "--day", str(day), "--port", str(port)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert portal.stdout is not None
        url = re.match(r"Demo portal: (\S+)", portal.stdout.readline()).group(1)  # type: ignore[union-attr]
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "portal_spider", "crawl", "demo", "--base-url", url,
             "--db", str(db)],
            check=True, capture_output=True,
        )  # fmt: skip
        return time.perf_counter() - start
    finally:
        portal.terminate()
        portal.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--day", type=int, default=1)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        walls = [crawl_day(args.articles, day, port, db) for day in (0, args.day)]
        rows = (
            sqlite3.connect(db)
            .execute(
                "select requests, responses_by_status, stats, articles_new, articles_updated, "
                "articles_unchanged, articles_removed from crawls order by id"
            )
            .fetchall()
        )
    for label, wall, row in zip(("day 0 (full)", f"day {args.day}"), walls, rows, strict=True):
        requests, by_status, stats, new, updated, unchanged, removed = row
        received = json.loads(stats).get("downloader/response_bytes", 0)
        print(
            f"{label:>14}: {requests} requests, responses {json.loads(by_status)}, "
            f"{received / 1e6:.2f} MB, {wall:.1f} s; articles new {new}, updated {updated}, "
            f"unchanged {unchanged}, removed {removed}"
        )


if __name__ == "__main__":
    main()
