"""Datasette plugin: what the home page (templates/index.html) shows a journalist.

Datasette's index view lists databases and tables; ours replaces that page with a search box,
the portals and their article counts, the latest articles and the look-up by portal URL.
Its figures are read here, for the ``index`` view only, from the archive database: hidden
articles (archive/hide.py) are left out like on every public page. The counts are one pass
over the portal index minus the (few) hidden articles, the latest articles a walk down the
published_at index, so the page stays fast on a 200,000-article archive.
"""

from typing import Any

from datasette import hookimpl

from archive.hide import HIDDEN_IDS_SQL
from archive.permalinks import permalink

LATEST = 10


async def _has_table(database: Any, name: str) -> bool:
    return await database.table_exists(name)


async def home_figures(datasette: Any) -> dict[str, Any]:
    """Portals with their article counts, the total and the latest published articles."""
    database = next(
        (db for name, db in datasette.databases.items() if not name.startswith("_")), None
    )
    if database is None or not await _has_table(database, "articles"):
        return {"home": None}
    hidden = await _has_table(database, "hidden_articles")
    visible = f"id not in ({HIDDEN_IDS_SQL})" if hidden else "1 = 1"
    # all articles by portal (a covering index scan), minus the few hidden ones
    counts = await database.execute("select portal, count(*) as n from articles group by portal")
    by_slug = {row["portal"]: row["n"] for row in counts.rows}
    if hidden:
        taken_off = await database.execute(
            f"select portal, count(*) as n from articles where id in ({HIDDEN_IDS_SQL}) "
            "group by portal"
        )
        for row in taken_off.rows:
            by_slug[row["portal"]] -= row["n"]
    portals = []
    if await _has_table(database, "portals"):
        listed = await database.execute(
            "select slug, name, base_url, last_crawled_at from portals order by slug"
        )
        portals = [
            {**dict(row), "articles": by_slug.get(row["slug"], 0)}
            for row in listed.rows
            if row["slug"] in by_slug
        ]
    known = {p["slug"] for p in portals}
    portals += [
        {"slug": slug, "name": slug, "base_url": None, "last_crawled_at": None, "articles": n}
        for slug, n in sorted(by_slug.items())
        if slug not in known
    ]
    latest = await database.execute(
        f"select id, url, portal, title, published_at, first_seen_at, removed_at "
        f"from articles where published_at glob '[12][0-9][0-9][0-9]-*' and {visible} "
        "and extraction_failed is null "
        f"order by published_at desc limit {LATEST}"
    )
    articles = [
        {**dict(row), "href": datasette.urls.path(permalink(row["url"]))} for row in latest.rows
    ]
    return {
        "home": {
            "total": sum(by_slug.values()),
            "portals": portals,
            "latest": articles,
        }
    }


@hookimpl
def extra_template_vars(view_name: str, datasette: Any) -> Any:
    if view_name != "index":
        return {}

    async def inner() -> dict[str, Any]:
        return await home_figures(datasette)

    return inner
