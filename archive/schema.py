"""Archive schema and ``open_archive``, the only way code should open an archive database.

Tables (all timestamps follow :mod:`archive.timestamps`: UTC, ``...ffffffZ``):

``portals``
    One row per crawled portal, keyed by ``slug``. ``sections`` is a JSON list.
``articles``
    The *latest* known content of each article URL, plus ``first_seen_at``/``last_seen_at``,
    ``content_hash`` and ``version`` (number of the latest ``article_versions`` row).
    Full-text indexed as ``articles_search`` since migration 0003 (``articles_fts`` before).
``article_versions``
    Append-only history: a row whenever an article is first seen or its ``content_hash``
    changes, so an edited article never loses the earlier text. UNIQUE(article_id, version).
``visitor_stats``
    One row per observation of a portal's visitor-counter sidebar; NULL means the page did
    not show that counter row (not zero).
``crawls``
    One row per crawl run with its status and counts.

Migration ``0002_removals_http_evidence`` adds the HTTP evidence and removals:

- ``article_versions``: ``http_status``, ``http_headers`` (JSON of ETag, Last-Modified,
  Content-Type, Date, Location), ``tombstone`` (1 = the article was found removed; all
  content columns and ``content_hash`` are NULL then) and ``removal_reason``. CHECK
  constraints keep tombstones and content versions apart. Versions written before 0002 have
  ``tombstone = 0`` and NULL status/headers (not recorded then).
- ``articles``: ``etag``/``last_modified`` (validators of the latest 200 response, for
  conditional requests), ``removed_at``/``removal_reason`` (NULL while the article is live;
  the row keeps the last content seen before the removal).
- ``crawls``: ``requests``, ``responses_by_status`` (JSON), ``articles_removed``,
  ``articles_restored``, ``robots_obeyed``, ``options`` (JSON).
- views ``article_changes`` (word diff between consecutive content versions, via the SQL
  function ``word_diff`` from :mod:`archive.diff`) and ``removals``.

Migration ``0003_vietnamese_search`` drops ``articles_fts`` and its triggers and creates
``articles_search``: a contentless FTS5 table (exact tokens, plus folded and variant copies
of the text for Vietnamese search), kept up to date by triggers on ``articles`` that call the
SQL functions of :mod:`archive.vn_search`, and ``_articles_search_meta`` (the rules hash; the
index is rebuilt by ``open_archive`` when the rules change). See :mod:`archive.search_index`
and docs/search.md.

Migration ``0004_crawl_errors`` adds ``crawl_errors`` (crawl_id, url, kind, detail, at: every
page a crawl could not archive, and why) and ``crawls.errors_by_kind`` (JSON counts by kind).
See docs/reliability.md.

Migration ``0005_provenance`` (issue 11: provenance, extractor versions, extraction failures):

- ``articles`` and ``article_versions``: ``updated_at`` and ``source`` (content, like title),
  ``field_sources`` (JSON ``{field: layer}``, the signal layer each field came from, see
  ``portal_spider/extract/record.py``), ``extraction_failed`` (NULL, or why an expected
  article could not be read: the row then has the URL and the title if any) and
  ``extractor_version`` (``articles``: the extractor that last read this content, moved
  forward when a newer extractor reads the same content; versions: the one that read it).
- ``article_versions.change_kind``: ``first`` (first content, or first readable content
  after failed reads), ``edit`` (the portal changed the content), ``extractor`` (the content
  differs but so does the extractor version: our reading changed, not the page), ``removal``
  (tombstone), ``restore`` (back after a removal). Existing rows are backfilled.
- ``article_changes`` keeps only ``edit`` and ``restore`` versions (and never diffs against a
  failed read); the ``articles_search`` triggers skip rows with ``extraction_failed``.
- ``visitor_stats.other_counts``: JSON of counter rows whose label the extractor did not
  know, verbatim (``{"Lượt truy cập IP": 12}``).
- ``crawls.extraction_failures`` and ``crawls.articles_reextracted`` (``extractor`` versions).

``word_diff`` and the ``vn_search_*`` functions are registered on every connection
``open_archive`` returns and in Datasette (``site/plugins/archive_functions.py``,
``site/plugins/archive_search.py``). A plain ``sqlite3`` shell can read every table but
not ``article_changes`` (``no such function: word_diff``), and cannot write ``articles``.

Migration ``0006_coverage`` (issue 15: sections by evidence, second sources, coverage):

- ``sections``: one row per (portal, path) the crawl or ``add`` judged: ``name``, ``kind``
  (``news``, ``aggregate``, ``documents``, ``schedule``, ``qa``, ``procedures``, ``page``,
  ``other_host``, ``unreachable``), ``found_by`` (how it was first found: ``registry``,
  ``menu``, ``submenu``, ``footer``, ``more_link``, ``sitemap``), ``found_in`` (every place
  seen, comma-separated), ``evidence`` (the verdict's reason, for people), ``first_found_at``,
  ``last_seen_at``, ``status`` (``active``; ``gone`` when it answers 404/410; ``moved`` when
  it redirects elsewhere; ``not_listing`` when it no longer reads as a listing) with
  ``status_detail``, and the paging state: ``reached_end_at`` (the last time its listing was
  followed to its last page, or to known articles after that) and ``complete`` (1 while the
  archive holds every page of it; 0 after a crawl was cut short inside it, so the next crawl
  follows its pages again instead of stopping at the first known article).
- ``article_sources``: per article URL and source (``listing``, ``sitemap``, ``feed``), the
  first and last time (and crawl) that source listed it, and ``via`` (the section path or the
  sitemap/feed URL). A URL listed by a sitemap is recorded once extraction confirmed an
  article; a listing's items are recorded as listed.
- ``crawls``: ``limits_hit`` (why a configured limit cut the crawl short; the crawl is
  ``partial``), ``notices`` (JSON list: dead sitemap entries, vanished sections: reported,
  not failures), and the crawl's coverage: ``listed`` (article URLs any source listed in this
  crawl), ``listed_archived`` (of those, archived and readable), ``found_listing_only``,
  ``found_second_only`` (sitemap or feed, never a listing), ``found_both`` (by the sources
  that have *ever* listed each URL, so an incremental crawl that stops its listings early
  does not make everything look sitemap-only), ``sections_behind`` (JSON ``{section path:
  articles only the sitemap or feed knows}``).
- view ``portal_coverage``: the same figures per portal over everything archived.

Migration ``0007_captures`` (issue 12: raw captures in WARC, see docs/captures.md):

- ``captures``: one row per HTTP exchange the crawl kept, keyed by ``record_id`` (the
  WARC-Record-ID of its ``response`` or ``revisit`` record): ``url``, ``fetched_at``,
  ``http_status``, ``content_type``, ``record_type`` (``response``; ``revisit`` when the
  payload was identical to an earlier capture of the URL, or a 304), ``revisit_profile``,
  ``refers_to`` (the record a revisit stands for), where the record is (``warc_file``
  relative to the database's folder, ``warc_offset``, ``warc_length``: a whole gzip member),
  the payload as received (``payload_sha1`` in the WARC ``sha1:BASE32`` form,
  ``payload_sha256`` hex, ``payload_length``), ``truncated`` (WARC-Truncated: the crawl
  stopped reading), the ``request_record_id``, ``portal`` and ``crawl_id``.
- ``capture`` (the ``captures.record_id`` the fact was read from, NULL when nothing was
  captured: archives from before 0007, a crawl run with ``--no-warc``, a failure with no
  response) on ``article_versions``, ``visitor_stats`` and ``crawl_errors``; ``articles``
  gets ``capture`` too: the capture its current fields were read from.
- ``crawls``: ``warc_files`` (JSON list of the files this run wrote), ``warc_bytes``,
  ``captures_full`` and ``captures_revisit``.

Migration ``0008_reextract_runs`` (issue 12: ``portal-archive reextract``, see
docs/captures.md): ``reextract_runs`` (one row per run that wrote something: ``started_at``,
``finished_at``, ``status`` ``running``/``ok``/``failed``, ``extractor_version``, ``options``
JSON, and the counts ``pages``, ``changed``, ``recovered``, ``still_failing``, ``unchanged``,
``unreadable``, ``not_article``, ``missing``) and ``article_versions.reextract_run``: the run
that wrote the version (its ``crawl_id`` is then NULL; ``change_kind`` is ``extractor``, or
``first`` for an article read at last after failed reads; ``fetched_at`` and ``capture`` are
those of the capture that was read again).

Migration ``0009_hidden_articles`` (issue 13: ``portal-archive hide``, see
docs/publishing.md): ``hidden_articles`` (``article_id``, ``url``, ``url_sha256``, ``reason``
category, private ``note`` and ``hidden_by``, ``hidden_at``, ``restored_at``/``restored_by``):
an article with a row whose ``restored_at`` is NULL is off the public site; its rows stay.
``articles.hidden_at`` mirrors the open row (NULL while the article is public).

Migration ``0010_search_facet_indexes`` (issue 13: the search page's counts, see
:mod:`archive.search_cache`): ``idx_articles_portal_section`` on ``articles (portal,
section)`` and the partial ``idx_articles_with_files`` (ids of articles with attachments), so
the site reads every article's facet values from two small indexes instead of the rows
(whose text makes a full read of ``articles`` take seconds).

Migration ``0011_hidden_out_of_search_index`` (issue 13): the ``articles_search`` triggers
leave out hidden articles (``hidden_at`` set) as they leave out failed extractions, and the
articles hidden at migration time are taken out of the index, so the search page's counts
need no per-search subtraction.

Versioning uses sqlite-utils ``Migrations`` (applied names are stored in
``_sqlite_migrations``). A database that has applied a migration this code does not know
was written by newer code and is refused with :class:`ArchiveError` rather than modified.
Migrations are append-only: never edit or reorder one that has shipped.
"""

