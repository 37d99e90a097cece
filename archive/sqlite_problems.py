"""One clear sentence for why an archive file cannot be used, instead of SQLite's terse codes.

SQLite reports a full disk as ``disk I/O error`` as often as ``database or disk is full``
(it depends on which write hit the wall), a read-only directory as ``unable to open database
file`` and a truncated copy as ``database disk image is malformed``. The commands print one
line naming the problem (docs/reliability.md, "Bad input"), so the file system is asked what
is actually wrong, and the header is checked before SQLite reads a truncated file.
"""

import os
import sqlite3
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_BYTES = 100
NOT_SQLITE = "exists but is not a SQLite database"


def header_problem(path: Path) -> str | None:
    """Why an existing, non-empty file is not a whole SQLite database, or None if it may be.

    The answer completes "<path> ...": "exists but is not a SQLite database", "is truncated
    (...)". Reads only the 100-byte header: the magic string, the page size and the database
    size in pages (valid when the change counter matches its "version-valid-for" copy). A file
    shorter than that, or not a whole number of pages, was cut short (a copy or download that
    stopped early); SQLite itself would only say "malformed", and only for some queries.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        header = fh.read(_HEADER_BYTES)
    if not header.startswith(SQLITE_MAGIC):
        return NOT_SQLITE
    if len(header) < _HEADER_BYTES:
        return f"is truncated ({size} bytes, shorter than a SQLite header)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    if page_size < 512 or page_size & (page_size - 1):
        return f"has a damaged SQLite header (page size {page_size})"
    for suffix in ("-wal", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists() and companion.stat().st_size:
            # Pages may legitimately live there: a checkpoint cut short by a full disk leaves
            # a main file shorter than its header says, the WAL still holds the pages; a
            # hot rollback journal restores a half-written transaction. SQLite handles both.
            return None
    if size % page_size or (counter_valid and pages and size < pages * page_size):
        expected = f"{pages * page_size} bytes" if counter_valid and pages else "whole pages"
        return f"is truncated ({size} bytes, its SQLite header says {expected})"
    return None


def explain(path: Path, exc: sqlite3.Error) -> str:
    """A sentence naming the problem behind a SQLite error on ``path`` (disk, permissions...)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    where = path.parent if not path.exists() else path
    if name == "SQLITE_FULL" or (name.startswith("SQLITE_IOERR") and _disk_full(where)):
        return f"no space left on the device holding {path} (disk full); free space and re-run"
    unwritable = name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR")) and _read_only_fs(where)
    if name.startswith("SQLITE_READONLY") or unwritable:
        return (
            f"{path} cannot be written: read-only file system, file or directory "
            "(a crawl, and serving without --public, need to write next to the archive)"
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return f"{path} cannot be opened (missing directory or no permission): {exc}"
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return f"{path} is damaged ({exc}); restore it from a snapshot (see docs/reliability.md)"
    return f"{path} could not be opened as an archive database: {exc}"


def explain_os_error(path: Path, exc: OSError) -> str:
    """The same, for errors from the file system itself (creating a directory, a lock file)."""
    target = exc.filename or path
    return f"{target}: {exc.strerror or exc}"


def _disk_full(path: Path) -> bool:
    try:
        stats = os.statvfs(path)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False
