"""Dated, checksummed copies of an archive database, listed in a manifest.

``take_snapshot(db, out_dir)`` writes ``out_dir/<dbstem>-YYYY-MM-DDTHHMMSSZ.db`` with SQLite's
``VACUUM INTO``. The copy is made inside one read transaction, so it is the database exactly as
committed at one instant even while a crawl keeps writing (WAL mode: readers and the writer
do not block each other); the source is opened read-only and never modified. The copy comes
out in rollback-journal mode, one self-contained file: nothing else is needed to open it, and
opening it read-only never changes its bytes, so its sha256 stays valid.

Next to it go ``<file>.sha256`` (``sha256sum`` format: ``sha256sum -c`` verifies it) and an
entry appended to ``manifest.json``, written atomically (temporary file + rename) while
holding an ``flock`` on the directory, so two snapshot commands never lose each other's entry.
A snapshot file is never overwritten: it is written under a temporary name and published
with ``os.link``, which fails if the name already exists. The checksum file and the new
manifest are written and synced under hidden names first, so publishing is one link and two
renames in a row: a kill can leave a published file not yet listed only in the microseconds
between them (the 20-kill test once hit the older, longer window of two synced writes).
Otherwise a snapshot command killed half-way leaves only hidden temporary files (never a
half-written manifest); the next snapshot command into the directory removes them.
"""

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.durable import fsync_directory
from archive.errors import ArchiveError
from archive.schema import MIGRATION_SET
from archive.sqlite_problems import NOT_SQLITE, header_problem

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
SNAPSHOT_SUFFIX = ".db"
WACZ_SUFFIX = ".wacz"
_NAME_TIME = "%Y-%m-%dT%H%M%SZ"
_ENTRY_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # the archive's own timestamp format (timestamps.py)
_CHUNK = 1024 * 1024


class SnapshotError(ArchiveError):
    """A snapshot cannot be taken (missing source, unwritable directory, bad manifest)."""


@dataclass(frozen=True)
class Snapshot:
    """One snapshot just written: its path and its manifest entry."""

    path: Path
    manifest: Path
    entry: dict[str, Any]

    def summary(self) -> str:
        """The one line printed by ``portal-archive snapshot``."""
        e = self.entry
        wacz = ""
        if "wacz" in e:
            w = e["wacz"]
            wacz = (
                f", WACZ {w['file']} ({w['captures']} captures, {w['pages']} pages, "
                f"{w['bytes'] / 1e6:.1f} MB)"
                if w
                else ", no WACZ (no captures since the previous snapshot)"
            )
        return (
            f"snapshot {self.path}: {e['bytes'] / 1e6:.1f} MB, {e['articles']} articles, "
            f"sha256 {e['sha256'][:16]}…{wacz}, {e['seconds']:.2f} s (listed in {self.manifest})"
        )


