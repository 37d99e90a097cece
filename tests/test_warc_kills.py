"""Kill-safety of raw captures (issue 12 item 7): a crawl killed with SIGKILL while it writes
WARC records leaves every capture pointer of the database on a complete record, and the next
crawl closes the files the killed ones left ``.open``, after which `verify` is clean.

Kills are aimed at WARC writes: a random delay after the crawl's first ``.open`` file
appeared, then the moment that file next grows (polled every millisecond), plus a random
0-20 ms. Moments come from a seeded RNG (printed with -s). A demo page's record goes out in
one write, so a kill rarely tears one: the last killed file is torn by hand before the crawl
that must close it.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive.fixity import iter_members, verify
from archive.warc_store import warc_root

from .conftest import portal_archive, start_demo_portal, stop

ARTICLES = 600
KILLS = 5
SEED = 20261207


def _open_files(db: Path) -> dict[Path, int]:
    root = warc_root(db)
    if not root.is_dir():
        return {}
    sizes = {}
    for path in root.rglob("*.warc.gz.open"):
        try:
            sizes[path] = path.stat().st_size
        except FileNotFoundError:  # closed meanwhile
            continue
    return sizes


def _wait(condition, process: subprocess.Popen[bytes], timeout: float = 60) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``condition`` every millisecond; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "timed out waiting for the crawl"
        time.sleep(0.001)
    return True


def test_killed_crawls_leave_only_complete_records_behind(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    process, url = start_demo_portal("--articles", str(ARTICLES))
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "portal_spider", "crawl", "demo", "--base-url", url,
               "--db", str(db)]  # fmt: skip
    kills = attempts = torn_tails = 0
    try:
        while kills < KILLS:
            attempts += 1
            assert attempts < KILLS * 3, "too many crawls finished before their kill"
            before = set(_open_files(db))
            crawl = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not _wait(lambda b=before: set(_open_files(db)) - b, crawl):
                continue  # finished before it opened a file
            time.sleep(rng.uniform(0.0, 1.5))
            sizes = _open_files(db)
            _wait(lambda s=sizes: _open_files(db) != s, crawl, timeout=30)
            time.sleep(rng.uniform(0.0, 0.02))
            if crawl.poll() is not None:
                continue
            crawl.send_signal(signal.SIGKILL)
            crawl.wait()
            kills += 1
            report = verify(db)
            assert report.ok, [p.line() for p in report.problems[:10]]
            assert report.counts["captures"] > 0
            unfinished = [n for n in report.notices if n.kind == "unfinished"]
            assert unfinished, "the killed crawl's file is reported unfinished"
            assert all("killed" in n.detail for n in unfinished)
            torn_tails += sum("torn record" in n.detail for n in unfinished)
        # A kill in the middle of a record's write (rare with the demo's small pages, whose
        # gzip member goes out in one write): the last kill's file gets half a record more.
        [left] = _open_files(db)
        data = left.read_bytes()
        with left.open("rb") as handle:
            last = list(iter_members(handle, len(data)))[-1]
        with left.open("ab") as handle:
            handle.write(data[last.offset : last.offset + last.length // 2])
        report = verify(db)
        assert report.ok, [p.line() for p in report.problems[:10]]
        torn_tails += 1
        final = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr[-2000:]
    finally:
        stop(process)
    print(f"kills {kills} in {attempts} crawls; files ending in a torn record: {torn_tails}")
    assert not _open_files(db), "the next crawl closed every file the killed ones left open"
    for closed in warc_root(db).rglob("*.warc.gz"):  # and indexed them, as its own
        assert closed.with_name(closed.name + ".cdxj").is_file(), closed.name
    result = portal_archive("verify", "--db", str(db), "--json")
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads(result.stdout)
    assert report["counts"]["unfinished"] == 0
    kinds = {n["kind"] for n in report["notices"]}
    assert kinds <= {"unreferenced", "torn-evidence"}
    assert sum(n["kind"] == "torn-evidence" for n in report["notices"]) == torn_tails
