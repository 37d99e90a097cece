"""Storage and publishing side of portal-archive: SQLite schema, writer, Datasette site.

Never imports scrapy or portal_spider: the archive must be readable without the crawler.
"""

from archive.diff import word_diff
from archive.errors import ArchiveError
from archive.lock import ArchiveLock, ArchiveLocked
from archive.queries import ArticleState, Revisit
from archive.schema import open_archive
from archive.timestamps import to_utc, utc_now
from archive.writer import ArchiveWriter, WriterStats

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
