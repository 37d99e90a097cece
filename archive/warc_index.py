"""CDXJ indexes of the archive's WARC files: one ``<file>.cdxj`` beside each closed WARC.

CDXJ is the index replay tools (pywb, ReplayWeb.page, the wacz package) look captures up
in: one line per record, ``<SURT url key> <14-digit timestamp> {json}``, sorted. It is
written here by cdxj-indexer (Webrecorder's indexer, the one py-wacz itself uses) with its
default fields and records (response, revisit, resource; not our ``application/warc-fields``
metadata records), so the file is exactly what ``cdxj-indexer --sort`` would print, except
``filename``: it names the WARC relative to the archive's folder (``--dir-root``), as the
``captures.warc_file`` pointers do, so the per-file indexes of an archive can be merged
(``sort -m``) into one index that a replay tool resolves from that folder.

An index is written (temporary file, fsync, rename) when the crawl closes its WARC files
(portal_spider/capture.py) and can be rebuilt with ``portal-archive index``.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

CDXJ_SUFFIX = ".cdxj"
#: cdxj-indexer's default record types. Spelled out: importing the ``wacz`` package appends
#: "warcinfo" to cdxj-indexer's class-level default list, which would change our output.
RECORDS = "response,revisit,resource"
_WARC_ROOT_SUFFIX = "-warc"


def cdxj_path(warc_path: str | Path) -> Path:
    """Where the index of ``warc_path`` goes: ``<file>.warc.gz.cdxj`` beside it."""
    path = Path(warc_path)
    return path.with_name(path.name + CDXJ_SUFFIX)


def archive_root(warc_path: str | Path) -> Path | None:
    """The archive's folder for a file under ``<folder>/<stem>-warc/…`` (None elsewhere)."""
    for parent in Path(warc_path).resolve().parents:
        if parent.name.endswith(_WARC_ROOT_SUFFIX):
            return parent.parent
    return None


def cdxj_lines(warc_path: str | Path, *, root: str | Path | None = None) -> str:
    """The sorted CDXJ text of one WARC file (``filename`` relative to ``root``)."""
    warc_path = Path(warc_path).resolve()
    if root is None:
        root = archive_root(warc_path)
    out = io.StringIO()
    indexer = CDXJIndexer(
        out,
        [str(warc_path)],
        sort=True,
        records=RECORDS,
        dir_root=str(Path(root).resolve()) if root is not None else None,
    )
    indexer.process_all()
    return out.getvalue()


def write_cdxj(warc_path: Path, *, root: str | Path | None = None) -> Path:
    """Write ``<file>.cdxj`` beside a closed WARC file (atomically) and return its path.

    ``root``: the folder ``filename`` is relative to; by default the archive's folder
    (the one holding ``<stem>-warc``), else just the file's name (cdxj-indexer's default).
    """
    warc_path = Path(warc_path)
    target = cdxj_path(warc_path)
    text = cdxj_lines(warc_path, root=root)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def closed_warcs(warc_root: Path) -> Iterator[Path]:
    """The closed WARC files under a ``<stem>-warc`` folder, in name (time) order."""
    if not warc_root.is_dir():
        return iter(())
    return iter(sorted(warc_root.rglob("*.warc.gz"), key=lambda path: path.name))


@dataclass
class IndexRun:
    """What :func:`index_missing` did."""

    written: list[Path] = field(default_factory=list)
    present: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)
    lines: int = 0
    seconds: float = 0.0


def index_missing(
    db_path: str | Path,
    *,
    rebuild: bool = False,
    progress: Callable[[int, int, Path], None] | None = None,
) -> IndexRun:
    """Write the missing (or, with ``rebuild``, every) ``.cdxj`` of an archive's closed WARCs.

    A WARC newer than its index (rewritten, or an index left by a killed run) counts as
    missing. Files still ``.open`` are skipped: a crawl may be writing them.
    """
    import time

    from archive.warc_store import archive_folder, warc_root

    clock = time.perf_counter()
    folder = archive_folder(db_path)
    files = list(closed_warcs(warc_root(Path(db_path).resolve())))
    run = IndexRun()
    for number, warc in enumerate(files, 1):
        target = cdxj_path(warc)
        if not rebuild and target.exists() and target.stat().st_mtime_ns >= warc.stat().st_mtime_ns:
            run.present += 1
            continue
        if progress is not None:
            progress(number, len(files), warc)
        try:
            write_cdxj(warc, root=folder)
        except Exception as exc:  # warcio's ArchiveLoadFailed, OSError...: report, go on
            run.failed.append((warc, f"{type(exc).__name__}: {exc}"))
            continue
        run.written.append(target)
        with target.open("rb") as handle:
            run.lines += sum(1 for _ in handle)
    run.seconds = time.perf_counter() - clock
    return run


__all__ = [
    "CDXJ_SUFFIX",
    "IndexRun",
    "archive_root",
    "cdxj_lines",
    "cdxj_path",
    "closed_warcs",
    "index_missing",
    "write_cdxj",
]
