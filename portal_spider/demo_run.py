"""`portal-archive demo`: the whole story in one command.

The demo portal as it is on day 0, 1 and 2 (new articles every day, a few edited, a few taken
down), each day crawled into the same archive; a snapshot of the result; then the archive
site, with the addresses to try printed (search, an edited article's diff, the edited and
removed articles, the snapshots). About 20 seconds before the site is up.

Child processes rather than threads: the crawl must not share a GIL with the portal it crawls,
the Twisted reactor cannot be restarted in one process, and Ctrl-C must stop them cleanly.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import quote, urlencode

_URL_LINE = re.compile(r"^Demo portal: (http://\S+)$")
_PORT = re.compile(r":(\d+)/?$")
_STARTUP_TIMEOUT = 30.0
#: The crawl days: day 0 is the portal as first seen; days 1 and 2 each bring 20 new
#: articles, 3 edits and 3 removals (portal_spider/demo_portal/days.py).
DAYS = (0, 1, 2)
SEARCH_EXAMPLE = "UBND"  # an abbreviation: the search also finds "Ủy ban nhân dân"


def run_demo(*, articles: int, datasette_port: int, db_path: Path) -> int:
    """Crawl the demo portal on each of :data:`DAYS`, snapshot, serve; the exit code."""
    children: list[subprocess.Popen[str]] = []
    try:
        _set_aside(db_path)
        portal_port = 0
        for day in DAYS:
            if children:
                _stop(children.pop())  # yesterday's portal; today's takes its port
            portal, portal_url = _start_demo_portal(articles, day, portal_port)
            children.append(portal)
            if day == DAYS[0]:
                print(f"Demo portal:   {portal_url}", flush=True)
                portal_port = int(_PORT.search(portal_url).group(1))  # type: ignore[union-attr]
            print(f"Crawling day {day} of the demo portal ...", flush=True)
            crawl = subprocess.run(
                [sys.executable, "-m", "portal_spider", "crawl", "demo",
                 "--base-url", portal_url, "--db", str(db_path)],
                check=False,
            )  # fmt: skip
            if crawl.returncode not in (0, 1):
                print(
                    f"portal-archive: error: crawl failed (exit {crawl.returncode})",
                    file=sys.stderr,
                )
                return crawl.returncode
        snapshots = db_path.parent / f"{db_path.stem}-snapshots"
        made = subprocess.run(
            [sys.executable, "-m", "portal_spider", "snapshot",
             "--db", str(db_path), "--out", str(snapshots)],
            check=False, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        if made.returncode != 0:
            print("portal-archive: error: the snapshot failed", file=sys.stderr)
            return made.returncode
        print(f"Snapshot:      {made.stdout.strip()}", flush=True)
        datasette = subprocess.Popen(
            [sys.executable, "-m", "portal_spider", "serve", "--db", str(db_path),
             "--port", str(datasette_port), "--snapshots", str(snapshots)],
            text=True,
        )  # fmt: skip
        children.append(datasette)
        base = f"http://127.0.0.1:{datasette_port}"
        for line in story_lines(base, db_path):
            print(line, flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        return _wait(datasette)
    except KeyboardInterrupt:
        print("\nStopping.", flush=True)
        return 0
    finally:
        for child in reversed(children):
            _stop(child)


def story_lines(base: str, db_path: Path) -> list[str]:
    """The addresses to try, from what the crawl actually found (an edited article's URL)."""
    edited = _edited_article_url(db_path)
    lines = [
        f"Archive:       {base}/",
        f"Search:        {base}/-/search?{urlencode({'q': SEARCH_EXAMPLE})}",
    ]
    if edited:
        lines.append(f"Edited diff:   {base}/-/changes/diff?url={quote(edited, safe=':/')}")
    lines += [
        f"Edited/removed: {base}/-/changes",
        f"Snapshots:     {base}/-/snapshots",
        f"Statistics:    {base}/-/dashboards/archive",
    ]
    return lines


def _edited_article_url(db_path: Path) -> str | None:
    """The most recently edited article's original URL (None when no day had an edit)."""
    with closing(sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        row = conn.execute(
            "select a.url from article_versions as v join articles as a on a.id = v.article_id "
            "where v.change_kind = 'edit' and a.removed_at is null "
            "order by v.fetched_at desc limit 1"
        ).fetchone()
    return row[0] if row else None


def _start_demo_portal(articles: int, day: int, port: int) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "portal_spider.demo_portal", "--port", str(port),
               "--articles", str(articles), "--day", str(day)]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + _STARTUP_TIMEOUT
    assert child.stdout is not None
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        match = _URL_LINE.match(line.strip())
        if match:
            return child, match.group(1)
    _stop(child)
    raise SystemExit("portal-archive: error: the demo portal did not start")


def _set_aside(db_path: Path) -> None:
    """The demo archive is rebuilt each run; the previous one is kept, never deleted."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if db_path.exists():
        previous = db_path.with_name(db_path.stem + ".previous" + db_path.suffix)
        for suffix in ("", "-wal", "-shm"):
            old = Path(str(db_path) + suffix)
            if old.exists():
                old.replace(Path(str(previous) + suffix))
        print(f"Previous demo archive kept as {previous}", flush=True)


def _wait(child: subprocess.Popen[str]) -> int:
    while True:
        code = child.poll()
        if code is not None:
            return code
        time.sleep(0.5)


def _stop(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