import contextlib
import json
import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from archive import diff, search_index, sqlite_problems, vn_search
from archive.errors import ArchiveError

MIGRATION_SET = "portal_archive"
FTS_COLUMNS = ("title", "summary", "body_text")
FTS_TOKENIZE = "unicode61 remove_diacritics 2"
COUNTER_KEYS = (
    "online",
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_year",
    "total",
)
CRAWL_STATUSES = ("running", "ok", "partial", "failed")
REMOVAL_REASONS = ("http_404", "http_410", "redirect", "soft_404")
CHANGE_KINDS = ("first", "edit", "extractor", "removal", "restore")
ARTICLE_SOURCES = ("listing", "sitemap", "feed")
SECTION_KINDS = (
    "news",
    "aggregate",
    "documents",
    "schedule",
    "qa",
    "procedures",
    "page",
    "other_host",
    "unreachable",
)
SECTION_STATUSES = ("active", "gone", "moved", "not_listing")
#: An article with attachments (``attachments`` is a JSON list; ``[]``, ``''`` or ``null``
#: when none), as the search facets and ``idx_articles_with_files`` write it.
HAS_FILES = "attachments NOT IN ('', '[]', 'null')"
BUSY_TIMEOUT_MS = 30_000  # a concurrent writer (second crawl) waits instead of failing

