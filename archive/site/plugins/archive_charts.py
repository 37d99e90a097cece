"""Datasette plugin: point the datasette-dashboards charts at whichever archive is served.

datasette-dashboards needs a database name on every chart (and on every filter that runs a
query), but our archive is served as ``demo``, ``archive`` or any file name. metadata.json
therefore leaves ``db`` out, and this hook supplies it: the first attached database
(internal ``_memory``/``_internal`` excluded). Local metadata wins over hook metadata in
Datasette 0.65, so a ``db`` written in metadata.json is kept as written.
"""

import json
from typing import Any

from datasette import hookimpl

from archive.site_messages import choose_language

PLUGIN = "datasette-dashboards"


@hookimpl
def get_metadata(datasette: Any, key: Any, database: Any, table: Any) -> dict | None:
    dashboards = (datasette._metadata_local.get("plugins") or {}).get(PLUGIN)
    target = archive_database(datasette)
    if not dashboards or target is None:
        return None
    return {"plugins": {PLUGIN: with_database(dashboards, target)}}


def archive_database(datasette: Any) -> str | None:
    """The database the charts query: the first one attached that is not internal."""
    return next((name for name in datasette.databases if not name.startswith("_")), None)


def with_database(dashboards: dict, database: str) -> dict:
    """``db`` for every chart and query filter lacking one.

    Every chart gets an entry (empty when it names its own ``db``) so the merged config keeps
    the configured chart order, which is the order dashboards lays the cards out in.
    """
    filled: dict[str, dict] = {}
    for slug, dashboard in dashboards.items():
        charts = {
            name: {} if "db" in chart else {"db": database}
            for name, chart in (dashboard.get("charts") or {}).items()
        }
        filters = {
            name: {"db": database}
            for name, entry in (dashboard.get("filters") or {}).items()
            if "query" in entry and "db" not in entry
        }
        filled[slug] = {"charts": charts, "filters": filters}
    return filled


#: The dashboard's portal menu starts with an empty choice meaning "no filter"; name it.
ALL_PORTALS = {"vi": "Tất cả cổng", "en": "All portals"}


@hookimpl
def extra_body_script(template: str, request: Any) -> str:
    """Label the empty first choice of the dashboard's filter menus ("all portals").

    datasette-dashboards writes that option with no text; a script rather than a copy of its
    template, so a plugin upgrade keeps working.
    """
    if template != "dashboard_view.html":
        return ""
    lang = choose_language(request.args, request.cookies) if request is not None else "vi"
    label = json.dumps(ALL_PORTALS[lang], ensure_ascii=False)
    return (
        "document.querySelectorAll('select option[value=\"\"]').forEach(function (o) {"
        f" if (!o.textContent.trim()) {{ o.textContent = {label}; }} }});"
    )
