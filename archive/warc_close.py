"""Closing the WARC files a crawl killed while writing left ``.open`` (issue 12).

The complete records of a ``….warc.gz.open`` file are kept, a torn last record is cut off
(its bytes saved beside it as ``….warc.gz.torn``, as evidence) and the file gets its final
name. A cut is made only at a torn end: damage followed by complete records is left for a
human (``portal-archive verify`` reports it), since the database may point past it. Only
files no crawl is writing are touched (the archive's crawl lock, archive/lock.py, read from
/proc/locks so that asking never blocks a crawl). Members are read by
archive/warc_members.py; :func:`close_before_crawl` runs at the start of every crawl
(portal_spider/capture.py).
"""

from __future__ import annotations

import fcntl
import logging
import os
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from archive.durable import fsync_directory
from archive.lock import ArchiveLock, ArchiveLocked
from archive.warc_members import OK, member_bounds
from archive.warc_store import OPEN_SUFFIX, archive_folder, warc_root

logger = logging.getLogger(__name__)

TORN_SUFFIX = ".torn"


@dataclass(frozen=True, slots=True)
class Closed:
    """What :func:`close_unfinished` did to one ``.open`` file."""

    path: Path  # the final name (or the removed file's, when nothing complete was left)
    kept_bytes: int
    torn_bytes: int
    torn_path: Path | None
    removed: bool = False
    #: Set when the file was left ``.open`` untouched: damage that is not a torn end.
    problem: str | None = None


# -- the crawl lock, without taking it ----------------------------------------------------------


def _lock_holders(db_path: Path) -> set[int] | None:
    """PIDs holding the archive's crawl lock, read from /proc/locks (no lock taken, so a
    crawl starting meanwhile is never refused); None when /proc/locks is not available."""
    lock_path = ArchiveLock(db_path).path
    try:
        stat = lock_path.stat()
    except FileNotFoundError:
        return set()
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    holders: set[int] = set()
    for line in lines:
        parts = line.split()
        if len(parts) < 6 or parts[1] != "FLOCK":  # "->" lines are waiters, not holders
            continue
        try:
            pid = int(parts[4])
            major_text, minor_text, inode_text = parts[5].split(":")
            device = (int(major_text, 16), int(minor_text, 16))
            inode = int(inode_text)
        except ValueError:
            continue
        if inode == stat.st_ino and device == (os.major(stat.st_dev), os.minor(stat.st_dev)):
            holders.add(pid)
    return holders


def crawl_running(db_path: str | Path) -> bool:
    """True when some process holds the archive's crawl lock (a crawl may be writing)."""
    holders = _lock_holders(Path(db_path))
    if holders is not None:
        return bool(holders)
    lock_path = ArchiveLock(db_path).path
    try:  # no /proc/locks: a shared lock tried and dropped at once
        fd = os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


# -- closing what a killed crawl left open ------------------------------------------------------


def unfinished_files(db_path: str | Path, portal: str | None = None) -> list[Path]:
    """The ``.open`` WARC files of an archive (of one portal), in name (time) order."""
    root = warc_root(Path(db_path).resolve())
    if portal is not None:
        root = root / portal
    return sorted(root.rglob(f"*.warc.gz{OPEN_SUFFIX}")) if root.is_dir() else []


def close_unfinished(db_path: str | Path, portal: str | None = None) -> list[Closed]:
    """Close the ``….warc.gz.open`` files a killed crawl left (of one portal, or all).

    Keeps every complete gzip member, saves a torn tail to ``<final name>.torn`` (fsynced
    before the file is cut), truncates, then renames to the final name. Safe to re-run
    after being killed itself. Runs only when no other process holds the crawl lock: the
    calling crawl may hold it (it then owns every ``.open`` file of its portal before it
    opens one); when nobody does, the lock is taken for the duration. Raises
    :class:`archive.lock.ArchiveLocked` when another process crawls.
    """
    db_path = Path(db_path)
    holders = _lock_holders(db_path)
    if holders is None:  # no /proc/locks: the holder's pid written in the lock file
        holder = ArchiveLock(db_path).holder()
        ours = f"pid={os.getpid()}," in holder + "," and crawl_running(db_path)
    else:
        ours = holders == {os.getpid()}
    lock = nullcontext() if ours else ArchiveLock(db_path)
    closed: list[Closed] = []
    with lock:
        for path in unfinished_files(db_path, portal):
            closed.append(_close_one(path))
    return closed


def close_before_crawl(db_path: str | Path, portal: str) -> list[Closed]:
    """:func:`close_unfinished` for a crawl about to write a portal's files, then the CDXJ
    index the killed crawl did not write. Never stops the crawl (a file it cannot close
    stays ``.open``, logged; ``verify`` reports it)."""
    from archive.warc_index import write_cdxj

    try:
        closed = close_unfinished(db_path, portal)
    except (ArchiveLocked, OSError) as exc:
        logger.warning("WARC files left open by a killed crawl were not closed: %s", exc)
        return []
    for done in closed:
        if done.problem:
            logger.warning("%s left open: %s (see portal-archive verify)", done.path, done.problem)
            continue
        if not done.removed:
            try:
                write_cdxj(done.path, root=archive_folder(db_path))
            except Exception as exc:  # as the crawl's own indexing: `portal-archive index`
                logger.warning("CDXJ index of %s not written: %s", done.path.name, exc)
        logger.warning(
            "closed %s left open by a killed crawl: %d bytes kept, %d torn bytes cut%s",
            done.path.name,
            done.kept_bytes,
            done.torn_bytes,
            f" (saved to {done.torn_path.name})" if done.torn_path else "",
        )
    return closed


def _close_one(path: Path) -> Closed:
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    size = path.stat().st_size
    if final.exists():  # never overwrite a closed file: keep the .open for a human
        return Closed(path, 0, 0, None, problem=f"{final.name} exists beside it")
    with path.open("rb", buffering=1 << 20) as handle:
        members = list(member_bounds(handle, size))
        bad = [member for member in members if member.status != OK]
        if bad and bad[0] is not members[-1]:
            # Damage followed by complete records is not a kill's torn end: cutting there
            # would drop records the database may point to.
            return Closed(path, 0, 0, None, problem=f"{bad[0].status} record at {bad[0].offset}")
        good = bad[0].offset if bad else size
        torn_path: Path | None = None
        if good < size:
            handle.seek(good)
            torn_path = _save_torn(final, handle.read())
    if good < size:
        with path.open("r+b") as out:
            out.truncate(good)
            out.flush()
            os.fsync(out.fileno())
    if good == 0:
        path.unlink()
        fsync_directory(path.parent)
        return Closed(final, 0, size, torn_path, removed=True)
    os.replace(path, final)
    fsync_directory(final.parent)
    return Closed(final, good, size - good, torn_path)


def _save_torn(final: Path, data: bytes) -> Path:
    candidate = final.with_name(final.name + TORN_SUFFIX)
    serial = 1
    while True:
        try:
            with candidate.open("xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            return candidate
        except FileExistsError:
            if candidate.read_bytes() == data:  # saved by a close that was itself killed
                return candidate
            serial += 1
            candidate = final.with_name(f"{final.name}{TORN_SUFFIX}.{serial}")


__all__ = [
    "TORN_SUFFIX",
    "Closed",
    "close_before_crawl",
    "close_unfinished",
    "crawl_running",
    "unfinished_files",
]
