"""How fast `portal-archive reextract` reads the archive again (issue 12 item 8).

    .venv/bin/python bench/reextract.py [--articles 240] [--repeat 3]

Crawls the demo portal once (capture on), then times re-extraction of every article's newest
capture in this process, as medians of --repeat runs: with nothing to write (the usual
run), with everything to write (every stored hash made stale first: one ``extractor``
version per article), and reading the captures alone (an extraction stub: WARC record,
digest, Content-Encoding), plus the command end to end. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import REPO, start_portal

from archive.reextract import Page, Summary, reextract
from archive.schema import open_archive
from portal_spider.cli import _reextract_page
from portal_spider.extract import EXTRACTOR_VERSION


def crawl(folder: Path, articles: int) -> Path:
    portal, url = start_portal(articles)
    db = folder / "demo.db"
    try:
        command = [sys.executable, "-m", "portal_spider", "crawl", "demo", "--base-url", url,
                   "--db", str(db)]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    finally:
        portal.terminate()
        portal.wait()
    if result.returncode != 0:
        raise SystemExit(f"crawl failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return db


def copy(db: Path, target: Path) -> Path:
    """The archive and its WARC folder (capture pointers are relative to the db's folder)."""
    target.mkdir()
    shutil.copy2(db, target / db.name)
    shutil.copytree(db.parent / f"{db.stem}-warc", target / f"{db.stem}-warc")
    return target / db.name


def make_stale(db: Path) -> None:
    """Every stored reading differs from today's: each article gets a re-extraction."""
    database = open_archive(db)
    try:
        with database.conn:
            database.execute("UPDATE articles SET content_hash = 'stale' || id")
    finally:
        database.close()


def not_an_article(page: Page) -> dict[str, Any]:
    """Extraction stub: the page is read from the WARC, then nothing is extracted or written."""
    return {"kind": "other", "url": page.url}


def timed(db: Path, extract: Callable[[Page], dict[str, Any]]) -> tuple[Summary, float]:
    start = time.process_time()
    summary = reextract(db, extract, extractor_version=EXTRACTOR_VERSION)
    return summary, time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "crawl").mkdir()
        db = crawl(folder / "crawl", args.articles)
        warc = sum(f.stat().st_size for f in (folder / "crawl" / "demo-warc").rglob("*.warc.gz"))
        print(f"demo portal, {args.articles} articles: crawled, {warc / 1e6:.1f} MB of WARC")
        cases = (
            ("nothing to write", _reextract_page, False),
            ("all re-extracted", _reextract_page, True),
            ("captures read only", not_an_article, False),
        )
        for label, extract, stale in cases:
            rates, cpu, summary = [], [], None
            for n in range(args.repeat):
                copied = copy(db, folder / f"{label[:3]}-{n}")
                if stale:
                    make_stale(copied)
                summary, seconds = timed(copied, extract)
                rates.append(summary.pages_per_second)
                cpu.append(1000 * seconds / max(summary.pages, 1))
            assert summary is not None
            print(
                f"{label:>18}: {summary.pages} pages, {statistics.median(rates):.0f} pages/s, "
                f"CPU {statistics.median(cpu):.2f} ms/page ({summary.changed} changed, "
                f"{summary.unchanged} unchanged, {summary.not_article} not read)"
            )
        copied = copy(db, folder / "cli")
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "portal_spider", "reextract", "--db", str(copied), "--all"],
            capture_output=True, text=True, cwd=REPO, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - start
        print(f"{'command':>18}: {wall:.1f} s wall with start-up; {result.stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
