"""Run the Datasette site over one or more archive databases.

Usage: ``python -m archive.serve data/demo.db [--host H] [--port P] [--public]``.

Two modes. The default serves the archive *mutable* (Datasette re-reads it), so a crawl can
write while the site is up. ``public=True`` is for everyone on the internet: the file is
served immutable (``-i``: read-only, downloadable, cacheable) with a short SQL time limit and
only reviewed plugins; :mod:`archive.public` checks first that the file will not change.

Raw captures (WARC files) are found relative to the crawled database's folder; ``captures``
(``--captures DIR``) names that folder when the served file is elsewhere (a snapshot copied to
another machine). Without it the site tries the served file's folder, then the folder its
snapshot manifest says the source database was in (archive/capture_view.py).
"""

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import NoReturn

from archive import site_config
from archive.capture_view import CAPTURES_ENV
from archive.errors import ArchiveError
from archive.schema import open_archive


def datasette_command(
    db_paths: list[Path],
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    metadata: Path | None = None,
    public: bool = False,
    sql_time_limit_ms: int | None = None,
) -> list[str]:
    """The ``datasette serve`` argv for these databases, with the archive's site config."""
    command = [sys.executable, "-m", "datasette", "serve"]
    for path in db_paths:
        command += ["-i", str(path)] if public else [str(path)]
    command += ["--host", host, "--port", str(port)]
    command += ["--metadata", str(metadata or site_config.METADATA_PATH)]
    if plugins := site_config.plugins_dir():
        command += ["--plugins-dir", str(plugins)]
    if templates := site_config.templates_dir():
        command += ["--template-dir", str(templates)]
    overrides = {} if sql_time_limit_ms is None else {"sql_time_limit_ms": sql_time_limit_ms}
    for name, value in site_config.site_settings(public=public, **overrides).items():
        command += ["--setting", name, site_config.cli_setting_value(value)]
    return command


def serve_environment(snapshots: Path | None, captures: Path | None = None) -> dict[str, str]:
    """Environment variables the site needs (the snapshots page's directory, the folder the
    capture pointers are relative to)."""
    environment = {site_config.SNAPSHOTS_ENV: str(snapshots.resolve())} if snapshots else {}
    if captures is not None:
        environment[CAPTURES_ENV] = str(captures.resolve())
    return environment


def shell_command(command: list[str], environment: dict[str, str]) -> str:
    """``NAME=value python -m datasette serve ...`` as one copy-pasteable shell line."""
    assignments = [f"{name}={shlex.quote(value)}" for name, value in environment.items()]
    return " ".join([*assignments, *(shlex.quote(part) for part in command)])


def command_line(
    db_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    public: bool = False,
    sql_time_limit_ms: int | None = None,
    snapshots: Path | None = None,
    captures: Path | None = None,
) -> str:
    """What :func:`serve` would run, as a shell line; checks only that the paths exist.

    For running Datasette under another supervisor, or as the base of a ``datasette
    publish``/``package`` command (docs/publishing.md).
    """
    check_snapshots_directory(snapshots)
    check_captures_directory(captures)
    if not db_path.is_file():
        raise ArchiveError(f"archive database not found: {db_path}")
    command = datasette_command(
        [db_path], host=host, port=port, public=public, sql_time_limit_ms=sql_time_limit_ms
    )
    return shell_command(command, serve_environment(snapshots, captures))


def check_snapshots_directory(snapshots: Path | None) -> None:
    if snapshots is not None and not snapshots.is_dir():
        raise ArchiveError(
            f"snapshot directory not found: {snapshots} (portal-archive snapshot creates it)"
        )


def check_captures_directory(captures: Path | None) -> None:
    if captures is not None and not captures.is_dir():
        raise ArchiveError(
            f"captures folder not found: {captures} (the folder that held the crawled "
            "database, with its <name>-warc folder)"
        )


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8001,
    *,
    public: bool = False,
    sql_time_limit_ms: int | None = None,
    snapshots: Path | None = None,
    captures: Path | None = None,
) -> NoReturn:
    """Serve an existing archive: this process becomes Datasette (it never returns).

    Refuses a missing file (a typo must not publish a fresh, empty archive). The default mode
    applies pending migrations first so Datasette never sees an outdated schema; public mode
    runs :func:`archive.public.check_public_database` instead. Replacing the process (exec)
    rather than running a child means SIGTERM from systemd or a test, and Ctrl-C, reach
    Datasette itself: a wrapper that dies first would leave it running.
    """
    db_path = Path(db_path)
    check_snapshots_directory(snapshots)
    check_captures_directory(captures)
    if public:
        from archive.public import check_public_database, check_public_plugins

        check_public_plugins()
        check_public_database(db_path)
    else:
        if not db_path.is_file():
            raise ArchiveError(f"archive database not found: {db_path}")
        if db_path.stat().st_size == 0:  # open_archive would make it a new, empty archive
            raise ArchiveError(f"{db_path} is empty, not an archive database")
        open_archive(db_path).close()
    command = datasette_command(
        [db_path], host=host, port=port, public=public, sql_time_limit_ms=sql_time_limit_ms
    )
    environment = {**os.environ, **serve_environment(snapshots, captures)}
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, environment)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve an archive database with Datasette.")
    parser.add_argument("db_path", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--public", action="store_true")
    parser.add_argument("--sql-time-limit-ms", type=int)
    parser.add_argument("--snapshots", type=Path)
    parser.add_argument("--captures", type=Path)
    args = parser.parse_args(argv)
    try:
        return serve(
            args.db_path,
            args.host,
            args.port,
            public=args.public,
            sql_time_limit_ms=args.sql_time_limit_ms,
            snapshots=args.snapshots,
            captures=args.captures,
        )
    except ArchiveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
