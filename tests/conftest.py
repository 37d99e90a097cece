"""Shared fixtures: real servers on 127.0.0.1 started as child processes."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive.writer import ArchiveWriter

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def portal_archive(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `portal-archive ARGS` (as `python -m portal_spider`) in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "portal_spider", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_demo_portal(*args: str) -> tuple[subprocess.Popen[str], str]:
    """Start `python -m portal_spider.demo_portal --port 0 ...`; return (process, URL).

    Without "--extras" in ``args`` the portal is served with --no-extras: the four menu
    sections only, which the counts of the older tests rely on.
    """
    port_args = [] if "--port" in args else ["--port", "0"]
    extras_args = [] if "--extras" in args or "--no-extras" in args else ["--no-extras"]
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_spider.demo_portal", *port_args, *extras_args, *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.match(r"^Demo portal: (http://127\.0\.0\.1:\d+/)$", line.strip())
    if not match:
        process.kill()
        raise RuntimeError(f"demo portal did not start: {line!r}")
    return process, match.group(1)


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def demo_portal() -> Iterator[str]:
    """A freshly started demo portal (240 articles); yields its base URL."""
    process, url = start_demo_portal("--articles", "240")
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module (tests/browser_support.py); imported here, not at
    the top, so tests without a browser never load Playwright."""
    from .browser_support import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def shared_dir() -> Path:
    """../shared (real pages, research); tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (it is not part of a user's clone)")
    return SHARED


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def writer(db_path: Path) -> Iterator[ArchiveWriter]:
    with ArchiveWriter(db_path, batch_size=1) as w:
        w.ensure_portal("travinh", "Cổng TTĐT Trà Vinh", "https://travinh.gov.vn", "dnn", ["tin"])
        yield w


def crawl_demo_days(
    db: Path,
    days: tuple[int, ...] = (0, 1),
    articles: int = 240,
    *,
    port: int | None = None,
    crawl_args: tuple[str, ...] = (),
) -> None:
    """Crawl the demo portal into ``db`` as it is on each of ``days``.

    The same port every day: archived URLs include it, as a real portal's host is stable.
    """
    port = port or free_port()
    for day in days:
        process, url = start_demo_portal(
            "--articles", str(articles), "--day", str(day), "--port", str(port)
        )
        try:
            result = portal_archive(
                "crawl", "demo", "--base-url", url, "--db", str(db), *crawl_args
            )
        finally:
            stop(process)
        assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real archive of the 240-article demo portal crawled on day 0 and day 1.

    Day 1 brings 20 new articles, 3 edited ones (two versions, a word diff) and 3 removals,
    so every page of the archive site has something to show. Shared by the whole session:
    tests must treat it as read-only (copy it first to write).
    """
    db = tmp_path_factory.mktemp("demo-archive") / "demo.db"
    crawl_demo_days(db)
    return db


@contextmanager
def served_archive(
    db: Path, snapshots: Path | None = None, *, serve_args: tuple[str, ...] = ()
) -> Iterator[str]:
    """`portal-archive serve` on a free port (with a snapshot of ``db`` in ``snapshots``,
    when given); yields the base URL and stops the server afterwards.

    ``serve_args`` go to `serve` as given (``("--public", "--snapshots", DIR)`` serves a
    snapshot file as docs/publishing.md says, without taking another one)."""
    if snapshots is not None:
        made = portal_archive("snapshot", "--db", str(db), "--out", str(snapshots))
        assert made.returncode == 0, made.stderr
    port = free_port()
    command = [sys.executable, "-m", "portal_spider", "serve", "--db", str(db),
               "--port", str(port), *serve_args]  # fmt: skip
    if snapshots is not None:
        command += ["--snapshots", str(snapshots)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/-/versions.json")
        yield base
    finally:
        stop(process)  # type: ignore[arg-type]
