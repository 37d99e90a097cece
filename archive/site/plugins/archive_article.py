"""Datasette plugin: the row page of an article reads like an article, with its history.

``extra_template_vars`` loads, for the ``articles`` row page only, the article's portal, its
versions (``article_versions``) and the word diffs between consecutive content versions (the
``article_changes`` view, i.e. :func:`archive.diff.word_diff`), shaped by
:mod:`archive.article_page`. ``templates/row.html`` renders them; the JSON/CSV row API is
untouched (this hook only runs for HTML pages).

Safety: archived text is plain text, escaped by Jinja's autoescape; links and images only use
http(s) URLs (:func:`archive.article_page.safe_url`). The article fragment is then passed
through nh3 (the ``archive_sanitize`` filter) with a small allowlist of tags, attributes and
URL schemes, so a template mistake cannot turn archived content into live HTML.

For the ``portals`` row page it provides the portal's Atom feed and dashboard URLs.
"""

from typing import Any
from urllib.parse import urlencode

import nh3
from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

from archive import article_page, capture_view

FEED_QUERY = "portal_feed"
DASHBOARD = "archive"  # plugins.datasette-dashboards.archive in metadata.json
TAGS = {
    "a", "article", "br", "dd", "del", "details", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "ins", "li", "ol", "p", "section", "small",
    "span", "strong", "summary", "table", "tbody", "td", "th", "thead", "time", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title"},
    "a": {"href", "type"},
    "time": {"datetime"},
}


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["archive_sanitize"] = sanitize


def sanitize(html: str) -> Markup:
    """Keep only the tags, attributes and http(s)/relative URLs the article page uses."""
    return Markup(
        nh3.clean(
            str(html),
            tags=TAGS,
            attributes=ATTRIBUTES,
            url_schemes={"http", "https"},
            link_rel="noopener noreferrer",
        )
    )


@hookimpl
def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Any
) -> Any:
    if view_name != "row" or request is None or database is None:
        return {}
    if table == "articles":

        async def article_vars() -> dict:
            return {"archive_article": await load_article(datasette, database, request)}

        return article_vars
    if table == "portals":
        slug = urlsafe_components(request.url_vars["pks"])[0]
        return {
            "archive_portal_feed": feed_path(datasette, database, slug),
            "archive_portal_dashboard": dashboard_path(datasette, slug),
        }
    return {}


def feed_path(datasette: Any, database: str, portal: str) -> str | None:
    """``/<db>/portal_feed.atom?portal=…`` when the canned query is configured for ``database``."""
    queries = datasette.metadata("queries", database=database, fallback=False) or {}
    if FEED_QUERY not in queries:
        return None
    path = datasette.urls.query(database, FEED_QUERY, format="atom")
    return f"{path}?{urlencode({'portal': portal})}"


def dashboard_path(datasette: Any, portal: str) -> str | None:
    """The statistics dashboard filtered to this portal, when it is configured."""
    if DASHBOARD not in (datasette.plugin_config("datasette-dashboards") or {}):
        return None
    return datasette.urls.path(f"/-/dashboards/{DASHBOARD}?{urlencode({'portal': portal})}")


async def load_article(datasette: Any, database: str, request: Any) -> dict | None:
    """Everything the article template shows, or None when the row does not exist."""
    db = datasette.get_database(database)
    pks = urlsafe_components(request.url_vars["pks"])
    if len(pks) != 1 or not await db.table_exists("article_versions"):
        return None  # not an archive database: Datasette's own row page
    rows = (await db.execute("select * from articles where id = ?", [pks[0]])).rows
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
    capture_column = "capture" if has_captures else "null as capture"
    versions = await db.execute(
        "select id, version, fetched_at, http_status, tombstone, removal_reason, change_kind, "
        f"extractor_version, extraction_failed, {capture_column} "
        "from article_versions where article_id = ? order by version",
        [article["id"]],
    )
    changes = await db.execute(
        "select version, previous_version, change, title_change, status "
        "from article_changes where article_id = ? order by version",
        [article["id"]],
    )
    urls = datasette.urls
    captures = (
        await load_captures(
            datasette, db, [article.get("capture"), *(r["capture"] for r in versions.rows)]
        )
        if has_captures
        else {}
    )
    return {
        "row": article,
        "link": article_page.Link(article_page.safe_url(article["url"]), article["url"]),
        "portal": portal,
        "portal_path": urls.row(database, "portals", tilde_encode(portal["slug"])),
        "portal_site": article_page.safe_url(portal.get("base_url")),
        "section_path": urls.table(database, "articles")
        + "?"
        + urlencode({"portal": portal["slug"], "section": article["section"] or ""}),
        "published": article_page.readable_time(article["published_at"]),
        "updated": article_page.readable_time(article["updated_at"]),
        "weak": article_page.weak_fields(article["field_sources"]),
        "failure": article_page.failure_reason(article["extraction_failed"]),
        "first_seen": article_page.readable_time(article["first_seen_at"]),
        "last_seen": article_page.readable_time(article["last_seen_at"]),
        "removed": article_page.readable_time(article["removed_at"]),
        "removal_reason": article_page.removal_reason(article["removal_reason"]),
        "paragraphs": article_page.paragraphs(article["body_text"]),
        "images": article_page.images(article["images"]),
        "attachments": article_page.attachments(article["attachments"]),
        "versions": article_page.versions(
            [dict(r) for r in versions.rows], [dict(r) for r in changes.rows]
        ),
        "versions_path": urls.table(database, "article_versions") + f"?article_id={article['id']}",
        "version_path": urls.table(database, "article_versions"),
        "feed_path": feed_path(datasette, database, portal["slug"]),
        "capture": captures.get(article.get("capture")),
        "captures": captures,
    }


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
