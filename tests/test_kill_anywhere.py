"""SIGKILL at 20 random moments (seeded): during downloads, during archive writes and during
`portal-archive snapshot` of the same archive; restarted each time. Nothing committed is ever
lost or duplicated, the archive stays intact after every kill, a killed snapshot never
leaves a file named like a snapshot or a broken manifest, and the final archive equals an
uninterrupted crawl's.

How each kill is aimed (moments are drawn from a seeded RNG, printed with -s):

- ``download``: a random delay after the crawl has recorded its 'running' row;
- ``write``: a random delay, then the moment the archive's ``-wal`` file is next modified,
  i.e. while a batch transaction is being written (polled every millisecond);
- ``snapshot``: a `snapshot` child process started during the crawl is killed 0-150 ms after
  its copy began (its hidden ``.partial`` file appeared): while copying, hashing, publishing
  or updating the manifest (started again if it finished first); then the crawl is killed.

tests/test_resume.py is the quick 5-kill version; this one is marked ``slow`` (~2 min).
"""

from __future__ import annotations

import hashlib
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from .conftest import start_demo_portal, stop

pytestmark = pytest.mark.slow

ARTICLES = 1500
KILLS = 20
SEED = 20250706
KINDS = ["download"] * 7 + ["write"] * 7 + ["snapshot"] * 6


def _crawl(url: str, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "crawl", "demo", "--base-url", url,
         "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _snapshot(db: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "snapshot", "--db", str(db), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _query(db: Path, sql: str) -> list[tuple]:
    """Read through a read-only connection: checking must not change what a restart sees."""
    with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=30)) as conn:
        return conn.execute(sql).fetchall()


def _running_crawl(db: Path, after: int) -> bool:
    if not db.exists():
        return False
    try:
        rows = _query(db, f"select 1 from crawls where id > {after} and status = 'running'")
    except sqlite3.Error:  # created but not migrated yet
        return False
    return bool(rows)


def _wait(condition, process: subprocess.Popen[bytes], timeout: float = 60) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``condition`` every millisecond; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "timed out waiting for the crawl"
        time.sleep(0.001)
    return True


def _wal_mtime(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    try:
        return wal.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _kill(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL; True if it was still running (a real kill, not a finished run)."""
    alive = process.poll() is None
    if alive:
        process.send_signal(signal.SIGKILL)
    process.wait()
    return alive


def _max_crawl_id(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        return _query(db, "select coalesce(max(id), 0) from crawls")[0][0]
    except sqlite3.Error:
        return 0


def _articles(db: Path) -> dict[str, str]:
    if not db.exists():
        return {}
    rows = _query(db, "select url, content_hash from articles")
    assert len(rows) == len({url for url, _ in rows}), "an article was archived twice"
    return dict(rows)


def _check_intact(db: Path) -> None:
    if not db.exists():
        return
    assert _query(db, "pragma integrity_check") == [("ok",)]
    assert _query(db, "pragma foreign_key_check") == []


def _check_snapshots(out: Path) -> None:
    """The manifest is whole JSON; every file named like a snapshot is listed and matches its
    checksum; anything else is hidden temporary files."""
    if not out.exists():
        return
    manifest = out / "manifest.json"
    entries = (
        json.loads(manifest.read_text(encoding="utf-8"))["snapshots"] if manifest.exists() else []
    )
    listed = {e["file"] for e in entries}
    visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert visible <= listed | {f"{n}.sha256" for n in listed} | {"manifest.json"}, visible
    for entry in entries:
        data = (out / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]


def _state(db: Path) -> list[tuple[str, str, int]]:
    return _query(
        db,
        "select a.url, a.content_hash, count(v.id) from articles a "
        "join article_versions v on v.article_id = a.id group by a.id order by a.url",
    )


def test_twenty_kills_anywhere_lose_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    kinds = list(KINDS)
    rng.shuffle(kinds)
    process, url = start_demo_portal("--articles", str(ARTICLES))
    done: list[str] = []
    snapshot_kills = snapshot_mid_copy = 0
    try:
        clean = tmp_path / "clean.db"
        assert _crawl(url, clean).wait(timeout=300) == 0
        db, out = tmp_path / "killed.db", tmp_path / "snapshots"
        kept: dict[str, str] = {}
        attempts = 0
        while len(done) < KILLS:
            attempts += 1
            assert attempts < KILLS * 3, f"too many crawls finished before their kill: {done}"
            kind = kinds[len(done)]
            before = _max_crawl_id(db)
            crawl = _crawl(url, db)
            if not _wait(lambda b=before: _running_crawl(db, b), crawl):
                continue  # finished (or failed) before it could be killed: try again
            if kind == "download":
                time.sleep(rng.uniform(0.05, 1.2))
            elif kind == "write":
                time.sleep(rng.uniform(0.0, 0.8))
                seen = _wal_mtime(db)
                _wait(lambda s=seen: _wal_mtime(db) != s, crawl, timeout=30)
            else:
                time.sleep(rng.uniform(0.1, 0.6))
                for _ in range(5):  # until one is killed before it finishes
                    partial = set(out.glob(".*.partial"))
                    snapshot = _snapshot(db, out)
                    # Once its copy has begun (a new hidden .partial file), a moment later:
                    # while copying, hashing, publishing or writing the manifest.
                    _wait(lambda p=partial: set(out.glob(".*.partial")) - p, snapshot)
                    time.sleep(rng.uniform(0.0, 0.15))
                    killed = _kill(snapshot)
                    _check_snapshots(out)
                    if killed:
                        snapshot_kills += 1
                        snapshot_mid_copy += bool(set(out.glob(".*.partial")) - partial)
                        break
                time.sleep(rng.uniform(0.0, 0.3))
            if not _kill(crawl):
                continue
            done.append(kind)
            _check_intact(db)
            now = _articles(db)
            lost = {u for u in kept if now.get(u) != kept[u]}
            assert not lost, f"kill {len(done)} ({kind}) lost {len(lost)} committed articles"
            kept = now
        final = subprocess.run(
            [sys.executable, "-m", "portal_spider", "crawl", "demo", "--base-url", url,
             "--db", str(db)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert final.returncode == 0, final.stderr[-2000:]
        last = subprocess.run(
            [sys.executable, "-m", "portal_spider", "snapshot", "--db", str(db), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert last.returncode == 0, last.stderr
    finally:
        stop(process)
    print(
        f"kills: {len(done)} ({', '.join(f'{k} {done.count(k)}' for k in sorted(set(done)))}), "
        f"crawls started {attempts}, snapshots killed {snapshot_kills} "
        f"({snapshot_mid_copy} mid-copy), "
        f"articles before the final crawl {len(kept)}"
    )
    assert sorted(done) == sorted(KINDS)
    assert snapshot_kills >= KINDS.count("snapshot")
    _check_intact(db)
    assert _state(db) == _state(clean)
    assert len(_state(db)) == ARTICLES
    statuses = [s for (s,) in _query(db, "select status from crawls order by id")]
    assert statuses[-1] == "ok" and "running" not in statuses
    _check_snapshots(out)
    assert not list(out.glob(".*")), "a later snapshot removes what killed ones left"
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["snapshots"]
    assert entries[-1]["articles"] == ARTICLES
    for entry in entries:  # every published snapshot is a whole, consistent archive
        copy = out / entry["file"]
        assert _query(copy, "pragma integrity_check") == [("ok",)]
        assert _query(copy, "select count(*) from articles") == [(entry["articles"],)]
