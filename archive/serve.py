"""Run the public Datasette site over one or more archive databases.

Usage: ``python -m archive.serve data/demo.db [--host H] [--port P]``.
"""

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from archive import site_config
from archive.errors import ArchiveError
from archive.schema import open_archive


def datasette_command(
    db_paths: list[Path],
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    metadata: Path | None = None,
) -> list[str]:
    """The ``datasette serve`` argv for these databases, with the archive's site config."""
    command = [sys.executable, "-m", "datasette", "serve", *(str(p) for p in db_paths)]
    command += ["--host", host, "--port", str(port)]
    command += ["--metadata", str(metadata or site_config.METADATA_PATH)]
    if plugins := site_config.plugins_dir():
        command += ["--plugins-dir", str(plugins)]
    if templates := site_config.templates_dir():
        command += ["--template-dir", str(templates)]
    for name, value in site_config.SETTINGS.items():
        command += ["--setting", name, site_config.cli_setting_value(value)]
    return command


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> NoReturn:
    """Serve an existing archive: this process becomes Datasette (it never returns).

    Refuses a missing file (a typo must not publish a fresh, empty archive) and applies
    pending migrations first so Datasette never sees an outdated schema. Replacing the
    process (exec) rather than running a child means SIGTERM from systemd or a test, and
    Ctrl-C, reach Datasette itself: a wrapper that dies first would leave it running.
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        raise ArchiveError(f"archive database not found: {db_path}")
    open_archive(db_path).close()
    command = datasette_command([db_path], host=host, port=port)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve an archive database with Datasette.")
    parser.add_argument("db_path", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    try:
        return serve(args.db_path, args.host, args.port)
    except ArchiveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
