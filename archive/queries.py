"""Read helpers for incremental crawling: plain queries over an open archive database.

The crawler asks "which URLs do I already have?" and "which recent articles should I
re-check, with which validators?". These functions take a ``sqlite_utils.Database`` (for
example ``open_archive(path)`` or ``ArchiveWriter.db``); :class:`archive.ArchiveWriter` has
methods of the same names that flush pending writes first.
"""

from dataclasses import dataclass

import sqlite_utils

from archive.records import clean_text
from archive.timestamps import to_utc


@dataclass(frozen=True)
class Revisit:
    """An article to re-request, with the validators for a conditional request."""

    url: str
    etag: str | None
    last_modified: str | None
    removed: bool


@dataclass(frozen=True)
class KnownArticle:
    """What an incremental crawl needs to know of an archived article, per URL."""

    section: str | None
    published_at: str | None
    removed: bool
    etag: str | None
    last_modified: str | None
    #: When the archive last saw the article (UTC, ``...Z``): a credible sitemap ``lastmod``
    #: after it means the portal changed the page since.
    last_seen_at: str | None = None

    def revisit(self, url: str) -> Revisit:
        return Revisit(url, self.etag, self.last_modified, self.removed)


@dataclass(frozen=True)
class ArticleState:
    """What the archive knows about one article URL (no content)."""

    id: int
    url: str
    portal: str
    version: int
    content_hash: str
    first_seen_at: str
    last_seen_at: str
    etag: str | None
    last_modified: str | None
    removed_at: str | None
    removal_reason: str | None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


_STATE_FIELDS = (
    "id, url, portal, version, content_hash, first_seen_at, last_seen_at, "
    "etag, last_modified, removed_at, removal_reason"
)


def known_urls(db: sqlite_utils.Database, portal: str) -> set[str]:
    """Every article URL archived for ``portal``, removed ones included."""
    cursor = db.execute("SELECT url FROM articles WHERE portal = ?", [portal])
    return {row[0] for row in cursor}


def known_articles(db: sqlite_utils.Database, portal: str) -> dict[str, KnownArticle]:
    """Every archived article of ``portal`` (removed ones included), keyed by URL.

    Articles whose last read failed (``extraction_failed``) are left out: for the crawl they
    are not known yet, so a listing page of them does not stop pagination and they are
    fetched again in full (see :func:`failed_articles`).
    """
    cursor = db.execute(
        "SELECT url, section, published_at, removed_at IS NOT NULL, etag, last_modified, "
        "last_seen_at FROM articles WHERE portal = ? AND extraction_failed IS NULL",
        [portal],
    )
    return {
        row[0]: KnownArticle(row[1], row[2], bool(row[3]), row[4], row[5], row[6]) for row in cursor
    }


def revisit_candidates(
    db: sqlite_utils.Database, portal: str, *, first_seen_since: str
) -> list[Revisit]:
    """Live articles of ``portal`` first seen at or after ``first_seen_since`` (newest first).

    ``first_seen_since`` is any aware ISO 8601 time; it is compared in the archive's UTC form.
    """
    since = to_utc(first_seen_since)
    cursor = db.execute(
        "SELECT url, etag, last_modified, removed_at FROM articles "
        "WHERE portal = ? AND first_seen_at >= ? AND removed_at IS NULL "
        "ORDER BY first_seen_at DESC, url",
        [portal, since],
    )
    return [
        Revisit(url, etag, modified, removed is not None) for url, etag, modified, removed in cursor
    ]


def article_state(db: sqlite_utils.Database, url: str) -> ArticleState | None:
    """The stored state of ``url`` (NFC-normalised like the writer does), or None if unknown."""
    cursor = db.execute(f"SELECT {_STATE_FIELDS} FROM articles WHERE url = ?", [clean_text(url)])
    row = cursor.fetchone()
    return ArticleState(*row) if row else None


