"""Taking an article off the public site without destroying evidence (``portal-archive hide``).

Personal data or a court order can require that an article stop being published; the
archive must still keep what the portal published, when, and its captures. So hiding never
deletes anything from the archive: it adds a ``hidden_articles`` row (migration 0009) with
who, when and why, and every public surface reads that table:

- the article page and the diff page answer 410 with a neutral notice and the reason
  category (``archive_changes`` plugin), the changes page and its feeds leave it out;
- search and the portal feed filter with :data:`NOT_HIDDEN_SQL` (``articles.hidden_at``, set
  and cleared with the history row in one transaction);
- a public snapshot (:func:`scrub_public_copy`, called by :mod:`archive.snapshot` on the
  copy, never on the archive) holds none of its rows: no text, versions, search index
  entries, captures rows or URLs; only a tombstone ``hidden_articles`` row (article id,
  ``url_sha256``, reason category, ``hidden_at``) so a permalink can say it was taken down.

``unhide`` sets ``restored_at``: the article is public again from the next page view (and
in the next snapshot). The WARC files are never touched.
"""

import getpass
import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from archive.errors import ArchiveError
from archive.lock import ArchiveLock
from archive.schema import open_archive
from archive.timestamps import utc_now

#: Reason categories: the only part of the decision the public sees, (Vietnamese, English).
REASONS: dict[str, tuple[str, str]] = {
    "personal_data": ("bảo vệ dữ liệu cá nhân", "personal data protection"),
    "court_order": ("theo quyết định của cơ quan có thẩm quyền", "a court or authority order"),
    "legal": ("yêu cầu pháp lý", "a legal request"),
    "other": ("lý do khác", "other reason"),
}
NOTICE = "Bài viết này đã được gỡ khỏi trang công khai"
NOTICE_EN = "This article has been taken off the public site"
#: The ids of hidden articles (history table). Public queries filter on the mirror column
#: instead: ``articles.hidden_at IS NULL`` (:data:`NOT_HIDDEN_SQL`).
HIDDEN_IDS_SQL = "select article_id from hidden_articles where restored_at is null"
NOT_HIDDEN_SQL = "hidden_at is null"


class HideError(ArchiveError):
    """The article cannot be hidden or restored (unknown URL, already hidden, not hidden)."""


@dataclass(frozen=True)
class HideResult:
    article_id: int
    url: str
    title: str | None
    reason: str
    at: str

    def line(self, restored: bool = False) -> str:
        what = "restored to" if restored else "hidden from"
        label = "" if restored else f" (reason: {self.reason})"
        return f"article {self.article_id} {what} the public site{label}: {self.url}"


