"""Batched, transactional writer that turns crawler records into archive rows.

Evidence rules: an article's earlier text is never overwritten without first being kept in
``article_versions``; nothing is deleted (a removed article gets a tombstone version and
keeps its last content); bad input raises at ``add_*`` time rather than being dropped later.

What each call does to an article (all buffered, applied in queue order at flush):

``add_article`` (a 200 response with content)
    new URL -> version 1 (``change_kind`` ``first``); changed content hash -> version + 1;
    same hash -> only ``first/last_seen_at`` move (and ``extractor_version``/``field_sources``
    when a newer extractor read the same content). A changed hash is an ``edit`` when the
    extractor version that read the stored content (``articles.extractor_version``) is the
    record's, and ``extractor`` otherwise: our reading changed, not necessarily the page
    (pages carry live counters and clocks, so raw bytes cannot decide this); ``extractor``
    versions are counted as re-extracted, not updated, and stay out of ``article_changes``.
    A removed article that comes back always gets a new version (``restore``), even with the
    pre-removal content. ``etag``/``last_modified`` follow the latest 200 response when its
    headers are given.
``add_article`` with ``extraction_failed`` (an expected article that could not be read)
    new URL -> an article row flagged with the reason (URL, title if any, no body needed),
    version 1; counted as an extraction failure, not as new. Failed again -> only the seen
    time, reason and extractor version move. An article whose content was read before keeps
    that content: a failed read is not evidence of a change (nothing but the count is
    written, not even validators, so the next crawl asks again in full). The first readable
    record of a failed article adds a version of kind ``first`` and counts as new.
``add_not_modified`` (a 304)
    only ``last_seen_at`` moves (validators refresh if the 304 carries them); counted as
    unchanged. A 304 for a removed article restores it with a copy of its last content.
``add_reextraction`` (``portal-archive reextract``: a stored capture read again)
    like ``add_article``, but changed content is always ``extractor`` (never ``edit``), a
    flagged article read at last gets a ``first`` version (counted recovered), a removed
    article stays removed, and seen times and validators do not move (nothing was fetched).
``add_removal`` (404, 410, redirect away, soft 404)
    tombstone version (content NULL), ``removed_at`` set once and ``removal_reason``; the
    same reason again is a no-op; a different reason adds a tombstone recording it.
    ``last_seen_at`` is not moved: it stays the last time the content was seen.
"""

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import sqlite_utils

from archive import queries
from archive.records import (
    CONTENT_FIELDS,
    article_content,
    check_http_status,
    clean_text,
    clean_value,
    content_hash,
    counter_values,
    evidence_headers,
    provenance,
)
from archive.schema import (
    ARTICLE_SOURCES,
    CRAWL_STATUSES,
    REMOVAL_REASONS,
    SECTION_KINDS,
    SECTION_STATUSES,
    open_archive,
)
from archive.timestamps import to_utc, utc_now


@dataclass
class WriterStats:
    """Cumulative outcome counts for one writer (only committed writes are counted)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0  # includes 304 Not Modified
    counters: int = 0
    removed: int = 0  # live -> removed transitions
    restored: int = 0  # removed -> live again
    reextracted: int = 0  # content differs only as read by another extractor version
    failed: int = 0  # records flagged extraction_failed

    def add(self, other: "WriterStats") -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


@dataclass(frozen=True)
class _PendingArticle:
    url: str
    portal: str
    section: str | None
    fetched_at: str
    crawl_id: int | None
    content: dict[str, Any]
    content_hash: str
    http_status: int
    http_headers: str | None
    validators: dict[str, str | None]  # columns to set on articles; empty: leave alone
    provenance: dict[str, Any]  # field_sources, extraction_failed, extractor_version
    capture: str | None = None  # captures.record_id of the response it was read from
    reextract_run: int | None = None  # reextract_runs.id: a stored capture read again


@dataclass(frozen=True)
class _PendingNotModified:
    url: str
    fetched_at: str
    crawl_id: int | None
    http_headers: str | None
    validators: dict[str, str | None]
    capture: str | None = None


@dataclass(frozen=True)
class _PendingRemoval:
    url: str
    reason: str
    fetched_at: str
    crawl_id: int | None
    http_status: int | None
    http_headers: str | None
    capture: str | None = None


_ArticleEvent = _PendingArticle | _PendingNotModified | _PendingRemoval


@dataclass(frozen=True)
class _PendingCounter:
    row: dict[str, Any]


@dataclass(frozen=True)
class _PendingError:
    row: dict[str, Any]


@dataclass(frozen=True)
class _PendingSources:
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class _PendingCapture:
    row: dict[str, Any]


_PendingRow = _PendingCounter | _PendingError | _PendingSources | _PendingCapture

# One row per (url, source): the first sighting is kept, the last one moves.
# An article first archived through a sitemap has no section until a listing shows it.
_PLACE_ARTICLE = "UPDATE articles SET section = :section WHERE url = :url AND section IS NULL"
_UPSERT_SOURCE = """INSERT INTO article_sources
  (portal, url, source, via, first_seen_at, last_seen_at, first_crawl_id, last_crawl_id)
