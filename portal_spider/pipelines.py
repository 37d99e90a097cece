"""The only bridge from crawling to storage: items -> archive.ArchiveWriter (batched)."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive.timestamps import utc_now
from archive.warc_store import Capture
from archive.writer import ArchiveWriter

from .capture import capture_written
from .failures import is_failure
from .items import (
    ArticleItem,
    CounterItem,
    ErrorItem,
    ListedItem,
    NotModifiedItem,
    RemovalItem,
    SectionPagingItem,
)


class ArchivePipeline:
    """Write articles and counter readings; record the crawl run in `crawls`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path = crawler.settings.get("ARCHIVE_DB_PATH")
        self.batch_size = crawler.settings.getint("ARCHIVE_BATCH_SIZE", 100)
        self.writer: ArchiveWriter | None = None
        self.crawl_id: int | None = None
        self.options: dict[str, object] = {}
        self.started = time.monotonic()
        #: Set when the archive refused a write (disk full, read-only): the crawl stops.
        self.storage_error: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.capture_written, signal=capture_written)
        return pipeline

    def open_spider(self) -> None:
        portal = self.crawler.spider.portal  # type: ignore[union-attr]
        self.writer = ArchiveWriter(self.db_path, batch_size=self.batch_size)
        self.writer.ensure_portal(
            portal.slug,
            portal.name,
            portal.base_url,
            portal.platform,
            [{"path": s.path, "name": s.name} for s in portal.sections],
        )
        spider = self.crawler.spider
        limits = getattr(spider, "limits", None)
        self.options = {
            "full": getattr(spider, "full", False),
            "revisit_days": getattr(spider, "revisit_days", None),
            "since": getattr(spider, "since", None),
            "max_requests": self.crawler.settings.getint("CLOSESPIDER_PAGECOUNT") or None,
            "max_pages_per_section": getattr(limits, "max_pages_per_section", None),
            "max_sitemap_urls": getattr(limits, "max_sitemap_urls", None),
        }
        interrupted = self.writer.abandon_interrupted_crawls(portal.slug)
        if interrupted:
            print(
                f"{portal.slug}: {interrupted} earlier crawl(s) were interrupted; resuming: "
                "every listing page is followed, archived articles are not fetched again",
                file=sys.stderr,
                flush=True,
            )
        self.crawl_id = self.writer.start_crawl(portal.slug, options=self.options)
        self.crawler.stats.set_value("portal/crawl_id", self.crawl_id)  # type: ignore[union-attr]
        self.writer.before_commit = self._sync_captures
        for section in portal.sections:  # the registry's seeds (a person chose them)
            self.writer.record_section(
                portal=portal.slug,
                path=section.path,
                name=section.name,
                kind="news",
                found_by="registry",
                evidence="listed in the portal registry",
                crawl_id=self.crawl_id,
            )
        self.started = time.monotonic()

    def capture_written(self, capture: Capture) -> None:
        """A WARC capture was written: its ``captures`` row joins the next batch, ahead of
        the facts read from it."""
        if self.writer is None or self.storage_error is not None:
            return
        portal = self.crawler.spider.portal.slug  # type: ignore[union-attr]
        try:
            self.writer.add_capture({**capture.row(), "portal": portal, "crawl_id": self.crawl_id})
        except sqlite3.OperationalError as exc:
            if not _is_storage_failure(exc):
                raise
            self._stop_on_storage_failure(exc)

    def _sync_captures(self) -> None:
        capture = getattr(self.crawler, "portal_capture", None)
        if capture is not None:
            capture.sync()

    def process_item(self, item: Any) -> Any:
        if self.storage_error is not None:
            return item  # the archive cannot take writes: the crawl is stopping
        try:
            self._store(item)
        except sqlite3.OperationalError as exc:
            if not _is_storage_failure(exc):
                raise
            self._stop_on_storage_failure(exc)
        return item

    def _stop_on_storage_failure(self, exc: sqlite3.OperationalError) -> None:
        """Disk full or read-only: stop fetching, keep every committed batch, say it once.

        Every later write would fail the same way, and a crawl that goes on fetching pages it
        cannot store wastes the portal's bandwidth. The crawl row stays 'running' (it cannot
        be written either); the next run marks it failed and resumes, as after a kill.
        """
        self.storage_error = f"{exc}"
        self.crawler.stats.set_value("portal/storage_error", self.storage_error)  # type: ignore[union-attr]
        engine = self.crawler.engine
        if engine is not None and self.crawler.spider is not None:
            engine.close_spider(self.crawler.spider, "archive_unwritable")

    def _store(self, item: Any) -> None:
        """Hand ``item`` to the writer method of its type (:data:`_STORES`)."""
        store = _STORES.get(type(item))
        if store is None:
            raise DropItem(f"unknown item type {type(item).__name__}")
        store(self, item)

    def _store_article(self, item: ArticleItem) -> None:
        self._writer().add_article(
            item.record,
            portal=item.portal,
            section=item.section,
            fetched_at=item.fetched_at,
            crawl_id=self.crawl_id,
            http_status=item.http_status,
            http_headers=item.http_headers,
            capture=item.capture,
        )
        self.crawler.stats.inc_value("portal/articles")  # type: ignore[union-attr]
        counter = item.record.get("visitor_counter")
        if counter:  # one item per article page: the page's counter reading rides along
            self._add_counter(
                item.portal, item.fetched_at, item.record["url"], counter, item.capture
            )

    def _store_not_modified(self, item: NotModifiedItem) -> None:
        self._writer().add_not_modified(
            item.url,
            fetched_at=item.fetched_at,
            crawl_id=self.crawl_id,
            http_headers=item.http_headers,
            capture=item.capture,
        )

    def _store_removal(self, item: RemovalItem) -> None:
        self._writer().add_removal(
            item.url,
            reason=item.reason,
            fetched_at=item.fetched_at,
            crawl_id=self.crawl_id,
            http_status=item.http_status,
            http_headers=item.http_headers,
            capture=item.capture,
        )

    def _store_counter(self, item: CounterItem) -> None:
        self._add_counter(item.portal, item.observed_at, item.page_url, item.counter, item.capture)

    def _store_error(self, item: ErrorItem) -> None:
        self._add_error(item.url, item.kind, item.detail, item.at, item.capture)

    def _store_listed(self, item: ListedItem) -> None:
        self._writer().add_listed(
            item.urls,
            portal=item.portal,
            source=item.source,
            via=item.via,
            seen_at=item.seen_at,
            crawl_id=self.crawl_id,
            section=item.section,
        )

    def _store_section_paging(self, item: SectionPagingItem) -> None:
        self._writer().section_paging(
            portal=item.portal, path=item.path, reached_end=item.reached_end, at=item.at
        )

    def _add_counter(
        self,
        portal: str,
        observed_at: str,
        page_url: str,
        counter: dict[str, int],
        capture: str | None = None,
    ) -> None:
        self._writer().add_counter(
            portal=portal,
            observed_at=observed_at,
            page_url=page_url,
            counter=counter,
            crawl_id=self.crawl_id,
            capture=capture,
        )
        self.crawler.stats.inc_value("portal/counter_readings")  # type: ignore[union-attr]

    def _add_error(
        self,
        url: str | None,
        kind: str,
        detail: str | None,
        at: str | None,
        capture: str | None = None,
    ) -> None:
        assert self.crawl_id is not None
        self._writer().add_error(
            crawl_id=self.crawl_id, url=url, kind=kind, detail=detail, at=at, capture=capture
        )

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        """A callback raised: the page is lost; keep the exception in crawl_errors."""
        self._record_exception("spider_error", getattr(response, "url", None), failure)

    def item_error(self, item: Any, response: Any, spider: Any, failure: Any) -> None:
        """The archive refused a record (process_item raised)."""
        url = getattr(item, "url", None) or getattr(item, "record", {}).get("url")
        self._record_exception("item_error", url, failure)

    def _record_exception(self, kind: str, url: str | None, failure: Any) -> None:
        if self.writer is None or self.crawl_id is None:
            return
        error = failure.value
        try:
            self._add_error(url, kind, f"{type(error).__name__}: {error}", None)
        except Exception:  # the archive itself failing: Scrapy has logged the error already
            return

    def close_spider(self) -> None:
        if self.storage_error is not None:
            return
        try:
            self._writer().flush()
        except sqlite3.OperationalError as exc:
            if not _is_storage_failure(exc):
                raise
            self.storage_error = f"{exc}"

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Close the crawl row with its status; this is where the finish reason is known."""
        if self.writer is None or self.crawl_id is None:
            return
        if self.storage_error is not None:
            self.writer.abandon()
            print(
                f"{spider.portal.slug}: stopped: cannot write {self.db_path}: "
                f"{_storage_problem(self.storage_error)}; committed articles are kept, run the "
                "same command again once there is room (it resumes)",
                file=sys.stderr,
                flush=True,
            )
            return
        self._record_sections(spider, reason)
        stats = self.crawler.stats
        assert stats is not None
        pages = int(stats.get_value("response_received_count", 0))
        by_kind = self.writer.error_counts(self.crawl_id)
        errors = error_total(by_kind, int(stats.get_value("log_count/ERROR", 0)))
        limits_hit = list(getattr(spider, "limits_hit", []))
        if reason == "closespider_pagecount":
            limits_hit.append(
                f"stopped after {self.crawler.settings.getint('CLOSESPIDER_PAGECOUNT')} "
                "responses (max_requests)"
            )
        status = crawl_status(reason, pages, errors, limited=bool(limits_hit))
        stats.set_value("portal/crawl_status", status)
        everything = stats.get_stats()
        prefix = "downloader/response_status_count/"
        self.writer.finish_crawl(
            self.crawl_id,
            status=status,
            pages=pages,
            errors=errors,
            stats={k: _jsonable(v) for k, v in everything.items()},
            requests=int(everything.get("downloader/request_count", 0)),
            responses_by_status={
                k.removeprefix(prefix): int(v)
                for k, v in everything.items()
                if k.startswith(prefix)
            },
            robots_obeyed=self.crawler.settings.getbool("ROBOTSTXT_OBEY"),
            options=self.options,
            limits_hit=limits_hit,
            notices=list(getattr(spider, "notices", [])),
            warc=self._warc_summary(),
        )
        done = self.writer.stats
        row = self.writer.db["crawls"].get(self.crawl_id)
        self.writer.close()
        elapsed = time.monotonic() - self.started
        for limit in limits_hit:
            print(
                f"{spider.portal.slug}: partial: {limit}; the next crawl continues from there",
                file=sys.stderr,
                flush=True,
            )
        for notice in getattr(spider, "notices", []):
            print(f"{spider.portal.slug}: notice: {notice}", file=sys.stderr, flush=True)
        print(f"{spider.portal.slug}: {coverage_line(row)}", file=sys.stderr, flush=True)
        warc = self._warc_summary()
        if warc is not None:
            print(f"{spider.portal.slug}: {captures_line(warc)}", file=sys.stderr, flush=True)
        print(
            f"{spider.portal.slug}: {status} in {elapsed:.1f} s: {pages} pages, "
            f"{done.new + done.updated + done.reextracted + done.unchanged} articles "
            f"({done.new} new, {done.updated} updated, {done.reextracted} re-extracted, "
            f"{done.unchanged} unchanged, {done.removed} removed), "
            f"{int(everything.get('downloader/request_count', 0))} requests, "
            f"{done.counters} counter readings, {done.failed} extraction failures, "
            f"{errors} errors{_kinds(by_kind)} -> {self.db_path}",
            file=sys.stderr,
            flush=True,
        )
        warc_error = stats.get_value("portal/warc_error")
        if warc_error:  # last, like a database that cannot be written
            print(
                f"{spider.portal.slug}: stopped: {warc_error}; committed articles and their "
                "captures are kept, run the same command again once there is room (it resumes)",
                file=sys.stderr,
                flush=True,
            )

    def _warc_summary(self) -> dict[str, Any] | None:
        capture = getattr(self.crawler, "portal_capture", None)
        return capture.summary() if capture is not None else None

    def _record_sections(self, spider: Any, reason: str) -> None:
        """At the end of a crawl: what discovery judged, sections gone or moved, sections
        whose paging reached its end (when the crawl finished: then every article their
        listings showed was fetched), and the second sources of URLs archived already."""
        writer = self._writer()
        slug = spider.portal.slug
        findings = [
            finding
            for discovery in (
                getattr(spider, "discovery", None),
                getattr(spider, "sitemap_discovery", None),
            )
            if discovery is not None
            for finding in discovery.results()
        ]
        crawled = {section.path: section.name for section in getattr(spider, "sections", ())}
        for finding in findings:
            if finding.verdict is None:  # not fetched (known, over budget): nothing new
                continue
            writer.record_section(
                portal=slug,
                path=finding.candidate.path,
                # A folder found through the sitemap is named by its page's own title.
                name=crawled.get(finding.candidate.path, finding.candidate.name),
                kind=finding.verdict.kind,
                found_by=finding.candidate.found_in,
                evidence=finding.verdict.evidence,
                crawl_id=self.crawl_id,
            )
        for path, (status, detail) in getattr(spider, "section_problems", {}).items():
            writer.section_status(portal=slug, path=path, status=status, detail=detail)
        if reason == "finished":
            # Only a crawl that ran to its end fetched every article its listings showed.
            for path, how in getattr(spider, "paging", {}).items():
                if how == "end":
                    writer.section_paging(portal=slug, path=path, reached_end=True, at=utc_now())
        for (source, via), urls in getattr(spider, "second_known", {}).items():
            writer.add_listed(
                urls, portal=slug, source=source, via=via, seen_at=utc_now(),
                crawl_id=self.crawl_id,
            )  # fmt: skip

    def _writer(self) -> ArchiveWriter:
        if self.writer is None:
            raise RuntimeError("pipeline used before open_spider")
        return self.writer


#: Item type -> the pipeline method that stores it (exact types: items are final dataclasses).
_STORES: dict[type, Callable[[ArchivePipeline, Any], None]] = {
    ArticleItem: ArchivePipeline._store_article,
    NotModifiedItem: ArchivePipeline._store_not_modified,
    RemovalItem: ArchivePipeline._store_removal,
    CounterItem: ArchivePipeline._store_counter,
    ErrorItem: ArchivePipeline._store_error,
    ListedItem: ArchivePipeline._store_listed,
    SectionPagingItem: ArchivePipeline._store_section_paging,
}


def _is_storage_failure(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return any(cue in message for cue in ("disk is full", "readonly", "read-only", "disk i/o"))


def _storage_problem(message: str) -> str:
    lowered = message.lower()
    if "full" in lowered:
        return "the disk is full (No space left on device)"
    if "readonly" in lowered or "read-only" in lowered:
        return "the archive is read-only"
    return message


def error_total(by_kind: dict[str, int], logged_errors: int) -> int:
    """Failures: crawl_errors rows that lost a page, plus ERROR log lines not among them.

    Exceptions in callbacks and the pipeline are both logged by Scrapy and recorded as rows
    (spider_error, item_error): counted once. Findings such as traps are not failures.
    """
    failures = sum(count for kind, count in by_kind.items() if is_failure(kind))
    recorded = by_kind.get("spider_error", 0) + by_kind.get("item_error", 0)
    return failures + max(0, logged_errors - recorded)


def _kinds(by_kind: dict[str, int]) -> str:
    if not by_kind:
        return ""
    return " (" + ", ".join(f"{kind} {count}" for kind, count in sorted(by_kind.items())) + ")"


def crawl_status(reason: str, pages: int, errors: int, *, limited: bool = False) -> str:
    """ok: finished cleanly; partial: finished or stopped with errors, or cut short by a
    configured limit (never ok: the archive does not hold everything); failed: nothing
    fetched."""
    if pages == 0:
        return "failed"
    if reason == "finished" and errors == 0 and not limited:
        return "ok"
    return "partial"


def coverage_line(row: dict[str, Any]) -> str:
    """The crawl's coverage for the summary: what the sources listed, what is archived."""
    line = (
        f"coverage: {row.get('listed') or 0} article URLs listed, "
        f"{row.get('listed_archived') or 0} archived; found through listings only "
        f"{row.get('found_listing_only') or 0}, sitemap/feed only "
        f"{row.get('found_second_only') or 0}, both {row.get('found_both') or 0}"
    )
    behind = row.get("sections_behind")
    if behind:
        counts = json.loads(behind)
        line += "; sitemap/feed know more than the listings in " + ", ".join(
            f"{section or '(no section)'} (+{count})" for section, count in counts.items()
        )
    return line


def captures_line(warc: dict[str, Any]) -> str:
    """What the crawl kept of the raw responses, for the summary."""
    files = warc.get("files") or []
    where = f" in {files[0].rsplit('/', 1)[0]}/" if files else ""
    return (
        f"captures: {warc.get('full', 0)} responses stored in full, {warc.get('revisit', 0)} "
        f"revisits (unchanged), {warc.get('bytes', 0) / 1e6:.1f} MB in {len(files)} WARC "
        f"file(s){where}"
    )


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)
