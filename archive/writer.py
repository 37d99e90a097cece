"""Batched, transactional writer that turns crawler records into archive rows.

Evidence rules: an article's earlier text is never overwritten without first being kept in
``article_versions``; bad input raises at ``add_*`` time rather than being dropped later.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import sqlite_utils

from archive.records import article_content, clean_text, clean_value, content_hash, counter_values
from archive.schema import CRAWL_STATUSES, open_archive
from archive.timestamps import to_utc, utc_now


@dataclass
class WriterStats:
    """Cumulative outcome counts for one writer (only committed writes are counted)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    counters: int = 0

    def add(self, other: "WriterStats") -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.counters += other.counters


@dataclass(frozen=True)
class _PendingArticle:
    url: str
    portal: str
    section: str | None
    fetched_at: str
    crawl_id: int | None
    content: dict[str, Any]
    content_hash: str


@dataclass(frozen=True)
class _PendingCounter:
    row: dict[str, Any]


class ArchiveWriter:
    """Buffer articles and counter observations; write each batch in one transaction."""

    def __init__(self, db_path: str | Path, batch_size: int = 100) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.db: sqlite_utils.Database = open_archive(db_path)
        self.batch_size = batch_size
        self.stats = WriterStats()
        self._pending: list[_PendingArticle | _PendingCounter] = []
        self._closed = False
        self._known_portals: set[str] = set()

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

    def start_crawl(self, portal: str, started_at: str | None = None) -> int:
        """Record a 'running' crawl (committed at once, so a crash still leaves a trace)."""
        self._require_portal(portal)
        started = to_utc(started_at) if started_at else utc_now()
        with _write_transaction(self.db):
            crawl_id = (
                self.db["crawls"]
                .insert({"portal": portal, "started_at": started, "status": "running"})
                .last_pk
            )
            row = self.db["portals"].get(portal)
            self.db["portals"].update(
                portal,
                {
                    "first_crawled_at": row["first_crawled_at"] or started,
                    "last_crawled_at": max(row["last_crawled_at"] or started, started),
                },
            )
        return int(crawl_id)

    def finish_crawl(
        self,
        crawl_id: int,
        *,
        status: str,
        pages: int,
        errors: int,
        stats: dict | None = None,
    ) -> None:
        """Flush, then close the crawl row with counts taken from ``self.stats``."""
        if status not in CRAWL_STATUSES or status == "running":
            raise ValueError(f"finish status must be ok, partial or failed, not {status!r}")
        self.flush()
        crawl = self.db["crawls"].get(crawl_id)
        if crawl["status"] != "running":
            raise ValueError(f"crawl {crawl_id} already finished with status {crawl['status']!r}")
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
    ) -> None:
        """Queue one article record; validation happens now so a bad record fails here."""
        if record.get("kind", "article") != "article":
            raise ValueError(f"not an article record (kind={record.get('kind')!r})")
        url = clean_text(record.get("url"))
        if not url:
            raise ValueError("article record has no url")
        self._require_portal(portal)
        content = article_content(record)
        self._queue(
            _PendingArticle(
                url=url,
                portal=portal,
                section=clean_text(section),
                fetched_at=to_utc(fetched_at),
                crawl_id=crawl_id,
                content=content,
                content_hash=content_hash(content),
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
    ) -> None:
        """Queue one visitor-counter observation (absent counter rows stay NULL)."""
        self._require_portal(portal)
        values = counter_values(counter)
        if all(value is None for value in values.values()):
            raise ValueError("visitor counter has no values")
        row = {
            "portal": portal,
            "observed_at": to_utc(observed_at),
            "page_url": clean_text(page_url),
            "crawl_id": crawl_id,
            **values,
        }
        self._queue(_PendingCounter(row))

    def flush(self) -> None:
        """Write everything queued in one transaction; on failure nothing is written or lost
        (the queue is kept) and stats are unchanged."""
        if not self._pending:
            return
        delta = WriterStats()
        articles = [item for item in self._pending if isinstance(item, _PendingArticle)]
        counters = [item.row for item in self._pending if isinstance(item, _PendingCounter)]
        with _write_transaction(self.db):
            if articles:
                _BatchOfArticles(self.db, articles).write(delta)
            if counters:
                self.db["visitor_stats"].insert_all(counters, batch_size=len(counters))
                delta.counters += len(counters)
        self._pending.clear()
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

    # -- internals ---------------------------------------------------------------------------

    def _queue(self, item: _PendingArticle | _PendingCounter) -> None:
        if self._closed:
            raise ValueError("writer is closed")
        self._pending.append(item)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def _require_portal(self, slug: str) -> None:
        """Fail at add time, not mid-batch on the foreign key, for an unknown portal."""
        if slug in self._known_portals:  # once per portal, not one query per item
            return
        if not self.db["portals"].count_where("slug = ?", [slug]):
            raise ValueError(f"unknown portal {slug!r}: call ensure_portal() first")
        self._known_portals.add(slug)


_STATE_COLUMNS = "id, url, content_hash, version, section, first_seen_at, last_seen_at"
# SQLite's default limit on bound parameters is 999 in older builds; stay well below it.
_LOOKUP_CHUNK = 500


class _BatchOfArticles:
    """One flush worth of articles, written with a handful of statements, not several per row.

    Rows are classified in queue order against an in-memory copy of each URL's state, so a
    URL queued twice in one batch behaves exactly as if written one after the other.
    """

    def __init__(self, db: sqlite_utils.Database, items: list[_PendingArticle]) -> None:
        self.db = db
        self.items = items
        self.state = self._load_state({item.url for item in items})
        self.new_rows: dict[str, dict[str, Any]] = {}
        self.changed: dict[str, dict[str, Any]] = {}
        self.versions: list[tuple[str, dict[str, Any]]] = []

    def write(self, delta: WriterStats) -> None:
        for item in self.items:
            self._classify(item, delta)
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
            columns = tuple(sorted(row))
            values = [_column_value(row[c]) for c in columns] + [self.state[url]["id"]]
            groups.setdefault(columns, []).append(values)
        for columns, rows in groups.items():
            assignments = ", ".join(f"[{c}] = ?" for c in columns)
            self.db.conn.executemany(f"update articles set {assignments} where id = ?", rows)

    def _classify(self, item: _PendingArticle, delta: WriterStats) -> None:
        current = self.state.get(item.url)
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
            }
            self.new_rows[item.url] = row
            self.state[item.url] = {**row, "id": None}
            self._add_version(item, 1)
            delta.new += 1
            return
        seen = {
            "first_seen_at": min(current["first_seen_at"], item.fetched_at),
            "last_seen_at": max(current["last_seen_at"], item.fetched_at),
        }
        update: dict[str, Any] = dict(seen)
        if current["content_hash"] == item.content_hash:
            delta.unchanged += 1
        else:
            version = current["version"] + 1
            update.update(
                {
                    **item.content,
                    "content_hash": item.content_hash,
                    "section": current["section"] or item.section,
                    "version": version,
                }
            )
            self._add_version(item, version)
            delta.updated += 1
        current.update(update)
        target = self.new_rows.get(item.url)  # inserted in this batch: amend the insert
        if target is not None:
            target.update(update)
        else:
            self.changed.setdefault(item.url, {}).update(update)

    def _add_version(self, item: _PendingArticle, version: int) -> None:
        row = {
            "version": version,
            "fetched_at": item.fetched_at,
            **item.content,
            "content_hash": item.content_hash,
            "crawl_id": item.crawl_id,
        }
        self.versions.append((item.url, row))

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


def _column_value(value: Any) -> Any:
    """What sqlite-utils would store: lists and dicts as JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def _dump_json(value: Any) -> str:
    """JSON for crawler stats, which may hold datetimes; stored as text, never re-parsed here."""
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