VALUES (:portal, :url, :source, :via, :seen_at, :seen_at, :crawl_id, :crawl_id)
ON CONFLICT (url, source) DO UPDATE SET
  last_seen_at = max(last_seen_at, excluded.last_seen_at),
  last_crawl_id = coalesce(excluded.last_crawl_id, last_crawl_id),
  via = coalesce(via, excluded.via)"""


class ArchiveWriter:
    """Buffer articles and counter observations; write each batch in one transaction."""

    def __init__(self, db_path: str | Path, batch_size: int = 100) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.db: sqlite_utils.Database = open_archive(db_path)
        self.batch_size = batch_size
        self.stats = WriterStats()
        self._pending: list[_ArticleEvent | _PendingRow] = []
        self._captures_pending = 0
        self._pending_urls: set[str] = set()  # article URLs queued since the last flush
        self._closed = False
        self._known_portals: set[str] = set()
        #: Called before a batch holding capture rows commits (the crawl fsyncs its WARC).
        self.before_commit: Callable[[], None] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- portals and crawls (written immediately) -------------------------------------------

    def ensure_portal(
        self, slug: str, name: str, base_url: str, platform: str | None, sections: list
    ) -> None:
        """Insert or refresh a portal's description; crawl timestamps are left alone."""
        self.db["portals"].upsert(
            {
                "slug": slug,
                "name": clean_text(name),
                "base_url": clean_text(base_url),
                "platform": clean_text(platform),
                "sections": clean_value(list(sections)),
            },
            pk="slug",
        )

    def start_crawl(
        self, portal: str, started_at: str | None = None, *, options: dict | None = None
    ) -> int:
        """Record a 'running' crawl (committed at once, so a crash still leaves a trace).

        ``options``: the crawl options as a JSON-able dict (mode full/incremental,
        revisit_days, max_requests, since, ...), stored as given.
        """
        self._require_portal(portal)
        started = to_utc(started_at) if started_at else utc_now()
        row = {"portal": portal, "started_at": started, "status": "running"}
        if options is not None:
            row["options"] = _options_json(options)
        with _write_transaction(self.db):
            crawl_id = self.db["crawls"].insert(row).last_pk
            row = self.db["portals"].get(portal)
            self.db["portals"].update(
                portal,
                {
                    "first_crawled_at": row["first_crawled_at"] or started,
                    "last_crawled_at": max(row["last_crawled_at"] or started, started),
                },
            )
        return int(crawl_id)

    def abandon_interrupted_crawls(self, portal: str) -> int:
        """Mark this portal's crawls still 'running' as 'failed': they were killed.

        Call only while holding the crawl lock (no other crawl can be running). The rows are
        kept, with finished_at NULL, as evidence that a crawl was interrupted.
        """
        with _write_transaction(self.db):
            cursor = self.db.execute(
                "UPDATE crawls SET status = 'failed' WHERE portal = ? AND status = 'running'",
                [portal],
            )
        return cursor.rowcount

    def finish_crawl(
        self,
        crawl_id: int,
        *,
        status: str,
        pages: int,
        errors: int,
        stats: dict | None = None,
        requests: int | None = None,
        responses_by_status: Mapping[int | str, int] | None = None,
        robots_obeyed: bool = True,
        options: dict | None = None,
        limits_hit: list[str] | None = None,
        notices: list[str] | None = None,
        warc: Mapping[str, Any] | None = None,
    ) -> None:
        """Flush, then close the crawl row with counts taken from ``self.stats``.

        ``limits_hit``: why a configured limit cut the crawl short (the status must then be
        ``partial`` or ``failed``, never ``ok``); ``notices``: findings that are not failures
        (dead sitemap entries, a vanished section). The coverage columns are computed from
        ``article_sources`` (see :func:`archive.queries.crawl_coverage`).

        ``responses_by_status`` (``{200: n, 304: n, ...}``) is stored as JSON with string
        keys. ``options`` may be given here if ``start_crawl`` did not get them; options that
        differ from those recorded at start raise ValueError (the start record is evidence).
        ``errors_by_kind`` is counted from the crawl's ``crawl_errors`` rows (``add_error``).
        ``warc``: what the crawl's capture wrote (``files``, ``bytes``, ``full``, ``revisit``).
        """
        if status not in CRAWL_STATUSES or status == "running":
            raise ValueError(f"finish status must be ok, partial or failed, not {status!r}")
        if requests is not None and (isinstance(requests, bool) or not isinstance(requests, int)):
            raise TypeError(f"requests must be an int, got {requests!r}")
        if limits_hit and status == "ok":
            raise ValueError("a crawl cut short by a limit is partial, not ok")
        by_status = _status_counts(responses_by_status)
        options_json = _options_json(options) if options is not None else None
        self.flush()
        errors_by_kind = json.dumps(self.error_counts(crawl_id), sort_keys=True)
        crawl = self.db["crawls"].get(crawl_id)
        if crawl["status"] != "running":
            raise ValueError(f"crawl {crawl_id} already finished with status {crawl['status']!r}")
        if options_json is not None and crawl["options"] not in (None, options_json):
            raise ValueError(f"crawl {crawl_id} was started with different options")
        coverage = queries.crawl_coverage(self.db, crawl["portal"], crawl_id)
        behind = queries.sections_behind(self.db, crawl["portal"])
        with _write_transaction(self.db):
            self.db["crawls"].update(
                crawl_id,
                {
                    "finished_at": utc_now(),
                    "status": status,
                    "pages": pages,
                    "errors": errors,
                    "articles_new": self.stats.new,
                    "articles_updated": self.stats.updated,
                    "articles_unchanged": self.stats.unchanged,
                    "counter_observations": self.stats.counters,
                    "stats": _dump_json(stats) if stats is not None else None,
                    "requests": requests,
                    "responses_by_status": by_status,
                    "articles_removed": self.stats.removed,
                    "articles_restored": self.stats.restored,
                    "articles_reextracted": self.stats.reextracted,
                    "extraction_failures": self.stats.failed,
                    "robots_obeyed": int(bool(robots_obeyed)),
                    "options": options_json or crawl["options"],
                    "errors_by_kind": errors_by_kind,
                    "limits_hit": "; ".join(limits_hit) if limits_hit else None,
                    "notices": _dump_json(list(notices)) if notices else None,
                    **coverage,
                    "sections_behind": _dump_json(behind) if behind else None,
                    **_warc_columns(warc),
                },
            )

    # -- buffered writes ---------------------------------------------------------------------

    def add_article(
        self,
        record: dict[str, Any],
        *,
        portal: str,
        section: str | None,
        fetched_at: str,
        crawl_id: int | None = None,
        http_status: int = 200,
        http_headers: Mapping[Any, Any] | None = None,
        capture: str | None = None,
    ) -> None:
        """Queue one article record; validation happens now so a bad record fails here.

        ``capture``: the ``captures.record_id`` of the response the record was read from
        (queued with :meth:`add_capture` before, or already stored).

        ``http_headers``: the response headers (dict or Scrapy ``Headers``); ETag,
        Last-Modified, Content-Type, Date and Location are kept on the version, and for a 200
        response ETag/Last-Modified become the article's validators (NULL when absent).
        A record flagged ``extraction_failed`` needs only its URL (see the module docstring).
        """
        self._queue(
            self._article_event(
                record,
                portal=portal,
                section=section,
                fetched_at=fetched_at,
                crawl_id=crawl_id,
                http_status=http_status,
                http_headers=http_headers,
                capture=capture,
            )
        )

    def _article_event(
        self,
        record: dict[str, Any],
        *,
        portal: str,
        section: str | None,
        fetched_at: str,
        crawl_id: int | None,
        http_status: int,
        http_headers: Mapping[Any, Any] | None,
        capture: str | None,
    ) -> _PendingArticle:
        """The validated event :meth:`add_article` queues."""
        if record.get("kind", "article") != "article":
            raise ValueError(f"not an article record (kind={record.get('kind')!r})")
        url = clean_text(record.get("url"))
        if not url:
            raise ValueError("article record has no url")
        self._require_portal(portal)
        content = article_content(record)
        origin = provenance(record)
        status = check_http_status(http_status)
        headers = evidence_headers(http_headers)
        validators = {}
        if headers is not None and status == 200:
            validators = {
                "etag": headers.get("ETag"),
                "last_modified": headers.get("Last-Modified"),
            }
        return _PendingArticle(
            url=url,
            portal=portal,
            section=clean_text(section),
            fetched_at=to_utc(fetched_at),
            crawl_id=crawl_id,
            content=content,
            content_hash=content_hash(content),
            http_status=status,
            http_headers=_headers_json(headers),
            validators=validators,
            provenance=origin,
            capture=capture,
        )

    def add_reextraction(
        self,
        record: dict[str, Any],
        *,
        portal: str,
        fetched_at: str,
        run_id: int,
        capture: str,
        http_status: int = 200,
        http_headers: Mapping[Any, Any] | None = None,
    ) -> None:
        """Queue today's extractor's reading of a stored capture of an archived article
        (``portal-archive reextract``; ``fetched_at``/``capture``: the capture's).

        Classified like :meth:`add_article`, except that the bytes did not change, only our
        reading: changed content is always an ``extractor`` version (never an ``edit``), a
        flagged article read at last a ``first`` one; a removed article stays removed (no
        ``restore``); seen times and validators stay. The version records ``run_id``.
        """
        self._require_article(record.get("url") or "")
        event = self._article_event(
            record,
            portal=portal,
            section=None,
            fetched_at=fetched_at,
            crawl_id=None,
            http_status=http_status,
            http_headers=http_headers,
            capture=capture,
        )
        self._queue(replace(event, validators={}, reextract_run=run_id))

    def add_not_modified(
        self,
        url: str,
        *,
        fetched_at: str,
        crawl_id: int | None = None,
        http_headers: Mapping[Any, Any] | None = None,
        capture: str | None = None,
    ) -> None:
        """Queue a 304 Not Modified for an archived article: only ``last_seen_at`` moves
        (and ``etag``/``last_modified`` if the 304 carries them). Unknown URL: ValueError."""
        url = self._require_article(url)
        headers = evidence_headers(http_headers) or {}
        validators = {
            column: headers[name]
            for column, name in (("etag", "ETag"), ("last_modified", "Last-Modified"))
            if name in headers
        }
        self._queue(
            _PendingNotModified(
                url=url,
                fetched_at=to_utc(fetched_at),
                crawl_id=crawl_id,
                http_headers=_headers_json(headers),
                validators=validators,
                capture=capture,
            )
        )

    def add_removal(
        self,
        url: str,
        *,
        reason: str,
        fetched_at: str,
        crawl_id: int | None = None,
        http_status: int | None = None,
        http_headers: Mapping[Any, Any] | None = None,
        capture: str | None = None,
    ) -> None:
        """Queue the finding that an archived article is gone (``reason``: http_404, http_410,
        redirect or soft_404). Nothing is deleted: see the module docstring."""
        if reason not in REMOVAL_REASONS:
            raise ValueError(f"removal reason must be one of {REMOVAL_REASONS}, not {reason!r}")
        url = self._require_article(url)
        self._queue(
            _PendingRemoval(
                url=url,
                reason=reason,
                fetched_at=to_utc(fetched_at),
                crawl_id=crawl_id,
                http_status=check_http_status(http_status),
                http_headers=_headers_json(evidence_headers(http_headers)),
                capture=capture,
            )
        )

    def add_counter(
        self,
        *,
        portal: str,
        observed_at: str,
        page_url: str,
        counter: dict[str, Any],
        crawl_id: int | None = None,
        capture: str | None = None,
    ) -> None:
        """Queue one visitor-counter observation (absent counter rows stay NULL; rows with a
        label the extractor did not know go, verbatim, into ``other_counts``)."""
        self._require_portal(portal)
        values, other = counter_values(counter)
        if all(value is None for value in values.values()) and not other:
            raise ValueError("visitor counter has no values")
        row = {
            "portal": portal,
            "observed_at": to_utc(observed_at),
            "page_url": clean_text(page_url),
            "crawl_id": crawl_id,
            "capture": capture,
            **values,
            "other_counts": json.dumps(other, ensure_ascii=False, sort_keys=True)
            if other
            else None,
        }
        self._queue(_PendingCounter(row))

    def add_error(
        self,
        *,
        crawl_id: int,
        url: str | None,
        kind: str,
        detail: str | None = None,
        at: str | None = None,
        capture: str | None = None,
    ) -> None:
        """Queue one ``crawl_errors`` row: a page the crawl could not archive, and why.

        ``kind`` is a short machine-readable name (``http_500``, ``timeout``, ``too_large``,
        see portal_spider/failures.py); ``detail`` is for people.
        """
        kind = clean_text(kind.strip())
        if not kind:
            raise ValueError("crawl error has no kind")
        row = {
            "crawl_id": crawl_id,
            "url": clean_text(url),
            "kind": kind,
            "detail": clean_text(detail),
            "at": to_utc(at) if at else utc_now(),
            "capture": capture,
        }
        self._queue(_PendingError(row))

    def add_capture(self, row: Mapping[str, Any]) -> None:
        """Queue one ``captures`` row (``archive.warc_store.Capture.row()`` plus ``portal``
        and ``crawl_id``). Written before the facts of the same batch that point to it."""
        missing = {"record_id", "url", "warc_file", "warc_offset", "warc_length"} - set(row)
        if missing:
            raise ValueError(f"capture row lacks {', '.join(sorted(missing))}")
        self._queue(_PendingCapture({**row, "fetched_at": to_utc(row["fetched_at"])}))

    def add_listed(
        self,
        urls: list[str],
        *,
        portal: str,
        source: str,
        via: str | None,
        seen_at: str,
        crawl_id: int | None = None,
        section: str | None = None,
    ) -> None:
        """Queue "``source`` listed these article URLs" (a listing page's items, or sitemap
        and feed URLs confirmed as articles): one ``article_sources`` row per URL and source,
        whose first sighting is kept and last sighting moves. Written with the next batch.

        ``section``: the name of the section whose listing showed them; an archived article
        with no section yet (first reached through a sitemap) takes it."""
        if source not in ARTICLE_SOURCES:
            raise ValueError(f"unknown article source {source!r} (one of {ARTICLE_SOURCES})")
        self._require_portal(portal)
        seen = to_utc(seen_at)
        rows = [
            {
                "portal": portal,
                "url": cleaned,
                "source": source,
                "via": clean_text(via),
                "seen_at": seen,
                "crawl_id": crawl_id,
                "section": clean_text(section),
            }
            for url in urls
            if (cleaned := clean_text(url))
        ]
        if rows:
            self._queue(_PendingSources(rows))

    def record_section(
        self,
        *,
        portal: str,
        path: str,
        kind: str,
        found_by: str,
        name: str | None = None,
        evidence: str | None = None,
        seen_at: str | None = None,
        crawl_id: int | None = None,
    ) -> None:
        """Record a section (or a judged menu target) of a portal, written at once.

        A new path is inserted with ``found_by``; a known one keeps its first finding and
        first name, adds ``found_by`` to ``found_in``, and takes the latest kind, evidence
        and sighting (a target judged again may change kind; the evidence says why). A
        section seen again is ``active`` again.
        """
        if kind not in SECTION_KINDS:
            raise ValueError(f"unknown section kind {kind!r} (one of {SECTION_KINDS})")
        path = clean_text(path)
        if not path:
            raise ValueError("section has no path")
        self._require_portal(portal)
        seen = to_utc(seen_at) if seen_at else utc_now()
        with _write_transaction(self.db):
            row = self.db.execute(
                "SELECT id, found_in FROM sections WHERE portal = ? AND path = ?", [portal, path]
            ).fetchone()
            if row is None:
                self.db["sections"].insert(
                    {
                        "portal": portal,
                        "path": path,
                        "name": clean_text(name),
                        "kind": kind,
                        "found_by": found_by,
                        "found_in": found_by,
                        "evidence": clean_text(evidence),
                        "first_found_at": seen,
                        "last_seen_at": seen,
                        "status": "active",
                        "last_crawl_id": crawl_id,
                    }
                )
                return
            places = (row[1] or "").split(",") if row[1] else []
            update = {
                "kind": kind,
                "found_in": ",".join(dict.fromkeys([*places, found_by])),
                "last_seen_at": seen,
                "status": "active",
                "status_detail": None,
            }
            if evidence:
                update["evidence"] = clean_text(evidence)
            if crawl_id is not None:
                update["last_crawl_id"] = crawl_id
            self.db["sections"].update(row[0], update)

    def section_status(
        self, *, portal: str, path: str, status: str, detail: str | None = None
    ) -> None:
        """A known section answered 404 or redirected elsewhere (``gone``, ``moved``) or no
        longer reads as a listing (``not_listing``): reported, never deleted."""
        if status not in SECTION_STATUSES:
            raise ValueError(f"unknown section status {status!r} (one of {SECTION_STATUSES})")
        with _write_transaction(self.db):
            self.db.execute(
                "UPDATE sections SET status = ?, status_detail = ? WHERE portal = ? AND path = ?",
                [status, clean_text(detail), portal, clean_text(path)],
            )

    def section_paging(self, *, portal: str, path: str, reached_end: bool, at: str) -> None:
        """Paging state of a section: ``reached_end`` when its listing was followed to its
        last page (or, once complete, to a page of known articles); False when a limit or an
        error cut its paging short, so the next crawl follows every page again."""
        path = clean_text(path)
        with _write_transaction(self.db):
            if reached_end:
                self.db.execute(
                    "UPDATE sections SET complete = 1, reached_end_at = ? "
                    "WHERE portal = ? AND path = ?",
                    [to_utc(at), portal, path],
                )
            else:
                self.db.execute(
                    "UPDATE sections SET complete = 0 WHERE portal = ? AND path = ?",
                    [portal, path],
                )

    def sections(self, portal: str) -> list[queries.SectionState]:
        """Every section recorded for ``portal`` (see :func:`archive.queries.sections`)."""
        return queries.sections(self.db, portal)

    def error_counts(self, crawl_id: int) -> dict[str, int]:
        """``{kind: rows}`` of ``crawl_errors`` for one crawl (pending rows flushed first)."""
        self.flush()
        return dict(
            self.db.execute(
                "SELECT kind, count(*) FROM crawl_errors WHERE crawl_id = ? GROUP BY kind "
                "ORDER BY kind",
                [crawl_id],
            ).fetchall()
        )

    def flush(self) -> None:
        """Write everything queued in one transaction; on failure nothing is written or lost
        (the queue is kept) and stats are unchanged."""
        if not self._pending:
            return
        delta = WriterStats()
        articles = [item for item in self._pending if not isinstance(item, _PendingRow)]
        counters = [item.row for item in self._pending if isinstance(item, _PendingCounter)]
        errors = [item.row for item in self._pending if isinstance(item, _PendingError)]
        sources = [
            r for item in self._pending if isinstance(item, _PendingSources) for r in item.rows
        ]
        captures = [item.row for item in self._pending if isinstance(item, _PendingCapture)]
        if captures and self.before_commit is not None:
            self.before_commit()  # the WARC bytes are on disk before pointers to them
        with _write_transaction(self.db):
            if captures:  # first: the rows below refer to them
                self.db["captures"].insert_all(captures, batch_size=len(captures))
            if articles:
                _BatchOfArticles(self.db, articles).write(delta)
            if counters:
                self.db["visitor_stats"].insert_all(counters, batch_size=len(counters))
                delta.counters += len(counters)
            if errors:
                self.db["crawl_errors"].insert_all(errors, batch_size=len(errors))
            if sources:
                self.db.conn.executemany(_UPSERT_SOURCE, sources)
                placed = [row for row in sources if row["section"]]
                if placed:
                    self.db.conn.executemany(_PLACE_ARTICLE, placed)
        self._pending.clear()
        self._captures_pending = 0
        self._pending_urls.clear()
        self.stats.add(delta)

    def close(self) -> None:
        """Flush and close the database; safe to call twice."""
        if self._closed:
            return
        try:
            self.flush()
        finally:
            self._closed = True
            self.db.close()

    def abandon(self) -> None:
        """Close without writing what is queued (the disk is full or read-only: the queued
        records would fail again; everything committed so far stays). Safe to call twice."""
        if self._closed:
            return
        self._pending.clear()
        self._captures_pending = 0
        self._pending_urls.clear()
        self._closed = True
        self.db.close()

    # -- reads for incremental crawling (pending writes are flushed first) -------------------

    def known_urls(self, portal: str) -> set[str]:
        """Every article URL archived for ``portal``, removed ones included."""
        self.flush()
        return queries.known_urls(self.db, portal)

    def revisit_candidates(self, portal: str, *, first_seen_since: str) -> list[queries.Revisit]:
        """Live articles first seen at/after ``first_seen_since``, with their validators."""
        self.flush()
        return queries.revisit_candidates(self.db, portal, first_seen_since=first_seen_since)

    def article_state(self, url: str) -> queries.ArticleState | None:
        """What the archive knows about ``url`` (None if unknown)."""
        self.flush()
        return queries.article_state(self.db, url)

    # -- internals ---------------------------------------------------------------------------

    def _queue(self, item: _ArticleEvent | _PendingRow) -> None:
        if self._closed:
            raise ValueError("writer is closed")
        self._pending.append(item)
        if not isinstance(item, _PendingRow):
            self._pending_urls.add(item.url)
        elif isinstance(item, _PendingCapture):
            # A capture rides with the facts read from it: batches stay batch_size facts
            # (each commit also fsyncs the WARC file), not a third smaller.
            self._captures_pending += 1
        if len(self._pending) - self._captures_pending >= self.batch_size:
            self.flush()

    def _require_portal(self, slug: str) -> None:
        """Fail at add time, not mid-batch on the foreign key, for an unknown portal."""
        if slug in self._known_portals:  # once per portal, not one query per item
            return
        if not self.db["portals"].count_where("slug = ?", [slug]):
            raise ValueError(f"unknown portal {slug!r}: call ensure_portal() first")
        self._known_portals.add(slug)

    def _require_article(self, url: str) -> str:
        """The cleaned URL; ValueError unless it is archived or queued in this batch."""
        cleaned = clean_text(url)
        if not cleaned:
            raise ValueError("no url given")
        if cleaned in self._pending_urls:
            return cleaned
        if self._closed:
            raise ValueError("writer is closed")
        if not self.db.execute("SELECT 1 FROM articles WHERE url = ?", [cleaned]).fetchone():
            raise ValueError(f"unknown article {cleaned!r}: nothing archived at that URL")
        return cleaned


