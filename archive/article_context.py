"""What the article page template receives, read from an archive database inside Datasette.

Shared by the ``articles`` row page (site/plugins/archive_article.py) and the permanent links
``/-/web/…`` (site/plugins/archive_web.py): both render ``web_article_body.html`` from the
dict :func:`load_article` returns. Given a ``version_index``, the page shows the article as it
was at that version (its own title, text, images, dates); a tombstone version shows the
removal banner over the last content version before it.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from datasette.utils import tilde_encode

from archive import article_page, capture_view, permalinks
from archive.vn_format import vn_datetime

#: Columns a version row carries that override the article's current ones on a dated page.
VERSION_FIELDS = (
    "title", "summary", "published_at", "author", "body_text", "images", "attachments",
    "updated_at", "source", "field_sources", "extraction_failed",
)  # fmt: skip
FEED_QUERY = "portal_feed"


@dataclass(frozen=True)
class Citation:
    """The "Trích dẫn" box: a labelled text block and one reference line, both plain text."""

    permalink: str  # absolute, dated: this exact version
    latest: str  # absolute, undated: the article as currently archived
    text: str
    reference: str


def feed_path(datasette: Any, database: str, portal: str) -> str | None:
    """``/<db>/portal_feed.atom?portal=…`` when the canned query is configured for ``database``."""
    queries = datasette.metadata("queries", database=database, fallback=False) or {}
    if FEED_QUERY not in queries:
        return None
    path = datasette.urls.query(database, FEED_QUERY, format="atom")
    return f"{path}?{urlencode({'portal': portal})}"


async def is_archive(db: Any) -> bool:
    return await db.table_exists("articles") and await db.table_exists("article_versions")


async def load_article(
    datasette: Any,
    database: str,
    article_id: Any,
    request: Any = None,
    *,
    version_index: int | None = None,
) -> dict | None:
    """Everything the article template shows, or None when the row does not exist."""
    db = datasette.get_database(database)
    if not await is_archive(db):
        return None
    rows = (await db.execute("select * from articles where id = ?", [article_id])).rows
    if not rows:
        return None
    article = dict(rows[0])
    portal_rows = (
        await db.execute(
            "select slug, name, base_url from portals where slug = ?", [article["portal"]]
        )
    ).rows
    portal = dict(portal_rows[0]) if portal_rows else {"slug": article["portal"], "name": None}
    has_captures = await db.table_exists("captures")
    capture_column = "" if has_captures else ", null as capture"
    version_rows = [
        dict(r)
        for r in (
            await db.execute(
                f"select *{capture_column} from article_versions "
                "where article_id = ? order by version",
                [article["id"]],
            )
        ).rows
    ]
    changes = await db.execute(
        "select version, previous_version, change, title_change, status "
        "from article_changes where article_id = ? order by version",
        [article["id"]],
    )
    shown, shown_row = _shown(article, version_rows, version_index)
    captures = (
        await load_captures(
            datasette, db, [article.get("capture"), *(r["capture"] for r in version_rows)]
        )
        if has_captures
        else {}
    )
    stamps = permalinks.version_stamps([r["fetched_at"] for r in version_rows])
    version_links = {
        r["version"]: permalinks.permalink(article["url"], stamp)
        for r, stamp in zip(version_rows, stamps, strict=True)
    }
    urls = datasette.urls
    context = {
        "row": shown,
        "article_path": urls.row(database, "articles", str(article["id"])),
        "link": article_page.Link(article_page.safe_url(article["url"]), article["url"]),
        "portal": portal,
        "portal_path": urls.row(database, "portals", tilde_encode(portal["slug"])),
        "portal_site": article_page.safe_url(portal.get("base_url")),
        "section_path": urls.table(database, "articles")
        + "?"
        + urlencode({"portal": portal["slug"], "section": article["section"] or ""}),
        "published": vn_datetime(shown["published_at"]),
        "updated": vn_datetime(shown["updated_at"]),
        "weak": article_page.weak_fields(shown["field_sources"]),
        "failure": article_page.failure_reason(shown["extraction_failed"]),
        "first_seen": vn_datetime(article["first_seen_at"]),
        "last_seen": vn_datetime(article["last_seen_at"]),
        "removed": vn_datetime(shown["removed_at"]),
        "removal_reason": article_page.removal_reason(shown["removal_reason"]),
        "paragraphs": article_page.paragraphs(shown["body_text"]),
        "images": article_page.images(shown["images"]),
        "attachments": article_page.attachments(shown["attachments"]),
        "versions": article_page.versions(version_rows, [dict(r) for r in changes.rows]),
        "versions_path": urls.table(database, "article_versions") + f"?article_id={article['id']}",
        "version_path": urls.table(database, "article_versions"),
        "feed_path": feed_path(datasette, database, portal["slug"]),
        "capture": captures.get(shown.get("capture")),
        "captures": captures,
        "permalink": urls.path(permalinks.permalink(article["url"])),
        "version_links": {v: urls.path(link) for v, link in version_links.items()},
        "shown_version": shown_row["version"] if shown_row else None,
        "dated": version_index is not None,
        "latest_version": version_rows[-1]["version"] if version_rows else None,
    }
    context["permalink_url"] = (
        datasette.absolute_url(request, context["permalink"]) if request else context["permalink"]
    )
    content_row = shown_row if shown_row and not shown_row["tombstone"] else None
    cited_version = content_row["version"] if content_row else (shown_row or {}).get("version")
    if request is not None and cited_version is not None:
        context["citation"] = citation(
            datasette, request, context, shown, version_links[cited_version]
        )
    return context


def _shown(article: dict, versions: list[dict], index: int | None) -> tuple[dict, dict | None]:
    """The row the page shows and the version it comes from.

    Without an index: the article as archived now (its newest version). With one: that
    version's fields over the article's; a tombstone keeps the removal and shows the last
    content version before it, as the current page of a removed article does.
    """
    if index is None or not versions:
        current = versions[-1] if versions else None
        shown = dict(article)
        if current is not None and current["tombstone"]:
            content = _last_content(versions, len(versions) - 1)
            return shown, content or current
        return shown, current
    chosen = versions[index]
    shown = dict(article)
    shown["removed_at"] = None
    shown["removal_reason"] = None
    content = chosen
    if chosen["tombstone"]:
        shown["removed_at"] = chosen["fetched_at"]
        shown["removal_reason"] = chosen["removal_reason"]
        content = _last_content(versions, index) or chosen
    for name in VERSION_FIELDS:
        if name in content:
            shown[name] = content[name]
    shown["capture"] = content.get("capture")
    return shown, content


def _last_content(versions: list[dict], index: int) -> dict | None:
    return next((v for v in reversed(versions[:index]) if not v["tombstone"]), None)


def citation(datasette: Any, request: Any, context: dict, shown: dict, dated_path: str) -> Citation:
    """The cite box text: archived link, original URL, publication and capture time, digest."""
    permalink = datasette.absolute_url(request, datasette.urls.path(dated_path))
    latest = datasette.absolute_url(request, context["permalink"])
    capture = context["captures"].get(shown.get("capture"))
    title = shown.get("title") or "(không có tiêu đề)"
    portal = context["portal"].get("name") or context["portal"]["slug"]
    url = context["link"].text
    published = context["published"] or "không rõ"
    captured = capture.fetched if capture else _version_time(context, shown)
    digest = f"sha256:{capture.payload_sha256}" if capture and capture.payload_sha256 else "—"
    lines = [
        f"Tiêu đề: {title}",
        f"Cổng: {portal}",
        f"Địa chỉ gốc: {url}",
        f"Ngày đăng: {published}",
        f"Bản lưu: {permalink}",
        f"Thời điểm lưu: {captured}",
        f"Mã băm nội dung tải về: {digest}",
        f"Bản mới nhất: {latest}",
    ]
    if shown.get("removed_at"):
        lines.insert(4, f"Đã gỡ khỏi cổng: {context['removed']}")
    day = published.split(" ")[0] if context["published"] else "không rõ ngày"
    reference = (
        f"{portal}. ({day}). {title}. Bản lưu ngày {captured.split(' ')[0]}, "
        f"truy cập tại {permalink} (bản gốc: {url}; {digest})."
    )
    return Citation(permalink, latest, "\n".join(lines), reference)


def _version_time(context: dict, shown: dict) -> str:
    for version in context["versions"]:
        if version.version == context["shown_version"]:
            return capture_view.vietnam_time(version.fetched_at)
    return capture_view.vietnam_time(shown.get("last_seen_at"))


async def load_captures(datasette: Any, db: Any, records: list[str | None]) -> dict[str, Any]:
    """``{record_id: CaptureSummary}`` of the captures the article page links ("Bản lưu gốc")."""
    wanted = sorted({r for r in records if r})
    if not wanted:
        return {}
    rows = await db.execute(
        f"select * from captures where record_id in ({', '.join('?' * len(wanted))})", wanted
    )
    base = datasette.urls.path("/-/captures/")
    summaries = (capture_view.summary(dict(row), base) for row in rows.rows)
    return {s.record_id: s for s in summaries if s is not None}