def take_snapshot(
    db_path: str | Path, out_dir: str | Path, *, now: datetime | None = None, wacz: bool = False
) -> Snapshot:
    """Copy ``db_path`` into ``out_dir`` as a dated snapshot and list it in the manifest.

    ``wacz``: also write ``<snapshot>.wacz``, the captures of the copy fetched since the
    previous snapshot of the same database (all of them for the first), see
    :func:`_export_period`; listed in the entry (``wacz``) and in the ``.sha256`` file.
    """
    db_path, out_dir = Path(db_path), Path(out_dir)
    _check_source(db_path)
    _prepare_directory(out_dir)
    clock = time.perf_counter()
    with _directory_lock(out_dir):
        _remove_leftovers(out_dir)
        manifest = read_manifest(out_dir)  # a broken manifest stops us before any copying
        started = (now or datetime.now(UTC)).astimezone(UTC)
        name = f"{db_path.stem}-{started.strftime(_NAME_TIME)}{SNAPSHOT_SUFFIX}"
        final = out_dir / name
        if final.exists() and now is None:
            # Names have one-second resolution; a second snapshot within the same second
            # (a script taking two in a row) waits for the next second instead of failing.
            time.sleep(1 - started.microsecond / 1e6)
            started = datetime.now(UTC)
            name = f"{db_path.stem}-{started.strftime(_NAME_TIME)}{SNAPSHOT_SUFFIX}"
            final = out_dir / name
        if final.exists():
            raise SnapshotError(f"{final} already exists; refusing to overwrite a snapshot")
        partial = out_dir / f".{name}.partial"
        staged: list[Path] = [partial]
        try:
            contents, digest = _copy(db_path, partial)
            entry = {
                "file": name,
                "created_at": started.strftime(_ENTRY_TIME),
                "bytes": partial.stat().st_size,
                "sha256": digest,
                **contents,
                "source": str(db_path.resolve()),
            }
            sums = f"{digest}  {name}\n"
            package: tuple[Path, Path] | None = None
            if wacz:
                wacz_name = name.removesuffix(SNAPSHOT_SUFFIX) + WACZ_SUFFIX
                wacz_partial = out_dir / f".{wacz_name}.partial"
                staged.append(wacz_partial)
                entry["wacz"] = _export_period(db_path, partial, wacz_partial, manifest)
                if entry["wacz"] is not None:
                    entry["wacz"]["file"] = wacz_name
                    sums += f"{entry['wacz']['sha256']}  {wacz_name}\n"
                    package = (wacz_partial, out_dir / wacz_name)
            entry["seconds"] = round(time.perf_counter() - clock, 3)
            manifest["snapshots"].append(entry)
            manifest_path = out_dir / MANIFEST_NAME
            text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
            checksum = out_dir / f"{name}.sha256"
            # Everything is written and synced under hidden names first; publishing is then
            # one link and two renames, so a kill leaves a snapshot-named file unlisted only
            # in the microseconds between them (it used to be two fsynced writes).
            staged_checksum = _staged(checksum, sums)
            staged.append(staged_checksum)
            staged_manifest = _staged(manifest_path, text)
            staged.append(staged_manifest)
            try:
                os.link(partial, final)  # unlike rename, fails if the name exists
                if package is not None:
                    os.link(*package)
            except FileExistsError as exc:
                raise SnapshotError(
                    f"{exc.filename2 or final} already exists; refusing to overwrite"
                ) from exc
            os.replace(staged_checksum, checksum)
            os.replace(staged_manifest, manifest_path)
            fsync_directory(out_dir)
        except (OSError, sqlite3.Error) as exc:
            raise SnapshotError(f"cannot snapshot {db_path} into {out_dir}: {exc}") from exc
        finally:
            for path in staged:
                path.unlink(missing_ok=True)
    return Snapshot(final, manifest_path, entry)


def _export_period(
    db_path: Path, copy: Path, target: Path, manifest: dict[str, Any]
) -> dict[str, Any] | None:
    """The WACZ of the snapshot's period at ``target`` (hidden, synced; the caller links it):
    the copy's captures fetched since the previous snapshot of this database started. Read
    from the copy (the snapshot's own instant) and the source's WARC files. None when the
    period holds no captures."""
    from archive.wacz_export import ExportError, NoCaptures, export_wacz
    from archive.warc_store import archive_folder

    source = str(db_path.resolve())
    previous = [e for e in manifest["snapshots"] if e.get("source") == source]
    since = previous[-1].get("created_at") if previous else None
    target.unlink(missing_ok=True)
    try:
        summary = export_wacz(copy, target, since=since, warc_folder=archive_folder(db_path))
    except NoCaptures:
        return None
    except ExportError as exc:
        raise SnapshotError(f"snapshot WACZ: {exc}") from exc
    return {
        "since": since,
        "bytes": summary.bytes,
        "sha256": sha256_file(target),
        "captures": summary.captures,
        "originals": summary.originals,
        "pages": summary.pages,
    }


def _copy(db_path: Path, partial: Path) -> tuple[dict[str, Any], str]:
    """VACUUM INTO a hidden temporary name, then describe, hash and sync it (published by
    the caller)."""
    partial.unlink(missing_ok=True)  # left by a killed run: never a published name
    _vacuum_into(db_path, partial)
    _scrub_hidden(partial)
    contents = describe(partial)
    digest = sha256_file(partial)
    _fsync(partial)
    return contents, digest


