"""What the archive already knows about a portal, read once when a crawl starts.

Incremental crawling needs four facts: which article URLs are archived (so listings can
stop at known pages; with their section and publication date, so an article that dropped out
of a crawled listing can be noticed), which recent articles to re-check with conditional
requests, whether the previous crawl finished (if it did not, every listing page is followed
again, so a killed crawl cannot leave older pages unvisited behind a page of known articles),
and which articles could not be read last time (``extraction_failed``: fetched again in full).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archive import queries
from archive.queries import KnownArticle, Revisit
from archive.schema import open_archive

DEFAULT_REVISIT_DAYS = 30


@dataclass(frozen=True)
class CrawlMemory:
    articles: dict[str, KnownArticle] = field(default_factory=dict)
    revisits: tuple[Revisit, ...] = ()
    #: The previous crawl of this portal finished (ok or partial), so its listings were covered;
    #: a killed one is left 'running' and then marked 'failed' by the pipeline.
    complete: bool = False
    #: (url, section) of archived articles whose last read failed (extraction_failed): not in
    #: ``articles`` (not known), requested again in full, never conditionally.
    failed: tuple[tuple[str, str | None], ...] = ()
    #: Every section the archive knows for this portal (table ``sections``): registry seeds,
    #: sections discovered by earlier crawls, judged non-news menu targets.
    sections: tuple[queries.SectionState, ...] = ()

    def section_complete(self, path: str) -> bool:
        """Whether the archive holds every listing page of this section: its paging reached
        the end and no crawl was cut short inside it since. Only then may a crawl stop at
        the first page of known articles (a killed or limited crawl leaves it incomplete,
        so the next crawl follows its pages again and finishes the job)."""
        return any(s.path == path and s.complete for s in self.sections)

    @classmethod
    def empty(cls) -> CrawlMemory:
        return cls()

    @classmethod
    def load(cls, db_path: str | Path | None, portal: str, revisit_days: int) -> CrawlMemory:
        if not db_path or not Path(db_path).exists():
            return cls()
        db = open_archive(db_path)
        try:
            since = datetime.now(UTC) - timedelta(days=revisit_days)
            return cls(
                articles=queries.known_articles(db, portal),
                revisits=tuple(
                    queries.recent_articles(
                        db, portal, first_seen_since=since.isoformat(), days=revisit_days
                    )
                ),
                complete=_previous_status(db, portal) in ("ok", "partial"),
                failed=tuple(queries.failed_articles(db, portal)),
                sections=tuple(queries.sections(db, portal)),
            )
        finally:
            db.close()

    @property
    def known(self) -> dict[str, KnownArticle]:
        """Archived article URLs (a mapping: ``url in memory.known`` is the membership test)."""
        return self.articles

    def dropped_out(
        self, section: str, listed: set[str], *, exclude: set[str], since: str | None = None
    ) -> list[Revisit]:
        """Live articles of ``section`` that a crawled run of its listing pages no longer shows.

        Listings are newest first, so every archived article of the section published after
        the oldest archived article still listed should have been on the pages just crawled.
        One that is missing was taken down or moved; re-request it (conditionally) whatever
        its age. Articles with no publication date cannot be placed and are left alone.
        """
        dates = [
            a.published_at
            for url in listed
            if (a := self.articles.get(url)) is not None and a.published_at
        ]
        if not dates:
            return []
        oldest = min(dates)
        return sorted(
            (
                a.revisit(url)
                for url, a in self.articles.items()
                if a.section == section
                and not a.removed
                and a.published_at
                and a.published_at > oldest
                and (since is None or a.published_at[:10] >= since)
                and url not in listed
                and url not in exclude
            ),
            key=lambda r: r.url,
        )


def _previous_status(db: object, portal: str) -> str | None:
    # The current crawl's own 'running' row is written by the pipeline before start(); skip it.
    rows = db.execute(  # type: ignore[attr-defined]
        "SELECT status FROM crawls WHERE portal = ? ORDER BY id DESC LIMIT 2", [portal]
    ).fetchall()
    statuses = [r[0] for r in rows]
    if statuses and statuses[0] == "running":
        statuses = statuses[1:]
    return statuses[0] if statuses else None
