"""CDXJ indexes of the archive's WARC files: one ``<file>.cdxj`` beside each closed WARC.

CDXJ is the index replay tools (pywb, ReplayWeb.page, the wacz package) look captures up
in: one line per record, ``<SURT url key> <14-digit timestamp> {json}``, sorted. It is
written here by cdxj-indexer (Webrecorder's indexer, the one py-wacz itself uses) with its
default fields and records (response, revisit, resource; not our ``application/warc-fields``
metadata records), so the file is exactly what ``cdxj-indexer --sort`` would print, except
``filename``: it names the WARC relative to the archive's folder (``--dir-root``), as the
``captures.warc_file`` pointers do, so the per-file indexes of an archive can be merged
(``sort -m``) into one index that a replay tool resolves from that folder.

The crawl writes each file's index as it closes it (archive/warc_store.py), from what it
already knows of every record it wrote (:func:`cdxj_line`), instead of reading the file
again with cdxj-indexer: that re-read cost ~0.5 ms per record, a third of what capture
added to a crawl (bench/warc.py). The lines are the ones cdxj-indexer prints, byte for byte
(tests/test_warc_exports.py compares both on crawled files); ``portal-archive index`` and
files closed after a killed crawl use cdxj-indexer itself.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CDXJ_SUFFIX = ".cdxj"
#: cdxj-indexer's default record types. Spelled out: importing the ``wacz`` package appends
#: "warcinfo" to cdxj-indexer's class-level default list, which would change our output.
RECORDS = "response,revisit,resource"
_WARC_ROOT_SUFFIX = "-warc"
#: How cdxj-indexer cuts "text/html; charset=utf-8" (its ``CDXJIndexer.RE_SPACE``, copied so
#: that importing this module does not import cdxj-indexer; a test keeps them equal).
_SPACE = re.compile(r"[;\s]")


@functools.cache
def _surt() -> Callable[[str], str]:
    """``surt.surt``, imported on first use: surt and cdxj-indexer pull in tldextract and
    requests (~0.1-0.2 s), which every crawl paid at start, even with ``--no-warc``."""
    from surt import surt

    return surt


def cdxj_line(
    *,
    url: str,
    warc_date: str,
    record_type: str,
    content_type: str | None,
    status: int,
    digest: str | None,
    length: int,
    offset: int,
    filename: str,
) -> str:
    """One index line as cdxj-indexer writes it for a response or revisit record: SURT key,
    14-digit time, then url, mime, status, digest (when the record has one), length, offset
    and filename, in that order, ``json.dumps`` with its default separators."""
    try:
        key = _surt()(url)
    except Exception:  # cdxj-indexer falls back to the URL itself the same way
        key = url
    if record_type == "revisit":
        mime: str | None = "warc/revisit"
    else:
        mime = _SPACE.split(content_type, 1)[0].strip() if content_type else None
    index: dict[str, str] = {"url": url}
    if mime is not None:
        index["mime"] = mime
    index["status"] = str(status)
    if digest:
        index["digest"] = digest
    index.update(length=str(length), offset=str(offset), filename=filename)
    stamp = re.sub(r"\D", "", warc_date)[:14]
    return f"{key} {stamp} {json.dumps(index)}\n"


def write_cdxj_text(warc_path: Path, lines: Iterable[str]) -> Path:
    """Write the sorted lines as ``<file>.cdxj`` beside ``warc_path`` (atomically)."""
    return _write_atomically(cdxj_path(warc_path), "".join(sorted(lines)))


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
    from cdxj_indexer.main import CDXJIndexer

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
    return _write_atomically(cdxj_path(warc_path), cdxj_lines(warc_path, root=root))


def _write_atomically(target: Path, text: str) -> Path:
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