def _scrub_hidden(copy: Path) -> None:
    """Articles hidden with ``portal-archive hide`` leave the published copy (only a tombstone
    row stays, see :func:`archive.hide.scrub_public_copy`); VACUUM then drops the freed pages
    so no old bytes remain. A copy with nothing hidden is left byte for byte as copied."""
    from archive import hide, vn_search

    with closing(sqlite3.connect(copy)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "hidden_articles" not in tables:
            return
        if not conn.execute("SELECT 1 FROM hidden_articles LIMIT 1").fetchone():
            return
        vn_search.register(conn)  # the search index triggers run on delete
        hide.scrub_public_copy(conn)
        conn.isolation_level = None
        conn.execute("VACUUM")


def _remove_leftovers(out_dir: Path) -> None:
    """Temporary files of a snapshot command that was killed (SIGKILL, power loss). Safe:
    we hold the directory lock, so no other snapshot command is writing any right now."""
    # ".partial*": the copy and SQLite's rollback journal of it (".partial-journal").
    for pattern in (
        f".*{SNAPSHOT_SUFFIX}.partial*",
        f".*{WACZ_SUFFIX}.partial",
        f".{MANIFEST_NAME}.*.tmp",
        ".*.sha256.*.tmp",
    ):
        for leftover in out_dir.glob(pattern):
            leftover.unlink(missing_ok=True)
    for work in out_dir.glob(".wacz-export-*"):  # a WACZ export's working folder
        shutil.rmtree(work, ignore_errors=True)


def read_manifest(out_dir: str | Path) -> dict[str, Any]:
    """The manifest in ``out_dir`` (an empty one if there is none yet)."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"format": MANIFEST_FORMAT, "snapshots": []}
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise SnapshotError(f"{path} is not valid JSON ({exc}); fix or move it") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("snapshots"), list):
        raise SnapshotError(f"{path} is not a snapshot manifest (no 'snapshots' list)")
    return manifest


def describe(path: str | Path) -> dict[str, Any]:
    """Counts and schema of an archive file, read without modifying it."""
    with closing(_connect_read_only(Path(path))) as conn:
        by_portal = dict(
            conn.execute("SELECT portal, count(*) FROM articles GROUP BY portal ORDER BY portal")
        )
        (versions,) = conn.execute("SELECT count(*) FROM article_versions").fetchone()
        migrations = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                [MIGRATION_SET],
            )
        ]
    return {
        "articles": sum(by_portal.values()),
        "articles_by_portal": by_portal,
        "article_versions": versions,
        "schema_migrations": migrations,
    }


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_source(db_path: Path) -> None:
    if not db_path.is_file():
        raise SnapshotError(f"archive database not found: {db_path}")
    problem = header_problem(db_path) if db_path.stat().st_size else None
    if problem and problem != NOT_SQLITE:  # SQLite's own "file is not a database" is clear
        raise SnapshotError(f"{db_path} {problem}; nothing was copied")
    try:
        with closing(_connect_read_only(db_path)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise SnapshotError(f"{db_path} is not a readable SQLite database: {exc}") from exc
    missing = {"articles", "article_versions", "_sqlite_migrations"} - tables
    if missing:
        raise SnapshotError(
            f"{db_path} is not an archive database (no {', '.join(sorted(missing))})"
        )


def _prepare_directory(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise SnapshotError(f"{out_dir}: not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SnapshotError(f"{out_dir}: cannot create directory: {exc.strerror or exc}") from exc
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise SnapshotError(f"{out_dir}: directory is not writable")


def _connect_read_only(path: Path) -> sqlite3.Connection:
    # mode=ro: a snapshot must never migrate or otherwise touch the archive it copies.
    # (Not PRAGMA query_only: it also forbids VACUUM INTO, which writes only the target.)
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def _vacuum_into(source: Path, target: Path) -> None:
    with closing(_connect_read_only(source)) as conn:
        try:
            conn.execute("VACUUM INTO ?", [str(target)])
            return
        except sqlite3.OperationalError as exc:
            if "values were supplied" not in str(exc):
                raise
        # SQLite 3.40 (Debian 12) fails VACUUM INTO from a read-only connection when a table
        # has a column added with a CHECK and then a generated column added (articles:
        # removal_reason, then search_key): "has 19 columns but 20 values were supplied".
        # Same result another way: copy every page in one backup step (one read
        # transaction, so still one committed instant), then compact the copy.
        target.unlink(missing_ok=True)
        with closing(sqlite3.connect(target, isolation_level=None)) as copy:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            copy.execute("VACUUM")


@contextmanager
def _directory_lock(out_dir: Path) -> Iterator[None]:
    """Serialise snapshot commands writing to one directory (flock on the directory itself)."""
    fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _staged(path: Path, text: str) -> Path:
    """``text`` written and synced under a hidden temporary name beside ``path``, ready to be
    renamed over it (readers see the old file or the new one, never half of one)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; the manifest is public
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