_STATE_COLUMNS = (
    "id, url, content_hash, version, section, first_seen_at, last_seen_at, removed_at, "
    "removal_reason, extraction_failed, extractor_version, field_sources"
)
_NO_CONTENT = dict.fromkeys((*CONTENT_FIELDS, "content_hash"))
_PROVENANCE_FIELDS = ("field_sources", "extraction_failed", "extractor_version")
_NO_PROVENANCE = dict.fromkeys(_PROVENANCE_FIELDS)
# SQLite's default limit on bound parameters is 999 in older builds; stay well below it.
_LOOKUP_CHUNK = 500


class _BatchOfArticles:
    """One flush worth of article events, written with a handful of statements, not several
    per row.

    Events are classified in queue order against an in-memory copy of each URL's state, so a
    URL queued twice in one batch behaves exactly as if written one after the other.
    """

    def __init__(self, db: sqlite_utils.Database, items: list[_ArticleEvent]) -> None:
        self.db = db
        self.items = items
        self.state = self._load_state({item.url for item in items})
        self.new_rows: dict[str, dict[str, Any]] = {}
        self.changed: dict[str, dict[str, Any]] = {}
        self.versions: list[tuple[str, dict[str, Any]]] = []

    def write(self, delta: WriterStats) -> None:
        for item in self.items:
            if isinstance(item, _PendingArticle):
                self._article(item, delta)
            elif isinstance(item, _PendingNotModified):
                self._not_modified(item, delta)
            else:
                self._removal(item, delta)
        if self.new_rows:
            self.db["articles"].insert_all(self.new_rows.values(), batch_size=len(self.new_rows))
            self.state.update(self._load_state(set(self.new_rows)))
        if self.changed:
            self._update_existing()
        if self.versions:
            rows = [{"article_id": self.state[url]["id"], **row} for url, row in self.versions]
            self.db["article_versions"].insert_all(rows, batch_size=len(rows))

    def _update_existing(self) -> None:
        # sqlite-utils has no bulk UPDATE by key (upsert_all would try an INSERT first and trip
        # NOT NULL url), so rows with the same changed columns share one executemany.
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        for url, row in self.changed.items():
            if not row:  # seen again at a time already recorded: nothing to write
                continue
            columns = tuple(sorted(row))
            values = [_column_value(row[c]) for c in columns] + [self.state[url]["id"]]
            groups.setdefault(columns, []).append(values)
        for columns, rows in groups.items():
            assignments = ", ".join(f"[{c}] = ?" for c in columns)
            self.db.conn.executemany(f"update articles set {assignments} where id = ?", rows)

    def _article(self, item: _PendingArticle, delta: WriterStats) -> None:
        current = self.state.get(item.url)
        origin = item.provenance
        failed = origin["extraction_failed"] is not None
        if current is None:
            row = {
                "url": item.url,
                "portal": item.portal,
                "section": item.section,
                **item.content,
                "content_hash": item.content_hash,
                "first_seen_at": item.fetched_at,
                "last_seen_at": item.fetched_at,
                "version": 1,
                "etag": None,
                "last_modified": None,
                "removed_at": None,
                "removal_reason": None,
                **_stored(origin),
                **({} if failed else item.validators),
                "capture": item.capture,
            }
            self.new_rows[item.url] = row
            self.state[item.url] = {**row, "id": None}
            self._add_version(item.url, 1, item, item.content, item.content_hash, kind="first")
            if failed:
                delta.failed += 1
            else:
                delta.new += 1
            return
        reread = item.reextract_run is not None  # a stored capture: no new sighting
        seen = {} if reread else self._seen(current, item.fetched_at)
        if failed:
            delta.failed += 1
            if current["extraction_failed"] is not None:  # failed again: no new version
                self._apply(item.url, current, {**seen, **_stored(origin), **_capture(item)})
            # else: content read earlier stays, untouched (see the module docstring)
            return
        # The current fields are (re)read from this capture, changed or not.
        update: dict[str, Any] = {**seen, **item.validators, **_capture(item)}
        restored = current["removed_at"] is not None and not reread
        first_read = current["extraction_failed"] is not None
        if current["content_hash"] == item.content_hash and not restored and not first_read:
            delta.unchanged += 1
            # A newer extractor read the same content: it is now the one that read it.
            stored = _stored(origin)
            if origin["extractor_version"] is not None and any(
                current[name] != stored[name] for name in ("extractor_version", "field_sources")
            ):
                update.update({k: stored[k] for k in ("extractor_version", "field_sources")})
        else:
            version = current["version"] + 1
            if first_read:
                kind = "first"
                delta.new += 1
            elif restored:
                kind = "restore"
                delta.restored += 1
            elif reread or current["extractor_version"] != origin["extractor_version"]:
                kind = "extractor"
                delta.reextracted += 1
            else:
                kind = "edit"
                delta.updated += 1
            update.update(
                {
                    **item.content,
                    **_stored(origin),
                    "content_hash": item.content_hash,
                    "section": current["section"] or item.section,
                    "version": version,
                    **({} if reread else {"removed_at": None, "removal_reason": None}),
                }
            )
            self._add_version(item.url, version, item, item.content, item.content_hash, kind=kind)
        self._apply(item.url, current, update)

    def _not_modified(self, item: _PendingNotModified, delta: WriterStats) -> None:
        current = self._current(item.url)
        update: dict[str, Any] = {**self._seen(current, item.fetched_at), **item.validators}
        if current["removed_at"] is None:
            delta.unchanged += 1
        else:  # the server says our copy is current again: restore with that copy
            content, digest, origin = self._last_content(item.url, current["id"])
            version = current["version"] + 1
            update.update({"version": version, "removed_at": None, "removal_reason": None})
            self._add_version(
                item.url, version, item, content, digest, kind="restore", status=304, origin=origin
            )
            delta.restored += 1
        self._apply(item.url, current, update)

    def _removal(self, item: _PendingRemoval, delta: WriterStats) -> None:
        current = self._current(item.url)
        if current["removal_reason"] == item.reason and current["removed_at"] is not None:
            return  # already recorded: idempotent
        version = current["version"] + 1
        update: dict[str, Any] = {"version": version, "removal_reason": item.reason}
        if current["removed_at"] is None:
            update["removed_at"] = item.fetched_at
            delta.removed += 1
        self._add_version(
            item.url,
            version,
            item,
            _NO_CONTENT,
            None,
            kind="removal",
            status=item.http_status,
            reason=item.reason,
        )
        self._apply(item.url, current, update)

    def _current(self, url: str) -> dict[str, Any]:
        current = self.state.get(url)
        if current is None:  # checked at add time; only a concurrent writer could get here
            raise ValueError(f"unknown article {url!r}: nothing archived at that URL")
        return current

    @staticmethod
    def _seen(current: dict[str, Any], fetched_at: str) -> dict[str, str]:
        """Only the seen times that move: an UPDATE naming first_seen_at would rewrite its
        (portal, first_seen_at) index entry on every re-crawl."""
        seen = {}
        if fetched_at < current["first_seen_at"]:
            seen["first_seen_at"] = fetched_at
        if fetched_at > current["last_seen_at"]:
            seen["last_seen_at"] = fetched_at
        return seen

    def _apply(self, url: str, current: dict[str, Any], update: dict[str, Any]) -> None:
        current.update(update)
        target = self.new_rows.get(url)  # inserted in this batch: amend the insert
        if target is not None:
            target.update(update)
        else:
            self.changed.setdefault(url, {}).update(update)

    def _add_version(
        self,
        url: str,
        version: int,
        item: _ArticleEvent,
        content: dict[str, Any],
        digest: str | None,
        *,
        kind: str,
        status: int | None = None,
        reason: str | None = None,
        origin: dict[str, Any] | None = None,
    ) -> None:
        if origin is None:
            origin = _stored(item.provenance) if isinstance(item, _PendingArticle) else {}
        row = {
            "version": version,
            "fetched_at": item.fetched_at,
            **content,
            **_NO_PROVENANCE,
            **origin,
            "change_kind": kind,
            "content_hash": digest,
            "crawl_id": item.crawl_id,
            "http_status": item.http_status if isinstance(item, _PendingArticle) else status,
            "http_headers": item.http_headers,
            "tombstone": int(reason is not None),
            "removal_reason": reason,
            "capture": item.capture,
            "reextract_run": getattr(item, "reextract_run", None),
        }
        self.versions.append((url, row))

    def _last_content(
        self, url: str, article_id: int | None
    ) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """Content, hash and provenance of the latest non-tombstone version (this batch
        first)."""
        for queued_url, row in reversed(self.versions):
            if queued_url == url and not row["tombstone"]:
                return (
                    {name: row[name] for name in CONTENT_FIELDS},
                    row["content_hash"],
                    {name: row[name] for name in _PROVENANCE_FIELDS},
                )
        columns = ", ".join((*CONTENT_FIELDS, *_PROVENANCE_FIELDS, "content_hash"))
        found = self.db.execute(
            f"SELECT {columns} FROM article_versions WHERE article_id = ? AND tombstone = 0 "
            "ORDER BY version DESC LIMIT 1",
            [article_id],
        ).fetchone()
        if found is None:
            raise ValueError(f"article {url!r} has no content version to restore")
        *values, digest = found
        content = dict(zip(CONTENT_FIELDS, values[: len(CONTENT_FIELDS)], strict=True))
        origin = dict(zip(_PROVENANCE_FIELDS, values[len(CONTENT_FIELDS) :], strict=True))
        return content, digest, origin

    def _load_state(self, urls: set[str]) -> dict[str, dict[str, Any]]:
        state: dict[str, dict[str, Any]] = {}
        ordered = sorted(urls)
        for start in range(0, len(ordered), _LOOKUP_CHUNK):
            chunk = ordered[start : start + _LOOKUP_CHUNK]
            marks = ", ".join("?" * len(chunk))
            cursor = self.db.execute(
                f"select {_STATE_COLUMNS} from articles where url in ({marks})", chunk
            )
            columns = [c[0] for c in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(columns, values, strict=True))
                state[row["url"]] = row
        return state


