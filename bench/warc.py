"""What raw capture costs (issue 12): WARC bytes per article, growth over daily crawls, and
crawl speed with capture on and off, on demo pages and on real-size (80 KB+) pages.

    .venv/bin/python bench/warc.py [--articles 600] [--days 5] [--repeat 3]

Prints numbers, asserts nothing. Speed is the crawl process's CPU ms per page (what capture
adds: compression, digests, writes) and its pages/s, as medians of alternating runs.
The 80 KB pages come from a loopback proxy in front of the demo portal that adds a
realistic-size block of menus and inline script to every HTML page (varied text, so it
compresses like real pages do, about 5-8x).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import REPO, Run, start_portal, timed_child

PADDING_KB = 70


def crawl_command(url: str, db: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "portal_spider", "crawl", "demo", "--base-url", url,
            "--db", db, *extra]  # fmt: skip


def pages_of(result) -> int:
    match = re.search(r"demo: \w+ in [\d.]+ s: (\d+) pages", result.stderr)
    if not match:
        raise SystemExit(f"no summary line:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def speed(url: str, repeat: int, label: str) -> None:
    """Paired runs with and without capture; print the median of the pairs' ratios.

    Each pair runs both crawls back to back, in alternating order. On a shared virtual
    machine the same crawl's CPU time varies by 10-30% from one minute to the next (the
    host's load, not ours): single medians of each side then differ by that much, while the
    ratio inside a pair, measured under the same conditions, holds still.
    """
    runs: dict[str, list[Run]] = {"warc": [], "no-warc": []}
    modes = [("warc", ()), ("no-warc", ("--no-warc",))]
    for index in range(repeat):
        for name, extra in modes if index % 2 == 0 else modes[::-1]:
            with tempfile.TemporaryDirectory() as tmp:
                db = os.path.join(tmp, "bench.db")
                runs[name].append(timed_child(name, crawl_command(url, db, *extra), pages_of, tmp))
    cpu = {k: statistics.median(1000 * r.cpu / r.pages for r in v) for k, v in runs.items()}
    rate = {k: statistics.median(r.pages / r.wall for r in v) for k, v in runs.items()}
    cpu_ratios = sorted(a.cpu / b.cpu for a, b in zip(runs["warc"], runs["no-warc"], strict=True))
    wall_ratios = sorted(
        a.wall / b.wall for a, b in zip(runs["warc"], runs["no-warc"], strict=True)
    )
    pages = runs["warc"][0].pages
    print(
        f"{label}: {pages} pages, {repeat} pairs; CPU per crawl, warc / no-warc, median of "
        f"pairs {100 * (statistics.median(cpu_ratios) - 1):+.1f}% (pairs "
        f"{', '.join(f'{100 * (r - 1):+.0f}' for r in cpu_ratios)}); wall "
        f"{100 * (statistics.median(wall_ratios) - 1):+.1f}%  [goal: at most 10%]\n"
        f"    medians of each side: CPU ms/page warc {cpu['warc']:.2f} vs no-warc "
        f"{cpu['no-warc']:.2f}; pages/s warc {rate['warc']:.0f} vs no-warc {rate['no-warc']:.0f}"
    )
    shares = sorted(capture_share(url) for _ in range(3))
    share = statistics.median(shares)
    runs_text = ", ".join(f"{100 * s:.1f}" for s in shares)
    print(
        f"    measured inside the crawl (bench/capture_share.py, 3 runs): capture code "
        f"{100 * share:.1f}% of the crawl's CPU (runs {runs_text}), i.e. "
        f"{100 * share / (1 - share):+.1f}% over a crawl without it  [goal: at most 10%]"
    )


def capture_share(url: str) -> float:
    """The capture code's share of one crawl's CPU, timed inside the crawl."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, str(Path(__file__).with_name("capture_share.py"))]
        command += crawl_command(url, os.path.join(tmp, "bench.db"))[3:]
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp, check=False)
        if result.returncode != 0:
            raise SystemExit(f"capture_share crawl failed:\n{result.stderr[-2000:]}")
        line = result.stderr.strip().splitlines()[-1]
        figures = json.loads(line)
        return figures["capture_cpu"] / figures["cpu"]