migrations = Migrations(MIGRATION_SET)

_CONTENT_COLUMNS: dict[str, type] = {
    "title": str,
    "summary": str,
    "published_at": str,
    "author": str,
    "body_text": str,
    "images": str,
    "attachments": str,
    "content_hash": str,
}


@migrations(name="0001_initial")
def _initial(db: sqlite_utils.Database) -> None:
    """Create the five archive tables, their indexes and the articles FTS index."""
    db["portals"].create(
        {
            "slug": str,
            "name": str,
            "base_url": str,
            "platform": str,
            "sections": str,
            "first_crawled_at": str,
            "last_crawled_at": str,
        },
        pk="slug",
    )
    db["crawls"].create(
        {
            "id": int,
            "portal": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "pages": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "counter_observations": int,
            "errors": int,
            "stats": str,
        },
        pk="id",
        foreign_keys=[("portal", "portals", "slug")],
        not_null={"portal", "started_at", "status"},
    )
    db["crawls"].create_index(["portal", "started_at"])
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "portal": str,
            "section": str,
            **_CONTENT_COLUMNS,
            "first_seen_at": str,
            "last_seen_at": str,
            "version": int,
        },
        pk="id",
        foreign_keys=[("portal", "portals", "slug")],
        not_null={"url", "portal", "content_hash", "first_seen_at", "last_seen_at", "version"},
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["portal"])
    db["articles"].create_index(["published_at"])
    db["article_versions"].create(
        {
            "id": int,
            "article_id": int,
            "version": int,
            "fetched_at": str,
            **_CONTENT_COLUMNS,
            "crawl_id": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("crawl_id", "crawls", "id")],
        not_null={"article_id", "version", "fetched_at", "content_hash"},
    )
    db["article_versions"].create_index(["article_id", "version"], unique=True)
    db["visitor_stats"].create(
        {
            "id": int,
            "portal": str,
            "observed_at": str,
            "page_url": str,
            "crawl_id": int,
            **dict.fromkeys(COUNTER_KEYS, int),
        },
        pk="id",
        foreign_keys=[("portal", "portals", "slug"), ("crawl_id", "crawls", "id")],
        not_null={"portal", "observed_at"},
    )
    db["visitor_stats"].create_index(["portal", "observed_at"])
    db["articles"].enable_fts(FTS_COLUMNS, tokenize=FTS_TOKENIZE, create_triggers=True)
    _narrow_fts_update_trigger(db)


