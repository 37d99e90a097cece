"""Datasette plugin: Vietnamese dates and numbers for every template, and the language switch.

- Jinja filters ``vn_datetime``, ``vn_date``, ``vn_number`` (archive/vn_format.py), so every
  page shows ``11/03/2022 18:24`` (Vietnam time) and ``1.449.050``; ``vn_number`` in SQL too;
- template variables for our base.html: ``lang``, ``t`` (the message catalogue of
  archive/site_messages.py bound to the reader's language), ``site`` (the links in the header
  and footer), ``search_q`` (the query the header's search box shows);
- ``/-/lang?to=en&next=/path``: sets the ``lang`` cookie and goes back to ``next``.
"""

import os
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from archive.site_config import SNAPSHOTS_ENV, SNAPSHOTS_PLUGIN
from archive.site_messages import COOKIE, LANGUAGES, choose_language, safe_next, translator
from archive.vn_format import vn_date, vn_datetime, vn_number

LANG_ROUTE = "/-/lang"
_YEAR = 365 * 24 * 3600


@hookimpl
def prepare_connection(conn: Any) -> None:
    """``vn_number(n)`` in SQL too: the dashboard's metric cards print the query's value."""
    conn.create_function("vn_number", 1, vn_number, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    env.filters["vn_datetime"] = vn_datetime
    env.filters["vn_date"] = vn_date
    env.filters["vn_number"] = vn_number
    # Datasette renders its error pages (404, 500) without extra_template_vars: base.html
    # needs these defaults there (Vietnamese, links from the site root), or a 404 becomes a 500.
    env.globals.setdefault("lang", "vi")
    env.globals.setdefault("t", translator("vi"))
    env.globals.setdefault("search_q", "")
    env.globals.setdefault("site", _ErrorPageSite(datasette))


class _ErrorPageSite(dict):
    """``site`` for error pages, built on first use (databases are attached after startup)."""

    def __init__(self, datasette: Any) -> None:
        super().__init__()
        self._datasette = datasette

    def __getattr__(self, name: str) -> Any:
        if not self:
            urls = self._datasette.urls
            database = archive_database(self._datasette)
            self.update(
                title=self._datasette.metadata("title") or "Portal archive",
                home=urls.instance(),
                search=urls.path("/-/search"),
                changes=urls.path("/-/changes"),
                snapshots=urls.path("/-/snapshots") if has_snapshots(self._datasette) else None,
                stats=urls.path("/-/dashboards/archive"),
                lookup=urls.path("/-/web"),
                advanced=urls.database(database.name) if database else urls.instance(),
                switch=urls.path(LANG_ROUTE) + "?" + urlencode({"to": "en", "next": "/"}),
                license_url=self._datasette.metadata("license_url"),
            )
        return self.get(name)


def archive_database(datasette: Any) -> Any | None:
    """The archive database (the first one served that is not Datasette's own)."""
    for name, database in datasette.databases.items():
        if not name.startswith("_"):
            return database
    return None


def has_snapshots(datasette: Any) -> bool:
    """Whether the snapshots page has a directory to list (plugins/archive_snapshots.py)."""
    config = datasette.plugin_config(SNAPSHOTS_PLUGIN) or {}
    return bool(config.get("directory") or os.environ.get(SNAPSHOTS_ENV))


def request_language(request: Any) -> str:
    if request is None:
        return "vi"
    return choose_language(request.args, request.cookies)


def _without_lang(request: Any) -> str:
    """The current path and query, minus any ``lang=`` (the cookie decides after a switch)."""
    pairs = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True)]
    query = urlencode([(k, v) for k, v in pairs if k != "lang"])
    return request.path + (f"?{query}" if query else "")


@hookimpl
def extra_template_vars(request: Any, datasette: Any) -> dict[str, Any]:
    lang = request_language(request)
    urls = datasette.urls
    database = archive_database(datasette)
    other = "vi" if lang == "en" else "en"
    here = _without_lang(request) if request is not None else "/"
    site = {
        "title": datasette.metadata("title") or "Portal archive",
        "home": urls.instance(),
        "search": urls.path("/-/search"),
        "changes": urls.path("/-/changes"),
        "snapshots": urls.path("/-/snapshots") if has_snapshots(datasette) else None,
        "stats": urls.path("/-/dashboards/archive"),
        "lookup": urls.path("/-/web"),
        "advanced": urls.database(database.name) if database is not None else urls.instance(),
        "switch": urls.path(LANG_ROUTE) + "?" + urlencode({"to": other, "next": here}),
        "license_url": datasette.metadata("license_url"),
    }
    search_q = request.args.get("q", "") if request is not None else ""
    return {"lang": lang, "t": translator(lang), "site": site, "search_q": search_q}


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(rf"^{LANG_ROUTE}$", switch_language)]


async def switch_language(request: Any) -> Response:
    """Remember the chosen language in a cookie, then go back to the page it was chosen on."""
    to = request.args.get("to")
    response = Response.redirect(safe_next(request.args.get("next")))
    if to in LANGUAGES:
        response.set_cookie(COOKIE, to, max_age=_YEAR, path="/", samesite="lax")
    response.headers["cache-control"] = "no-store"
    return response