def url_digest(url: str) -> str:
    """sha256 of the exact archived URL: lets a public copy recognise a hidden URL without
    holding it (a portal URL often spells out the title, and so the person it names)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def reason_label(reason: str | None) -> tuple[str, str]:
    return REASONS.get(reason or "", REASONS["other"])


def hide_article(
    db_path: str | Path,
    url: str,
    reason: str,
    *,
    note: str | None = None,
    by: str | None = None,
    wait: bool = False,
) -> HideResult:
    """Hide the archived article at ``url`` (exact archived URL) from every public surface.

    Takes the archive lock (:class:`archive.lock.ArchiveLocked` when a crawl holds it)."""
    if reason not in REASONS:
        raise HideError(f"unknown reason {reason!r}; one of {', '.join(REASONS)}")
    with _hiding(db_path, url, wait) as (conn, article, hiding):
        if hiding is not None:
            raise HideError(f"{url} is already hidden (since {hiding.hidden_at})")
        at = utc_now()
        with conn:
            conn.execute(
                "insert into hidden_articles (article_id, url, url_sha256, reason, note, "
                "hidden_at, hidden_by) values (?, ?, ?, ?, ?, ?, ?)",
                [article.id, article.url, url_digest(article.url), reason, note, at,
                 by or _user()],
            )  # fmt: skip
            conn.execute("update articles set hidden_at = ? where id = ?", [at, article.id])
    return HideResult(article.id, article.url, article.title, reason, at)


def unhide_article(
    db_path: str | Path, url: str, *, by: str | None = None, wait: bool = False
) -> HideResult:
    """Put a hidden article back on the public site (its hiding row keeps the history)."""
    with _hiding(db_path, url, wait) as (conn, article, hiding):
        if hiding is None:
            raise HideError(f"{url} is not hidden")
        at = utc_now()
        with conn:
            conn.execute(
                "update hidden_articles set restored_at = ?, restored_by = ? where id = ?",
                [at, by or _user(), hiding.id],
            )
            conn.execute("update articles set hidden_at = null where id = ?", [article.id])
    return HideResult(article.id, article.url, article.title, hiding.reason, at)


class _Article(NamedTuple):
    id: int
    url: str
    title: str | None


class _Hiding(NamedTuple):
    """The open ``hidden_articles`` row of an article (not restored)."""

    id: int
    reason: str
    hidden_at: str


@contextmanager
def _hiding(
    db_path: str | Path, url: str, wait: bool
) -> Iterator[tuple[sqlite3.Connection, _Article, _Hiding | None]]:
    """Under the archive lock: the connection, the article at ``url`` and its open hiding
    row (None when it is public). What hide and unhide both start from."""
    with ArchiveLock(db_path, wait=wait):
        db = open_archive(db_path)
        try:
            article = _Article(*_article(db.conn, url))
            row = db.conn.execute(
                "select id, reason, hidden_at from hidden_articles where article_id = ? "
                "and restored_at is null",
                [article.id],
            ).fetchone()
            yield db.conn, article, _Hiding(*row) if row else None
        finally:
            db.close()


def _article(conn: sqlite3.Connection, url: str) -> tuple[int, str, str | None]:
    """The article archived at ``url``, or at the one variant of it that is archived
    (http/https, ``www.``, tracking parameters: :func:`archive.permalinks.url_variants`)."""
    from archive.permalinks import url_variants

    query = "select id, url, title from articles where url = ?"
    row = conn.execute(query, [url.strip()]).fetchone()
    if row is not None:
        return row
    rows = [r for v in url_variants(url) if (r := conn.execute(query, [v]).fetchone())]
    if len(rows) > 1:
        found = ", ".join(r[1] for r in rows)
        raise HideError(f"{url} matches several archived URLs ({found}); give the exact one")
    if not rows:
        raise HideError(f"no archived article has the URL {url}")
    return rows[0]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def scrub_public_copy(conn: sqlite3.Connection) -> int:
    """Remove every hidden article's rows from a database copy about to be published.

    ``conn`` must be a writable connection to the copy with :mod:`archive.vn_search`
    registered (the search triggers run on delete). Removes the article, its versions, its
    search index entries (then merged so the tokens are gone from the file), the captures of
    its URL and the pointers to them, its crawl errors and sources; keeps only a tombstone
    ``hidden_articles`` row per hidden article (id, url_sha256, reason, hidden_at). The
    caller VACUUMs afterwards so no free page keeps old bytes. Returns how many were
    removed."""
    tables = {row[0] for row in conn.execute("select name from sqlite_master where type='table'")}
    if "hidden_articles" not in tables:
        return 0
    hidden = conn.execute(
        f"select a.id, a.url from articles as a where a.id in ({HIDDEN_IDS_SQL})"
    ).fetchall()
    with conn:
        conn.execute("delete from hidden_articles where restored_at is not null")
        conn.execute(
            "update hidden_articles set url = null, note = null, hidden_by = null, "
            "restored_by = null"
        )
        if not hidden:
            return 0
        conn.execute("create temp table _hidden (id integer primary key, url text)")
        conn.executemany("insert into _hidden values (?, ?)", hidden)
        conn.execute(
            "create temp table _hidden_captures as "
            "select record_id from captures where url in (select url from _hidden) "
            "union select capture from article_versions where article_id in "
            "(select id from _hidden) and capture is not null "
            "union select capture from articles where id in (select id from _hidden) "
            "and capture is not null"
        )
        conn.execute(
            "insert into _hidden_captures select record_id from captures "
            "where refers_to in (select record_id from _hidden_captures)"
        )
        caps = "(select record_id from _hidden_captures)"
        urls = "(select url from _hidden)"
        conn.execute(
            f"update visitor_stats set capture = null, page_url = null "
            f"where capture in {caps} or page_url in {urls}"
        )
        conn.execute(f"delete from crawl_errors where url in {urls} or capture in {caps}")
        conn.execute(f"delete from article_sources where url in {urls}")
        conn.execute("delete from article_versions where article_id in (select id from _hidden)")
        conn.execute("delete from articles where id in (select id from _hidden)")
        conn.execute(f"delete from captures where record_id in {caps}")
        conn.execute("insert into articles_search (articles_search) values ('optimize')")
        conn.execute("drop table _hidden")
        conn.execute("drop table _hidden_captures")
    return len(hidden)
