"""Making a rename or a new file durable: the directory entry synced, not only the data.

A file's fsync does not persist its name; after a crash a renamed or created file can be
missing unless its directory is synced too (POSIX). Snapshots, WARC files and their closing
all need this, so it lives once here.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_directory(path: Path) -> None:
    """fsync the directory ``path`` so the names created or renamed in it survive a crash."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