def recent_articles(
    db: sqlite_utils.Database, portal: str, *, first_seen_since: str, days: int
) -> list[Revisit]:
    """Live articles to re-check: first seen since `first_seen_since` AND published within
    `days` of the newest article the portal has published (or undated).

    Why both: right after the first full crawl every article was "first seen" today, and
    re-requesting a whole backlog daily would defeat incremental crawling. Publication dates
    are the portal's own clock, so "recent" means recent on the portal, however old the portal.
    """
    since = to_utc(first_seen_since)
    cursor = db.execute(
        "SELECT url, etag, last_modified, removed_at FROM articles "
        "WHERE portal = :portal AND first_seen_at >= :since AND removed_at IS NULL "
        "AND extraction_failed IS NULL AND ("
        "  published_at IS NULL OR substr(published_at, 1, 10) >= ("
        "    SELECT date(max(substr(published_at, 1, 10)), :window) FROM articles "
        "    WHERE portal = :portal AND removed_at IS NULL)"
        ") ORDER BY published_at DESC, url",
        {"portal": portal, "since": since, "window": f"-{int(days)} days"},
    )
    return [
        Revisit(url, etag, modified, removed is not None) for url, etag, modified, removed in cursor
    ]


def failed_articles(db: sqlite_utils.Database, portal: str) -> list[tuple[str, str | None]]:
    """``(url, section)`` of the live articles of ``portal`` whose last read failed
    (``extraction_failed``), oldest first: the next crawl requests them again in full,
    without validators, wherever they are in the listings."""
    cursor = db.execute(
        "SELECT url, section FROM articles WHERE portal = ? AND extraction_failed IS NOT NULL "
        "AND removed_at IS NULL ORDER BY first_seen_at, url",
        [portal],
    )
    return [(url, section) for url, section in cursor]


@dataclass(frozen=True)
class SectionState:
    """A section of a portal as the archive knows it (table ``sections``)."""

    path: str
    name: str | None
    kind: str
    found_by: str
    status: str
    #: 1 while the archive holds every listing page of the section (paged to its end and
    #: not cut short since): only then may a crawl stop at the first page of known articles.
    complete: bool


def sections(db: sqlite_utils.Database, portal: str) -> list[SectionState]:
    """Every section recorded for ``portal``, in the order they were found."""
    cursor = db.execute(
        "SELECT path, name, kind, found_by, status, complete FROM sections WHERE portal = ? "
        "ORDER BY id",
        [portal],
    )
    return [
        SectionState(path, name, kind, found_by, status, bool(complete))
        for path, name, kind, found_by, status, complete in cursor
    ]


def crawl_coverage(db: sqlite_utils.Database, portal: str, crawl_id: int) -> dict[str, int]:
    """Coverage of one crawl: article URLs listed by any source in this crawl, how many of
    them are archived and readable, and how they were found, judged by every source that
    has *ever* listed each URL (so a crawl whose listings stopped early at known articles does
    not make the rest look sitemap-only)."""
    row = db.execute(
        """WITH seen AS (
  SELECT DISTINCT url FROM article_sources WHERE portal = :portal AND last_crawl_id = :crawl
), per_url AS (
  SELECT s.url, max(s.source = 'listing') AS by_listing, max(s.source <> 'listing') AS by_second
  FROM article_sources AS s JOIN seen USING (url) GROUP BY s.url
)
SELECT count(*),
  coalesce(sum(url IN (SELECT url FROM articles
    WHERE portal = :portal AND extraction_failed IS NULL)), 0),
  coalesce(sum(by_listing AND NOT by_second), 0),
  coalesce(sum(by_second AND NOT by_listing), 0),
  coalesce(sum(by_listing AND by_second), 0)
FROM per_url""",
        {"portal": portal, "crawl": crawl_id},
    ).fetchone()
    keys = ("listed", "listed_archived", "found_listing_only", "found_second_only", "found_both")
    return dict(zip(keys, (int(v) for v in row), strict=True))


def sections_behind(db: sqlite_utils.Database, portal: str) -> dict[str, int]:
    """``{section: articles}`` of archived articles that only a sitemap or feed has ever
    listed, per section: where the listings reach fewer articles than the portal publishes."""
    cursor = db.execute(
        """SELECT coalesce(a.section, ''), count(*) FROM articles AS a
WHERE a.portal = ? AND a.extraction_failed IS NULL
  AND EXISTS (SELECT 1 FROM article_sources AS s WHERE s.url = a.url AND s.source <> 'listing')
  AND NOT EXISTS (SELECT 1 FROM article_sources AS s
                  WHERE s.url = a.url AND s.source = 'listing')
GROUP BY 1 ORDER BY 1""",
        [portal],
    )
    return {section: count for section, count in cursor}
