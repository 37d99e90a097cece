"""One crawl at a time per archive: an advisory ``flock`` on ``<db_path>.lock``.

``flock`` rather than a pid file because the kernel drops the lock when the holder's file
descriptor closes, including when the process is killed (SIGKILL, OOM): a crashed crawl
never leaves a stale lock behind. The file itself stays (deleting it would let two processes
lock two different inodes); while held it contains the holder's pid, host and start time for
humans and for the :class:`ArchiveLocked` message.

Readers (Datasette) never take this lock; SQLite's own locking covers them.
"""

import fcntl
import os
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from archive.errors import ArchiveError
from archive.timestamps import utc_now

_POLL_SECONDS = 0.05


class ArchiveLocked(ArchiveError):
    """Another process holds the archive's crawl lock."""

    def __init__(self, lock_path: Path, holder: str) -> None:
        self.lock_path = lock_path
        self.holder = holder
        super().__init__(
            f"{lock_path} is held by another crawl ({holder or 'holder unknown'}); "
            "wait for it to finish or run with wait=True"
        )


class ArchiveLock:
    """``with ArchiveLock(db_path): ...``: exclusive crawl lock for one archive database.

    ``wait=False``: raise :class:`ArchiveLocked` at once if held. ``wait=True``: block until
    free, or until ``timeout`` seconds have passed (then :class:`ArchiveLocked`).
    """

    def __init__(self, db_path: str | Path, wait: bool = False, timeout: float | None = None):
        self.db_path = Path(db_path)
        self.path = self.db_path.with_name(self.db_path.name + ".lock")
        self.wait = wait
        self.timeout = timeout
        self._fd: int | None = None

    @property
    def locked(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            raise RuntimeError("ArchiveLock is not reentrant")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # No O_TRUNC: the current holder's details must survive our attempt.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            self._lock(fd)
            info = f"pid={os.getpid()}\nhost={socket.gethostname()}\nstarted_at={utc_now()}\n"
            os.ftruncate(fd, 0)
            os.pwrite(fd, info.encode(), 0)
            os.fsync(fd)
        except BaseException:
            os.close(fd)  # closing drops the lock if we got it
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # still ours: nobody reads a stale holder afterwards
        finally:
            os.close(fd)  # releases the flock

    def holder(self) -> str:
        """The holder's details as written in the lock file ('' if none)."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return ", ".join(line.strip() for line in text.splitlines() if line.strip())

    def _lock(self, fd: int) -> None:
        if self.wait and self.timeout is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return
        patience = (self.timeout or 0.0) if self.wait else 0.0
        deadline = time.monotonic() + patience
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ArchiveLocked(self.path, self.holder()) from None
                time.sleep(_POLL_SECONDS)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