def _narrow_fts_update_trigger(db: sqlite_utils.Database) -> None:
    """Re-index only when indexed text changes.

    sqlite-utils' ``articles_au`` fires on *any* update, so every re-crawl of an unchanged
    article (which only bumps ``last_seen_at``) would delete and re-add its FTS row: same
    cost as a new article and FTS bloat. Same body, restricted with ``UPDATE OF``.
    """
    columns = ", ".join(FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    db.execute("DROP TRIGGER articles_au")
    db.execute(
        f"CREATE TRIGGER articles_au AFTER UPDATE OF {columns} ON articles BEGIN\n"
        f"  INSERT INTO articles_fts (articles_fts, rowid, {columns}) "
        f"VALUES('delete', old.rowid, {old});\n"
        f"  INSERT INTO articles_fts (rowid, {columns}) VALUES (new.rowid, {new});\n"
        "END"
    )


_VERSION_CONTENT = ", ".join(_CONTENT_COLUMNS)
_TOMBSTONE_EMPTY = " AND ".join(f"{c} IS NULL" for c in _CONTENT_COLUMNS)
_REASONS_SQL = ", ".join(f"'{r}'" for r in REMOVAL_REASONS)


@migrations(name="0002_removals_http_evidence")
def _removals_http_evidence(db: sqlite_utils.Database) -> None:
    """HTTP status/headers on versions, tombstones, validators, removals, crawl counts, views.

    ``article_versions`` is rebuilt (same ids, same rows) because tombstones need
    ``content_hash`` to be nullable and SQLite cannot drop a NOT NULL in place.
    """
    db.execute(
        f"""CREATE TABLE "article_versions_0002" (
   "id" INTEGER PRIMARY KEY,
   "article_id" INTEGER NOT NULL REFERENCES "articles"("id"),
   "version" INTEGER NOT NULL,
   "fetched_at" TEXT NOT NULL,
   "title" TEXT,
   "summary" TEXT,
   "published_at" TEXT,
   "author" TEXT,
   "body_text" TEXT,
   "images" TEXT,
   "attachments" TEXT,
   "content_hash" TEXT,
   "crawl_id" INTEGER REFERENCES "crawls"("id"),
   "http_status" INTEGER CHECK ("http_status" BETWEEN 100 AND 599),
   "http_headers" TEXT,
   "tombstone" INTEGER NOT NULL DEFAULT 0 CHECK ("tombstone" IN (0, 1)),
   "removal_reason" TEXT CHECK ("removal_reason" IN ({_REASONS_SQL})),
   CHECK (
     ("tombstone" = 0 AND "content_hash" IS NOT NULL AND "removal_reason" IS NULL)
     OR ("tombstone" = 1 AND "removal_reason" IS NOT NULL AND {_TOMBSTONE_EMPTY})
   )
)"""
    )
    columns = f"id, article_id, version, fetched_at, {_VERSION_CONTENT}, crawl_id"
    db.execute(
        f"INSERT INTO article_versions_0002 ({columns}) "
        f"SELECT {columns} FROM article_versions ORDER BY id"
    )
    db.execute("DROP TABLE article_versions")
    db.execute("ALTER TABLE article_versions_0002 RENAME TO article_versions")
    db["article_versions"].create_index(
        ["article_id", "version"], index_name="idx_article_versions_article_id_version", unique=True
    )
    for column in ("etag", "last_modified", "removed_at"):
        db.execute(f"ALTER TABLE articles ADD COLUMN {column} TEXT")
    db.execute(
        "ALTER TABLE articles ADD COLUMN removal_reason TEXT "
        f"CHECK (removal_reason IN ({_REASONS_SQL}))"
    )
    db["articles"].create_index(["portal", "first_seen_at"])
    db["articles"].create_index(["removed_at"])
    for column, kind in (
        ("requests", int),
        ("responses_by_status", str),
        ("articles_removed", int),
        ("articles_restored", int),
        ("robots_obeyed", int),
        ("options", str),
    ):
        db["crawls"].add_column(column, kind)
    db.execute(
        """CREATE VIEW article_changes AS
SELECT
  cur.article_id AS article_id,
  a.portal AS portal,
  a.url AS url,
  cur.title AS title,
  cur.version AS version,
  prev.version AS previous_version,
  cur.fetched_at AS fetched_at,
  word_diff(prev.body_text, cur.body_text) AS change,
  CASE WHEN prev.title IS NOT cur.title THEN word_diff(prev.title, cur.title) END
    AS title_change,
  CASE WHEN cur.version > prev.version + 1 THEN 'restored' ELSE 'edited' END AS status
FROM article_versions AS cur
JOIN articles AS a ON a.id = cur.article_id
JOIN article_versions AS prev ON prev.id = (
  SELECT p.id FROM article_versions AS p
  WHERE p.article_id = cur.article_id AND p.version < cur.version AND p.tombstone = 0
  ORDER BY p.version DESC LIMIT 1
)
WHERE cur.tombstone = 0 AND cur.version > 1"""
    )
    db.execute(
        """CREATE VIEW removals AS
SELECT id AS article_id, portal, url, title, removed_at, removal_reason
FROM articles
WHERE removed_at IS NOT NULL"""
    )


@migrations(name="0003_vietnamese_search")
def _vietnamese_search(db: sqlite_utils.Database) -> None:
    """Replace ``articles_fts`` with ``articles_search`` (see :mod:`archive.search_index`).

    ``remove_diacritics 2`` could not fold ``đ`` and merged words that differ only by tone
    (``tám``/``tâm``); the new index keeps exact tokens plus folded and variant copies.
    """
    search_index.drop_legacy_fts(db.conn)
    search_index.create(db.conn)


@migrations(name="0004_crawl_errors")
def _crawl_errors(db: sqlite_utils.Database) -> None:
    """``crawl_errors``: one row per page a crawl could not archive (or trap it stopped at),
    with the kind of failure; ``crawls.errors_by_kind`` (JSON ``{kind: count}``) sums them.

    ``kind`` has no CHECK constraint: a new failure kind must not need a migration. The
    kinds the crawler writes are listed in :mod:`portal_spider.failures`.
    """
    db["crawl_errors"].create(
        {"id": int, "crawl_id": int, "url": str, "kind": str, "detail": str, "at": str},
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
        not_null={"crawl_id", "kind", "at"},
    )
    db["crawl_errors"].create_index(["crawl_id", "kind"])
    db["crawls"].add_column("errors_by_kind", str)


_ARTICLE_CHANGES_0005 = """CREATE VIEW article_changes AS
SELECT
  cur.article_id AS article_id,
  a.portal AS portal,
  a.url AS url,
  cur.title AS title,
  cur.version AS version,
  prev.version AS previous_version,
  cur.fetched_at AS fetched_at,
  word_diff(prev.body_text, cur.body_text) AS change,
  CASE WHEN prev.title IS NOT cur.title THEN word_diff(prev.title, cur.title) END
    AS title_change,
  CASE WHEN cur.change_kind = 'restore' THEN 'restored' ELSE 'edited' END AS status
FROM article_versions AS cur
JOIN articles AS a ON a.id = cur.article_id
JOIN article_versions AS prev ON prev.id = (
  SELECT p.id FROM article_versions AS p
  WHERE p.article_id = cur.article_id AND p.version < cur.version AND p.tombstone = 0
    AND p.extraction_failed IS NULL
  ORDER BY p.version DESC LIMIT 1
)
WHERE cur.tombstone = 0 AND cur.change_kind IN ('edit', 'restore')"""


@migrations(name="0005_provenance")
def _provenance(db: sqlite_utils.Database) -> None:
    """Provenance and extractor versions on articles and versions, change kinds, extraction
    failures, verbatim counter labels (see the module docstring).

    ``change_kind`` is backfilled from what older code wrote: version 1 is ``first``, a
    tombstone ``removal``, a version right after a tombstone ``restore``, any other ``edit``
    (older archives could not tell an extractor change from an edit).
    """
    for table in ("articles", "article_versions"):
        for column in (
            "updated_at",
            "source",
            "field_sources",
            "extraction_failed",
            "extractor_version",
        ):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
    kinds = ", ".join(f"'{k}'" for k in CHANGE_KINDS)
    db.execute(
        f"ALTER TABLE article_versions ADD COLUMN change_kind TEXT CHECK (change_kind IN ({kinds}))"
    )
    db.execute(
        """UPDATE article_versions SET change_kind = CASE
  WHEN tombstone = 1 THEN 'removal'
  WHEN version = 1 THEN 'first'
  WHEN (SELECT p.tombstone FROM article_versions AS p
        WHERE p.article_id = article_versions.article_id
          AND p.version = article_versions.version - 1) = 1 THEN 'restore'
  ELSE 'edit' END"""
    )
    db["article_versions"].create_index(["change_kind"])
    db["articles"].create_index(["extraction_failed"])
    db["visitor_stats"].add_column("other_counts", str)
    db["crawls"].add_column("extraction_failures", int)
    db["crawls"].add_column("articles_reextracted", int)
    db.execute("DROP VIEW article_changes")
    db.execute(_ARTICLE_CHANGES_0005)
    search_index.skip_failed_articles(db.conn)


_PORTAL_COVERAGE = """CREATE VIEW portal_coverage AS
WITH per_url AS (
  SELECT portal, url,
    max(source = 'listing') AS by_listing,
    max(source <> 'listing') AS by_second
  FROM article_sources GROUP BY portal, url
)
SELECT p.slug AS portal,
  (SELECT count(*) FROM articles AS a
   WHERE a.portal = p.slug AND a.extraction_failed IS NULL) AS articles,
  coalesce(sum(u.by_listing AND NOT u.by_second), 0) AS found_listing_only,
  coalesce(sum(u.by_second AND NOT u.by_listing), 0) AS found_second_only,
  coalesce(sum(u.by_listing AND u.by_second), 0) AS found_both,
  count(u.url) AS listed,
  coalesce(sum(u.url IN (SELECT url FROM articles AS a
    WHERE a.portal = p.slug AND a.extraction_failed IS NULL)), 0) AS listed_archived
FROM portals AS p LEFT JOIN per_url AS u ON u.portal = p.slug
GROUP BY p.slug"""


@migrations(name="0006_coverage")
def _coverage(db: sqlite_utils.Database) -> None:
    """Sections found by evidence, the sources that list each article, crawl coverage and
    limits (see the module docstring)."""
    kinds = ", ".join(f"'{k}'" for k in SECTION_KINDS)
    statuses = ", ".join(f"'{s}'" for s in SECTION_STATUSES)
    sources = ", ".join(f"'{s}'" for s in ARTICLE_SOURCES)
    db.execute(
        f"""CREATE TABLE sections (
  id INTEGER PRIMARY KEY,
  portal TEXT NOT NULL REFERENCES portals(slug),
  path TEXT NOT NULL,
  name TEXT,
  kind TEXT NOT NULL CHECK (kind IN ({kinds})),
  found_by TEXT NOT NULL,
  found_in TEXT,
  evidence TEXT,
  first_found_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ({statuses})),
  status_detail TEXT,
  reached_end_at TEXT,
  complete INTEGER NOT NULL DEFAULT 0,
  last_crawl_id INTEGER REFERENCES crawls(id),
  UNIQUE (portal, path)
)"""
    )
    db.execute(
        f"""CREATE TABLE article_sources (
  portal TEXT NOT NULL REFERENCES portals(slug),
  url TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ({sources})),
  via TEXT,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  first_crawl_id INTEGER REFERENCES crawls(id),
  last_crawl_id INTEGER REFERENCES crawls(id),
  PRIMARY KEY (url, source)
)"""
    )
    db["article_sources"].create_index(["portal", "last_crawl_id"])
    for column, kind in (
        ("limits_hit", str),
        ("notices", str),
        ("listed", int),
        ("listed_archived", int),
        ("found_listing_only", int),
        ("found_second_only", int),
        ("found_both", int),
        ("sections_behind", str),
    ):
        db["crawls"].add_column(column, kind)
    db.execute(_PORTAL_COVERAGE)
    _backfill_registry_sections(db)


def _backfill_registry_sections(db: sqlite_utils.Database) -> None:
    """Sections crawled before 0006 keep their paging state: complete when the portal's last
    finished crawl was (what older code used for every section), so the first crawl after
    the upgrade still stops at known articles."""
    for slug, sections, seen in db.execute(
        "SELECT slug, sections, coalesce(last_crawled_at, first_crawled_at) FROM portals"
    ).fetchall():
        last = db.execute(
            "SELECT status, started_at FROM crawls WHERE portal = ? AND status <> 'running' "
            "ORDER BY id DESC LIMIT 1",
            [slug],
        ).fetchone()
        if seen is None or last is None:
            continue  # never crawled: its first crawl records its sections
        complete = int(last[0] in ("ok", "partial"))
        try:
            listed = json.loads(sections or "[]")
        except ValueError:
            continue
        for section in listed:
            if not isinstance(section, dict) or not section.get("path"):
                continue
            db.execute(
                "INSERT OR IGNORE INTO sections (portal, path, name, kind, found_by, found_in, "
                "first_found_at, last_seen_at, complete, reached_end_at) "
                "VALUES (?, ?, ?, 'news', 'registry', 'registry', ?, ?, ?, ?)",
                [
                    slug,
                    section["path"],
                    section.get("name"),
                    seen,
                    seen,
                    complete,
                    last[1] if complete else None,
                ],
            )


@migrations(name="0007_captures")
def _captures(db: sqlite_utils.Database) -> None:
    """Raw captures (WARC record pointers) and the capture of every stored fact (see the
    module docstring)."""
    db.execute(
        """CREATE TABLE captures (
  record_id TEXT PRIMARY KEY,
  portal TEXT REFERENCES portals(slug),
  crawl_id INTEGER REFERENCES crawls(id),
  url TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  http_status INTEGER CHECK (http_status BETWEEN 100 AND 599),
  content_type TEXT,
  record_type TEXT NOT NULL CHECK (record_type IN ('response', 'revisit')),
  revisit_profile TEXT,
  refers_to TEXT,
  warc_file TEXT NOT NULL,
  warc_offset INTEGER NOT NULL CHECK (warc_offset >= 0),
  warc_length INTEGER NOT NULL CHECK (warc_length > 0),
  payload_sha1 TEXT NOT NULL,
  payload_sha256 TEXT NOT NULL,
  payload_length INTEGER NOT NULL,
  truncated TEXT,
  request_record_id TEXT
)"""
    )
    db["captures"].create_index(["url", "fetched_at"])
    db["captures"].create_index(["portal", "crawl_id"])
    db["captures"].create_index(["warc_file", "warc_offset"])
    for table in ("articles", "article_versions", "visitor_stats", "crawl_errors"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN capture TEXT REFERENCES captures(record_id)")
    # A capture's page lists what was read from it; reextract finds versions by capture.
    db["articles"].create_index(["capture"])
    db["article_versions"].create_index(["capture"])
    for column, kind in (
        ("warc_files", str),
        ("warc_bytes", int),
        ("captures_full", int),
        ("captures_revisit", int),
    ):
        db["crawls"].add_column(column, kind)


@migrations(name="0008_reextract_runs")
def _reextract_runs(db: sqlite_utils.Database) -> None:
    """Runs of ``portal-archive reextract`` and the versions they wrote (see the module
    docstring): a re-extraction has no crawl, so its versions point to their run instead."""
    db.execute(
        """CREATE TABLE reextract_runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
  extractor_version TEXT NOT NULL,
  options TEXT,
  pages INTEGER,
  changed INTEGER,
  recovered INTEGER,
  still_failing INTEGER,
  unchanged INTEGER,
  unreadable INTEGER,
  not_article INTEGER,
  missing INTEGER
)"""
    )
    db.execute(
        "ALTER TABLE article_versions ADD COLUMN reextract_run INTEGER "
        "REFERENCES reextract_runs(id)"
    )


@migrations(name="0009_hidden_articles")
def _hidden_articles(db: sqlite_utils.Database) -> None:
    """``hidden_articles``: articles taken off the public site (personal data, a court order)
    without destroying evidence (see :mod:`archive.hide`). Append-only history: ``hide``
    adds a row, ``unhide`` sets ``restored_at`` on the open one; an article is hidden while
    it has a row with ``restored_at`` NULL. ``reason`` is a category shown to the public;
    ``note`` and ``hidden_by`` stay private (public snapshots drop them)."""
    db.execute(
        """CREATE TABLE hidden_articles (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id),
  url TEXT,
  url_sha256 TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('personal_data', 'court_order', 'legal', 'other')),
  note TEXT,
  hidden_at TEXT NOT NULL,
  hidden_by TEXT,
  restored_at TEXT,
  restored_by TEXT
)"""
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_hidden_articles_open ON hidden_articles (article_id) "
        "WHERE restored_at IS NULL"
    )
    db["hidden_articles"].create_index(["url_sha256"])
    # The current state on the article itself, so every public query filters with
    # ``hidden_at IS NULL`` at no cost; hide/unhide write both in one transaction.
    db.execute("ALTER TABLE articles ADD COLUMN hidden_at TEXT")
    # The "Đã sửa / Đã gỡ" page and its feeds read edits and removals by time.
    db["article_versions"].create_index(["change_kind", "fetched_at"])


@migrations(name="0010_search_facet_indexes")
def _search_facet_indexes(db: sqlite_utils.Database) -> None:
    """Indexes the search page's facet table is read from (:mod:`archive.search_cache`):
    each article's portal and section, and the ids of articles with attachments. Both are
    covering, so reading them never touches the article text."""
    db.execute("CREATE INDEX idx_articles_portal_section ON articles (portal, section)")
    db.execute(f"CREATE INDEX idx_articles_with_files ON articles (id) WHERE {HAS_FILES}")


@migrations(name="0011_hidden_out_of_search_index")
def _hidden_out_of_search_index(db: sqlite_utils.Database) -> None:
    """Hidden articles leave ``articles_search`` (and ``unhide`` puts them back): see
    :func:`archive.search_index.skip_hidden_articles`."""
    search_index.skip_hidden_articles(db.conn)


def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) an archive database and bring its schema up to date.

    Enables WAL (readers such as Datasette never block the crawler), foreign keys and a 30 s
    busy timeout; creates missing parent directories.
    Raises :class:`ArchiveError` (one sentence naming the problem, see
    :mod:`archive.sqlite_problems`) for a non-SQLite or truncated file, a schema from newer
    code, a full disk or a read-only location. An existing file is left untouched; a file
    (and directories) this call created are removed again, so a failure leaves no stray
    empty archive behind.
    """
    path = Path(path)
    _check_is_sqlite(path)
    created = _missing_parents(path) + ([] if path.exists() else [path])
    db = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        diff.register(db.conn)  # before migrations: views (and later table rebuilds) use it
        vn_search.register(db.conn)  # the articles_search triggers call these functions
        _refuse_newer_schema(db, path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(db)
        search_index.ensure_current(db.conn)  # rebuilt if the search rules changed
    except BaseException as exc:
        if db is not None:
            db.close()
        _remove_created(created)
        if isinstance(exc, sqlite3.Error):
            raise ArchiveError(sqlite_problems.explain(path, exc)) from exc
        if isinstance(exc, OSError):
            raise ArchiveError(sqlite_problems.explain_os_error(path, exc)) from exc
        raise
    return db


def _missing_parents(path: Path) -> list[Path]:
    """Directories above ``path`` that do not exist yet, deepest first."""
    missing = []
    for parent in path.parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing


def _remove_created(created: list[Path]) -> None:
    """Undo a failed first open: the new file, its WAL files, then the new directories."""
    for item in sorted(created, key=lambda p: len(p.parts), reverse=True):
        if item.is_dir():
            with contextlib.suppress(OSError):
                item.rmdir()  # only if empty
            continue
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                item.with_name(item.name + suffix).unlink()


def _check_is_sqlite(path: Path) -> None:
    """Refuse non-SQLite or truncated files before SQLite touches them (an empty file is a new
    database)."""
    if path.is_dir():
        raise ArchiveError(f"{path} is a directory, not an archive database file")
    try:
        if not path.exists() or path.stat().st_size == 0:
            return
        problem = sqlite_problems.header_problem(path)
    except OSError as exc:
        raise ArchiveError(sqlite_problems.explain_os_error(path, exc)) from exc
    if problem:
        raise ArchiveError(f"{path} {problem}; refusing to touch it")


def _refuse_newer_schema(db: sqlite_utils.Database, path: Path) -> None:
    """Raise if the database has migrations this code does not know (written by newer code)."""
    known = {m.name for m in migrations._migrations}  # no public accessor in sqlite-utils 4.2
    applied = {m.name for m in migrations.applied(db)}
    unknown = sorted(applied - known)
    if unknown:
        raise ArchiveError(
            f"{path} has a newer archive schema than this code understands "
            f"(unknown migrations: {', '.join(unknown)}); upgrade portal-archive to open it"
        )