@contextmanager
def _write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One transaction that takes the write lock up front (BEGIN IMMEDIATE).

    A plain deferred BEGIN can fail with SQLITE_BUSY when upgrading from read to write while
    another process writes; IMMEDIATE waits on the busy timeout instead.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except sqlite3.Error:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def _warc_columns(warc: Mapping[str, Any] | None) -> dict[str, Any]:
    if warc is None:
        return {}
    return {
        "warc_files": _dump_json(list(warc.get("files", []))),
        "warc_bytes": int(warc.get("bytes", 0)),
        "captures_full": int(warc.get("full", 0)),
        "captures_revisit": int(warc.get("revisit", 0)),
    }


def _capture(item: _PendingArticle) -> dict[str, str]:
    """``{"capture": id}`` for an item read from a capture, else nothing to update."""
    return {"capture": item.capture} if item.capture else {}


def _stored(origin: dict[str, Any]) -> dict[str, Any]:
    """Provenance as stored: ``field_sources`` as JSON text (compared with stored state)."""
    return {**origin, "field_sources": _column_value(origin["field_sources"])}


def _column_value(value: Any) -> Any:
    """What sqlite-utils would store: lists and dicts as JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def _dump_json(value: Any) -> str:
    """JSON for crawler stats, which may hold datetimes; stored as text, never re-parsed here."""
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def _headers_json(headers: dict[str, str] | None) -> str | None:
    return json.dumps(headers, ensure_ascii=False, sort_keys=True) if headers else None


def _status_counts(counts: Mapping[int | str, int] | None) -> str | None:
    """``{200: 5, "304": 2}`` -> ``'{"200": 5, "304": 2}'`` (keys in numeric order)."""
    if counts is None:
        return None
    checked: dict[int, int] = {}
    for key, value in counts.items():
        code = int(key)
        if not 100 <= code <= 599:
            raise ValueError(f"not an HTTP status: {key!r}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"response count for {key!r} must be a non-negative int")
        checked[code] = checked.get(code, 0) + value
    return json.dumps({str(code): checked[code] for code in sorted(checked)})


def _options_json(options: dict) -> str:
    if not isinstance(options, dict):
        raise TypeError(f"crawl options must be a dict, got {type(options).__name__}")
    return _dump_json(options)
