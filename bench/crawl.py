"""Crawl benchmark: our spider vs a bare Scrapy spider against the same demo portal.

Prints pages/s and the crawler process's CPU ms per page for both, `ratio: X` (bare CPU
ms/page / ours: 1.0 means extraction and storage cost nothing extra; target >= 0.85), our
peak RSS, and the demo portal's own maximum rate (to show the server is not the bottleneck).

    .venv/bin/python bench/crawl.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    name: str
    pages: int
    wall: float
    cpu: float

    def line(self) -> str:
        return (
            f"{self.name:>5}: {self.pages} pages in {self.wall:.1f} s = "
            f"{self.pages / self.wall:.0f} pages/s, CPU {1000 * self.cpu / self.pages:.2f} ms/page"
        )


def start_portal(articles: int) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "portal_spider.demo_portal", "--port", "0",
               "--articles", str(articles), "--no-extras"]  # fmt: skip
    portal = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert portal.stdout is not None
    match = re.match(r"Demo portal: (\S+)", portal.stdout.readline())
    if not match:
        raise SystemExit("demo portal did not start")
    return portal, match.group(1)


def timed_child(
    name: str,
    command: list[str],
    pages_of: Callable[[subprocess.CompletedProcess[str]], int],
    cwd: str,
) -> Run:
    """Run a crawler child process in `cwd`; CPU from getrusage of waited children.

    A directory without scrapy.cfg, so the bare spider gets no project settings or pipelines.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{name} crawl failed ({result.returncode}):\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(name, pages_of(result), wall, cpu)


def our_pages(result: subprocess.CompletedProcess[str]) -> int:
    match = re.search(r"demo: \w+ in [\d.]+ s: (\d+) pages", result.stderr)
    if not match:
        raise SystemExit(f"no summary line in our crawl's output:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def bare_pages(result: subprocess.CompletedProcess[str]) -> int:
    match = re.search(r"'response_received_count': (\d+)", result.stderr)
    if not match:
        raise SystemExit(f"no stats in the bare crawl's output:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def portal_max_rate(url: str, seconds: float = 3.0) -> float:
    """Pages/s one keep-alive client gets from the portal: the server's own ceiling."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    served, deadline = 0, time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        conn.request("GET", f"/chinh-tri/?page={1 + served % 5}")
        conn.getresponse().read()
        served += 1
    conn.close()
    return served / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each crawler, alternating; medians shown"
    )
    args = parser.parse_args()
    portal, url = start_portal(args.articles)
    ours_runs: list[Run] = []
    bare_runs: list[Run] = []
    try:
        # The same engine settings our spider uses on loopback (PortalSpider.from_crawler).
        settings = ["-s", "ROBOTSTXT_OBEY=True", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                    "-s", "TWISTED_REACTOR=twisted.internet.epollreactor.EPollReactor",
                    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                    "-s", "LOG_LEVEL=INFO", "-s", "TELNETCONSOLE_ENABLED=False"]  # fmt: skip
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                db = os.path.join(tmp, "bench.db")
                ours_command = [sys.executable, "-m", "portal_spider", "crawl", "demo",
                                "--base-url", url, "--db", db]  # fmt: skip
                ours_runs.append(timed_child("ours", ours_command, our_pages, tmp))
                peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                bare_command = [sys.executable, "-m", "scrapy", "runspider",
                                str(REPO / "bench/bare_spider.py"), "-a", f"base_url={url}",
                                *settings]  # fmt: skip
                bare_runs.append(timed_child("bare", bare_command, bare_pages, tmp))
        server_rate = portal_max_rate(url)
    finally:
        portal.terminate()
        portal.wait()
    ours, bare = median_run(ours_runs), median_run(bare_runs)
    ratios = sorted(
        (b.cpu / b.pages) / (o.cpu / o.pages) for o, b in zip(ours_runs, bare_runs, strict=True)
    )
    print(f"articles: {args.articles}, runs: {args.repeat} each (medians)")
    print(ours.line())
    print(bare.line())
    print(f"ratio: {(bare.cpu / bare.pages) / (ours.cpu / ours.pages):.2f}")
    print(f"ratio per run pair: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"our peak RSS: {peak_rss_mb:.0f} MB")
    print(f"demo portal max rate: {server_rate:.0f} pages/s (one keep-alive client)")
    return 0


def median_run(runs: list[Run]) -> Run:
    """The run with the median CPU per page."""
    ordered = sorted(runs, key=lambda run: run.cpu / run.pages)
    return ordered[len(ordered) // 2]


if __name__ == "__main__":
    sys.exit(main())
