"""Datasette plugin: the row page of an article reads like an article, with its history.

``extra_template_vars`` loads, for the ``articles`` row page only, the article's portal, its
versions (``article_versions``) and the word diffs between consecutive content versions (the
``article_changes`` view, i.e. :func:`archive.diff.word_diff`), shaped by
:mod:`archive.article_page` and loaded by :mod:`archive.article_context` (shared with the
permanent links of archive_web.py). ``templates/row.html`` renders them; the JSON/CSV row API is
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
from datasette.utils import urlsafe_components
from markupsafe import Markup

from archive import article_context, permalinks
from archive.article_context import feed_path

DASHBOARD = "archive"  # plugins.datasette-dashboards.archive in metadata.json
TAGS = {
    "a", "article", "br", "dd", "del", "details", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "ins", "li", "ol", "p", "section", "small",
    "span", "strong", "summary", "table", "tbody", "td", "th", "thead", "time", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title"},
    "a": {"href", "type", "aria-current"},
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
    if table == "article_versions":

        async def version_vars() -> dict:
            pks = urlsafe_components(request.url_vars["pks"])
            return {"archive_version_link": await version_link(datasette, database, pks)}

        return version_vars
    if table == "portals":
        slug = urlsafe_components(request.url_vars["pks"])[0]
        return {
            "archive_portal_feed": feed_path(datasette, database, slug),
            "archive_portal_dashboard": dashboard_path(datasette, slug),
        }
    return {}


def dashboard_path(datasette: Any, portal: str) -> str | None:
    """The statistics dashboard filtered to this portal, when it is configured."""
    if DASHBOARD not in (datasette.plugin_config("datasette-dashboards") or {}):
        return None
    return datasette.urls.path(f"/-/dashboards/{DASHBOARD}?{urlencode({'portal': portal})}")


async def version_link(datasette: Any, database: str, pks: list[str]) -> dict | None:
    """The dated permalink of an ``article_versions`` row (its citable form), or None."""
    db = datasette.get_database(database)
    if len(pks) != 1 or not await article_context.is_archive(db):
        return None
    rows = (
        await db.execute(
            "select v.version, v.fetched_at as at, a.url from article_versions v "
            "join articles a on a.id = v.article_id where v.id = ?",
            [pks[0]],
        )
    ).rows
    if not rows:
        return None
    version, url = rows[0]["version"], rows[0]["url"]
    fetched = await db.execute(
        "select version, fetched_at from article_versions where article_id = "
        "(select article_id from article_versions where id = ?) order by version",
        [pks[0]],
    )
    stamps = permalinks.version_stamps([r["fetched_at"] for r in fetched.rows])
    stamp = dict(zip((r["version"] for r in fetched.rows), stamps, strict=True))[version]
    return {"version": version, "path": datasette.urls.path(permalinks.permalink(url, stamp))}


async def load_article(datasette: Any, database: str, request: Any) -> dict | None:
    """The article page's variables (archive/article_context.py), or None: not an article."""
    pks = urlsafe_components(request.url_vars["pks"])
    if len(pks) != 1:
        return None
    return await article_context.load_article(datasette, database, pks[0], request)
