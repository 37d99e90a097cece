"""Datasette plugin: the datasette-dashboards charts on whichever archive is served, in the
reader's language.

- **The database.** datasette-dashboards needs a database name on every chart (and on every
  filter that runs a query), but our archive is served as ``demo``, ``archive`` or any file
  name. metadata.json therefore leaves ``db`` out, and ``get_metadata`` supplies it: the
  first attached database (internal ``_memory``/``_internal`` excluded); a ``db`` written in
  metadata.json is kept as written.
- **The language.** metadata.json writes the dashboard in Vietnamese; under the English
  switch ``get_metadata`` serves its English copy (archive/chart_text.py). The hook has no
  request, so ``asgi_wrapper`` puts the reader's language in a context variable for the
  request's duration. Local metadata wins over a hook's in Datasette 0.65, so the hook takes
  the dashboards block out of the local metadata once (:func:`dashboards_config`) and serves
  all of it.
- ``extra_body_script``: names the portal menu's empty choice and turns the plugin
  templates' own English words (crumbs, the filter's button) into the reader's language.
"""

import json
from contextvars import ContextVar
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Request

from archive import chart_text
from archive.site_messages import choose_language, message

PLUGIN = "datasette-dashboards"
_ADOPTED = "_archive_dashboards"
_language: ContextVar[str] = ContextVar("archive_dashboards_language", default="vi")


@hookimpl
def get_metadata(datasette: Any, key: Any, database: Any, table: Any) -> dict | None:
    dashboards = dashboards_config(datasette)
    target = archive_database(datasette)
    if not dashboards or target is None:
        return None
    words = chart_text.translate(dashboards, _language.get())
    return {"plugins": {PLUGIN: with_database(words, target)}}


def dashboards_config(datasette: Any) -> dict | None:
    """metadata.json's dashboards, moved out of Datasette's local metadata on first use so
    that this hook's copy (with ``db`` and in the reader's language) is the one served."""
    adopted = getattr(datasette, _ADOPTED, None)
    if adopted is None:
        local = datasette._metadata_local
        plugins = dict(local.get("plugins") or {})
        adopted = plugins.pop(PLUGIN, None) or {}
        # a new dict, not an edit: the caller's metadata may serve another Datasette too
        datasette._metadata_local = {**local, "plugins": plugins}
        setattr(datasette, _ADOPTED, adopted)
    return adopted or None


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def with_language(scope: dict, receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            request = Request(scope, receive)
            token = _language.set(choose_language(request.args, request.cookies))
            try:
                await app(scope, receive, send)
            finally:
                _language.reset(token)

        return with_language

    return wrap


def archive_database(datasette: Any) -> str | None:
    """The database the charts query: the first one attached that is not internal."""
    return next((name for name in datasette.databases if not name.startswith("_")), None)


def with_database(dashboards: dict, database: str) -> dict:
    """A copy of the dashboards with ``db`` on every chart and query filter lacking one
    (charts keep their configured order, the order dashboards lays the cards out in)."""
    filled: dict[str, dict] = {}
    for slug, dashboard in dashboards.items():
        charts = {
            name: chart if "db" in chart else {**chart, "db": database}
            for name, chart in (dashboard.get("charts") or {}).items()
        }
        filters = {
            name: {**entry, "db": database} if "query" in entry and "db" not in entry else entry
            for name, entry in (dashboard.get("filters") or {}).items()
        }
        filled[slug] = {**dashboard, "charts": charts, "filters": filters}
    return filled


#: The dashboard's portal menu starts with an empty choice meaning "no filter"; name it.
ALL_PORTALS = {"vi": "Tất cả cổng", "en": "All portals"}


#: The plugin templates' own English words, by what the script finds them by.
PLUGIN_WORDS = {"vi": {"Apply": "Áp dụng", "View and edit SQL": "Xem và sửa SQL"}, "en": {}}


@hookimpl
def extra_body_script(template: str, request: Any) -> str:
    """The dashboard pages' remaining words in the reader's language.

    datasette-dashboards writes the portal menu's empty option with no text ("all portals"),
    its crumbs as "home / dashboards", the filter's button as "Apply" and a chart page's SQL
    link as "View and edit SQL". A script rather than a copy of its templates, so a plugin
    upgrade keeps working; without JavaScript these few words stay English.
    """
    if template not in ("dashboard_view.html", "dashboard_chart.html"):
        return ""
    lang = choose_language(request.args, request.cookies) if request is not None else "vi"
    texts = json.dumps(
        {
            "all": ALL_PORTALS[lang],
            "home": message("nav_home", lang),
            "dashboards": message("nav_stats", lang),
            "words": PLUGIN_WORDS[lang],
        },
        ensure_ascii=False,
    )
    return (
        f"(function (t) {{"
        " document.querySelectorAll('select option[value=\"\"]').forEach(function (o) {"
        "  if (!o.textContent.trim()) { o.textContent = t.all; } });"
        " document.querySelectorAll('p.crumbs a').forEach(function (a) {"
        "  var w = a.textContent.trim(); if (w === 'home') { a.textContent = t.home; }"
        "  else if (w === 'dashboards') { a.textContent = t.dashboards; } });"
        " document.querySelectorAll('input[type=submit], span.underlined').forEach(function (e) {"
        "  var w = (e.value || e.textContent).trim(); if (t.words[w]) {"
        "   if (e.value) { e.value = t.words[w]; } else { e.textContent = t.words[w]; } } });"
        f"}})({texts});"
    )
