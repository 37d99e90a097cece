"""ArchiveLock: one crawl per archive, across real processes."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archive.lock import ArchiveLock, ArchiveLocked

HOLDER = """
import sys, time
from archive.lock import ArchiveLock
with ArchiveLock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.readline()  # hold until told (or killed)
print("released", flush=True)
"""


def start_holder(db_path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    return process


def finish(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def test_second_process_gets_archive_locked(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    holder = start_holder(db_path)
    try:
        start = time.monotonic()
        with pytest.raises(ArchiveLocked) as caught, ArchiveLock(db_path):
            pass
        assert time.monotonic() - start < 1.0  # immediately, not after a wait
        message = str(caught.value)
        assert f"pid={holder.pid}" in message and "started_at=" in message
        assert (tmp_path / "archive.db.lock").is_file()
        with pytest.raises(ArchiveLocked):  # a bounded wait gives up too
            ArchiveLock(db_path, wait=True, timeout=0.3).acquire()
    finally:
        finish(holder)


def release_later(holder: subprocess.Popen[str], delay: float) -> threading.Timer:
    def release() -> None:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()

    timer = threading.Timer(delay, release)
    timer.start()
    return timer


@pytest.mark.parametrize("timeout", [10.0, None])
def test_wait_acquires_after_the_holder_releases(tmp_path: Path, timeout: float | None) -> None:
    db_path = tmp_path / "archive.db"
    holder = start_holder(db_path)
    try:
        start = time.monotonic()
        timer = release_later(holder, 0.5)
        with ArchiveLock(db_path, wait=True, timeout=timeout) as lock:
            assert lock.locked
            assert time.monotonic() - start >= 0.45  # it really waited for the holder
            assert holder.wait(timeout=10) == 0
            text = (tmp_path / "archive.db.lock").read_text()
            assert f"pid={os.getpid()}" in text
        timer.join()
        assert (tmp_path / "archive.db.lock").read_text() == ""  # released: no stale holder
    finally:
        finish(holder)


def test_sigkilled_holder_leaves_the_lock_free(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    holder = start_holder(db_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    with ArchiveLock(db_path) as lock:  # wait=False: must not raise
        assert lock.locked


def test_same_process_second_lock_is_refused_and_release_is_clean(tmp_path: Path) -> None:
    db_path = tmp_path / "sub" / "archive.db"
    with ArchiveLock(db_path), pytest.raises(ArchiveLocked):
        ArchiveLock(db_path).acquire()
    with ArchiveLock(db_path):
        pass
