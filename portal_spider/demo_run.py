"""`portal-archive demo`: demo portal -> crawl -> Datasette, as three child processes.

Children rather than threads: the crawl must not share a GIL with the portal it crawls, the
Twisted reactor cannot be restarted in one process, and Ctrl-C must stop all three cleanly.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

_URL_LINE = re.compile(r"^Demo portal: (http://\S+)$")
_STARTUP_TIMEOUT = 30.0


def run_demo(*, articles: int, datasette_port: int, db_path: Path) -> int:
    """Run the main job; returns the process exit code."""
    children: list[subprocess.Popen[str]] = []
    try:
        portal, portal_url = _start_demo_portal(articles)
        children.append(portal)
        _set_aside(db_path)
        print(f"Demo portal:   {portal_url}", flush=True)
        crawl = subprocess.run(
            [sys.executable, "-m", "portal_spider", "crawl", "demo",
             "--base-url", portal_url, "--db", str(db_path)],
            check=False,
        )  # fmt: skip
        if crawl.returncode not in (0, 1):
            print(f"portal-archive: error: crawl failed (exit {crawl.returncode})", file=sys.stderr)
            return crawl.returncode
        datasette = subprocess.Popen(
            [sys.executable, "-m", "portal_spider", "serve",
             "--db", str(db_path), "--port", str(datasette_port)],
            text=True,
        )  # fmt: skip
        children.append(datasette)
        archive_url = f"http://127.0.0.1:{datasette_port}/{db_path.stem}"
        print(f"Archive:       {archive_url}", flush=True)
        print(f"Seed article:  {archive_url}/articles?_search=thanh+uy+tra+vinh", flush=True)
        print(f"Coverage:      {archive_url}/portal_coverage, {archive_url}/sections", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        return _wait(datasette)
    except KeyboardInterrupt:
        print("\nStopping.", flush=True)
        return 0
    finally:
        for child in reversed(children):
            _stop(child)


def _start_demo_portal(articles: int) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "portal_spider.demo_portal", "--port", "0",
               "--articles", str(articles)]  # fmt: skip
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
