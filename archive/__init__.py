"""Storage and publishing side of portal-archive: SQLite schema, writer, Datasette site.

Never imports scrapy or portal_spider: the archive must be readable without the crawler.

The names below are imported on first use (PEP 562): importing one small module of the
package (``archive.url_rules``, which the crawler's pure extraction layer reaches) must not
load the writer, sqlite-utils and the search code (~0.15 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.diff import word_diff
    from archive.errors import ArchiveError
    from archive.lock import ArchiveLock, ArchiveLocked
    from archive.queries import ArticleState, Revisit
    from archive.schema import open_archive
    from archive.timestamps import to_utc, utc_now
    from archive.writer import ArchiveWriter, WriterStats

_EXPORTS = {
    "ArchiveError": "archive.errors",
    "ArchiveLock": "archive.lock",
    "ArchiveLocked": "archive.lock",
    "ArchiveWriter": "archive.writer",
    "ArticleState": "archive.queries",
    "Revisit": "archive.queries",
    "WriterStats": "archive.writer",
    "open_archive": "archive.schema",
    "to_utc": "archive.timestamps",
    "utc_now": "archive.timestamps",
    "word_diff": "archive.diff",
}

__all__ = [
    "ArchiveError",
    "ArchiveLock",
    "ArchiveLocked",
    "ArchiveWriter",
    "ArticleState",
    "Revisit",
    "WriterStats",
    "open_archive",
    "to_utc",
    "utc_now",
    "word_diff",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