def growth(articles: int, days: int) -> None:
    """Crawl the portal as on day 0..days-1 (20 new, 3 edited, 3 removed articles a day)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "growth.db")
        port = _free_port()
        for day in range(days):
            portal, url = _start_day(articles, day, port)
            try:
                result = timed_child("day", crawl_command(url, db), pages_of, tmp)
            finally:
                portal.terminate()
                portal.wait()
            with sqlite3.connect(db) as conn:
                crawl = conn.execute(
                    "select id, warc_bytes, captures_full, captures_revisit, articles_new, "
                    "articles_updated, articles_removed from crawls order by id desc limit 1"
                ).fetchone()
                if day == 0:
                    stored = conn.execute(
                        "select count(*) from articles where extraction_failed is null"
                    ).fetchone()[0]
                    print(
                        f"day 0: {crawl[1] / 1e6:.2f} MB of WARC for {stored} articles "
                        f"({result.pages} pages) = {crawl[1] / stored / 1024:.1f} KiB per "
                        "article (gzip, with listings, home and request/metadata records)"
                    )
                    first = crawl[1]
                else:
                    print(
                        f"day {day}: +{crawl[1] / 1e6:.3f} MB ({100 * crawl[1] / first:.1f}% of "
                        f"day 0): {crawl[2]} full records, {crawl[3]} revisits; articles "
                        f"{crawl[4]} new, {crawl[5]} edited, {crawl[6]} removed"
                    )
        total = sum(f.stat().st_size for f in Path(tmp).rglob("*.warc.gz"))
        share = 100 * total / (days * first)
        print(
            f"{days} daily crawls: {total / 1e6:.2f} MB of WARC in all, vs "
            f"{days * first / 1e6:.2f} MB for a full copy a day ({share:.0f}%)"
        )


def _start_day(articles: int, day: int, port: int):
    import subprocess

    command = [sys.executable, "-m", "portal_spider.demo_portal", "--port", str(port),
               "--articles", str(articles), "--day", str(day)]  # fmt: skip
    portal = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert portal.stdout is not None
    match = re.match(r"Demo portal: (\S+)", portal.stdout.readline())
    if not match:
        raise SystemExit("demo portal did not start")
    return portal, match.group(1)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Padding(BaseHTTPRequestHandler):
    """Forward to the demo portal; add ~70 KB of menu and script to HTML pages."""

    protocol_version = "HTTP/1.1"
    upstream = ""
    words = (
        "thông báo", "kế hoạch", "triển khai", "công tác", "phường", "xã", "năm", "quý",
        "tháng", "hội nghị",
    )  # fmt: skip

    def do_GET(self) -> None:
        request = urllib.request.Request(self.upstream + self.path, headers=dict(self.headers))
        try:
            with urllib.request.urlopen(request) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        if "text/html" in headers.get("Content-Type", "") and status == 200:
            body = body.replace(b"</body>", self._block() + b"</body>", 1)
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _block(self) -> bytes:
        """Inline style and script, as portal themes carry (no links: a block of links would
        be read as more articles to fetch, and the bench would measure 404s)."""
        rng = random.Random(self.path)
        parts = ["<style>"]
        size = 0
        while size < PADDING_KB * 512:
            rule = (
                f".k{rng.randrange(10**6)} .m{rng.randrange(10**4)}{{margin:{rng.randrange(40)}px;"
                f"color:#{rng.randrange(16**6):06x};font-size:{rng.randrange(9, 30)}px}}"
            )
            parts.append(rule)
            size += len(rule)
        parts.append("</style><script>var cauHinh = [")
        while size < PADDING_KB * 1024:
            text = " ".join(rng.choice(self.words) for _ in range(6))
            entry = f'{{"id": {rng.randrange(10**6)}, "nhan": "{text}"}},'
            parts.append(entry)
            size += len(entry.encode())
        parts.append("];</script>")
        return "".join(parts).encode()

    def log_message(self, *args: object) -> None:
        pass


def padded(url: str) -> tuple[ThreadingHTTPServer, str]:
    _Padding.upstream = url.rstrip("/")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Padding)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--only", choices=("growth", "speed"), help="run one part only")
    args = parser.parse_args()
    if args.only != "speed":
        growth(240, args.days)
    if args.only == "growth":
        return
    portal, url = start_portal(args.articles)
    try:
        page = urllib.request.urlopen(url + "chinh-tri/").read()
        speed(url, args.repeat, f"demo pages (~{len(page) // 1024} KB)")
        server, proxy = padded(url)
        try:
            page = urllib.request.urlopen(proxy + "chinh-tri/").read()
            speed(proxy, args.repeat, f"real-size pages (~{len(page) // 1024} KB)")
        finally:
            server.shutdown()
    finally:
        portal.terminate()
        portal.wait()
    print(json.dumps({"note": "reextract pages/s: bench/reextract.py"}))


if __name__ == "__main__":
    main()
