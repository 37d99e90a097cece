"""Checks before ``portal-archive serve --public`` serves a database immutable.

Datasette opens an immutable file with ``?immutable=1``: SQLite then takes no locks and
reads only the main file. Measured: a WAL-mode archive with committed rows still in its
``-wal`` file is served as if those rows (even whole tables) did not exist, and a crawl
writing during serving would be read half-way. So the public site refuses a file that is
changing or may change:

- a crawl holds the archive's lock (:mod:`archive.lock`): :class:`ArchiveBusy`;
- a live (WAL-mode) archive is migrated like any served archive, then checkpointed; if its
  WAL is still not empty afterwards another process has it open for writing: ArchiveBusy;
- a snapshot (rollback-journal mode, see :mod:`archive.snapshot`) is never modified, not
  even migrated, because its bytes must keep matching its sha256: a schema other than this
  code's is refused.

It also refuses installed Datasette plugins outside ``site_config.PUBLIC_PLUGINS`` (Datasette
0.65 loads every installed plugin, so "no write plugins" can only be checked, not chosen).
"""

import sqlite3
from contextlib import closing
from importlib.metadata import entry_points
from pathlib import Path

import sqlite_utils

from archive import site_config
from archive.errors import ArchiveError
from archive.lock import ArchiveLock, ArchiveLocked
from archive.schema import migrations, open_archive
from archive.sqlite_problems import header_problem

_WAL_MODE = 2  # database header bytes 18-19: 1 = rollback journal, 2 = WAL


class ArchiveBusy(ArchiveError):
    """The database is being written; serving it immutable would show a wrong picture."""


def check_public_database(db_path: Path) -> None:
    """Make sure ``db_path`` will not change under an immutable server (see module doc)."""
    if not db_path.is_file():
        raise ArchiveError(f"archive database not found: {db_path}")
    if problem := header_problem(db_path):
        raise ArchiveError(f"{db_path} {problem}; refusing to serve it")
    _refuse_running_crawl(db_path)
    if _header_mode(db_path) == _WAL_MODE:
        _migrate_and_checkpoint(db_path)
    else:
        _require_current_schema(db_path)


def unreviewed_plugins() -> list[str]:
    """Installed Datasette plugin distributions that are not in PUBLIC_PLUGINS."""
    installed = {ep.dist.name for ep in entry_points(group="datasette") if ep.dist is not None}
    return sorted(installed - site_config.PUBLIC_PLUGINS)


def check_public_plugins() -> None:
    unknown = unreviewed_plugins()
    if unknown:
        raise ArchiveError(
            f"--public refuses unreviewed Datasette plugins: {', '.join(unknown)}; uninstall "
            "them or, if they never write, add them to archive.site_config.PUBLIC_PLUGINS"
        )


def _refuse_running_crawl(db_path: Path) -> None:
    lock = ArchiveLock(db_path)
    if not lock.path.exists():  # never crawled through the CLI: do not litter a snapshot dir
        return
    try:
        lock.acquire()
    except ArchiveLocked as exc:
        raise ArchiveBusy(
            f"a crawl is writing {db_path} ({exc.holder or 'holder unknown'}); --public serves "
            "a file that does not change: serve a snapshot (portal-archive snapshot) instead"
        ) from exc
    lock.release()


def _header_mode(db_path: Path) -> int:
    with db_path.open("rb") as fh:
        header = fh.read(20)
    if len(header) < 20 or not header.startswith(b"SQLite format 3\x00"):
        raise ArchiveError(f"{db_path} is not a SQLite database")
    return header[18]


def _migrate_and_checkpoint(db_path: Path) -> None:
    db = open_archive(db_path)
    try:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        (hidden,) = db.execute(
            "SELECT count(*) FROM articles WHERE hidden_at IS NOT NULL"
        ).fetchone()
    finally:
        db.close()  # the last connection to close also deletes the -wal file
    wal = db_path.with_name(db_path.name + "-wal")
    if busy or (wal.exists() and wal.stat().st_size > 0):
        raise ArchiveBusy(
            f"{db_path} is open for writing in another process (its WAL cannot be emptied); "
            "stop that process or serve a snapshot (portal-archive snapshot)"
        )
    if hidden:  # archive/hide.py: the pages hide them, Datasette's table and SQL pages would not
        raise ArchiveError(
            f"{db_path} holds {hidden} article(s) taken off the public site (portal-archive hide)"
            "; Datasette's table and SQL pages would still show their rows: serve a snapshot "
            "(portal-archive snapshot), which leaves them out"
        )


def _require_current_schema(db_path: Path) -> None:
    uri = f"{db_path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            db = sqlite_utils.Database(conn)
            applied = {m.name for m in migrations.applied(db)}
            pending = [m.name for m in migrations.pending(db)]
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{db_path} could not be read as an archive database: {exc}") from exc
    known = {m.name for m in migrations._migrations}  # no public accessor in sqlite-utils 4.2
    if pending or applied - known:
        problem = (
            f"misses migrations {', '.join(pending)}"
            if pending
            else f"has migrations this code does not know ({', '.join(sorted(applied - known))})"
        )
        raise ArchiveError(
            f"{db_path} {problem}; --public never modifies a snapshot: serve it without "
            "--public, or serve a snapshot taken with this version"
        )
