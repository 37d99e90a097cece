"""Datasette plugin: Vietnamese search on the archive (rules in :mod:`archive.vn_search`).

- ``prepare_connection`` registers the ``vn_*`` SQL functions on every connection (the
  ``search`` canned query calls them, and the index triggers need them to write ``articles``)
  and replaces Datasette's ``escape_fts`` SQL function with :func:`archive.vn_search.fts_query`.
  The table page's search box runs ``... MATCH escape_fts(:search)``; with the replacement it
  splits the input exactly as before (quoted phrases kept, every other word quoted) and then
  adds the other spellings of each phrase, so the built-in search box, the JSON API
  (``?_search=``) and the ``search`` query give the same results, while the box still shows
  what the user typed. ``trylast`` makes this run after Datasette's own registration.
- ``asgi_wrapper`` cleans the query string before Datasette reads it: ``_search``,
  ``_search_<column>`` and ``q`` are NFC-normalised (some Vietnamese input methods send NFD)
  and lose control characters and lone surrogates; a ``_search`` with no word in it is
  dropped (FTS5 fails on an empty MATCH; the page then lists every article);
  ``_searchmode=raw``, ``_fts_table`` and ``_fts_pk`` are dropped, because raw FTS5 syntax
  fails on ordinary input like ``COVID-19``. Nothing is rejected. It also keeps the page's
  ``_search`` text in a context variable for ``render_cell``: Datasette 0.65.5 does not pass
  the request to that hook.
- ``render_cell`` marks the matches: on the ``articles`` table page during a search, the
  title is highlighted and ``body_text`` is replaced by a snippet around the matches; in
  query results, any text with the private-use markers (the ``snippet`` column of the
  ``search`` query) is shown with ``<mark>``. The text is escaped first and the markers
  substituted afterwards, so nothing from an article is ever rendered as HTML.
- ``register_output_renderer`` (``trylast``, so it replaces datasette-atom's ``.atom``):
  datasette-atom 0.9 fails with a 500 on a query with no rows (``max()`` of an empty
  sequence); this wrapper answers an empty but valid feed then, and delegates otherwise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import datasette_atom
from datasette import hookimpl
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

from archive import vn_search

SEARCH_TABLE = "articles"
DROPPED_PARAMS = frozenset({"_fts_table", "_fts_pk"})
_current_search: ContextVar[str | None] = ContextVar("archive_search_text", default=None)

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]


def clean_query_string(query_string: bytes) -> tuple[bytes, str | None]:
    """The query string as Datasette should see it, and the page's ``_search`` text.

    Parsed exactly as Datasette parses it (latin-1, then UTF-8 with replacement); rebuilt
    only when something changed, so other parameters keep their bytes.
    """
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    cleaned: list[tuple[str, str]] = []
    search = None
    for key, value in pairs:
        if key in DROPPED_PARAMS or (key == "_searchmode" and value != "escaped"):
            continue
        if key == "q" or key == "_search" or key.startswith("_search_"):
            value = vn_search.clean_query(value)
            if key != "q" and vn_search.is_empty_query(value):
                continue
            if key == "_search":
                search = value
        cleaned.append((key, value))
    if cleaned == pairs:
        return query_string, search
    return urlencode(cleaned).encode("ascii"), search


@hookimpl(trylast=True)  # after Datasette's own, whose escape_fts this replaces
def prepare_connection(conn: Any) -> None:
    vn_search.register(conn)
    conn.create_function("escape_fts", 1, vn_search.fts_query, deterministic=True)


#: The search results page (plugins/archive_search_page.py).
SEARCH_PAGE = "/-/search"
#: What the articles table's own search box submits (the form carries the current sort).
_SEARCH_BOX_PARAMS = frozenset({"_search", "_sort_desc"})


def search_page_redirect(path: str, query_string: bytes) -> str | None:
    """Where a plain search from the articles table's box should go, or None.

    A table page can only order rows by a column, so the box would list matches newest
    first; a reader typing words expects the best matches first, with snippets, a count,
    page links and facets. A search that is *only* the box (no filters, facets or a sort of
    the reader's own choosing) is sent to the search results page ``/-/search`` (plugin
    archive_search_page.py) with the same words. Anything more specific stays on the table
    page, and the JSON API is never redirected.
    """
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[1] != SEARCH_TABLE:
        return None
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    params = dict(pairs)
    if len(params) != len(pairs) or not set(params) <= _SEARCH_BOX_PARAMS:
        return None
    if not params.get("_search") or params.get("_sort_desc", "search_key") != "search_key":
        return None
    return SEARCH_PAGE + "?" + urlencode({"q": params["_search"]})


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def clean_search(scope: dict, receive: Callable, send: Callable) -> None:
            if scope.get("type") != "http" or not scope.get("query_string"):
                await app(scope, receive, send)
                return
            query_string, search = clean_query_string(scope["query_string"])
            target = search_page_redirect(scope.get("path", ""), query_string)
            if target is not None and scope.get("method") == "GET":
                target = datasette.urls.path(target)
                await send({"type": "http.response.start", "status": 302,
                            "headers": [(b"location", target.encode("ascii")),
                                        (b"content-length", b"0")]})  # fmt: skip
                await send({"type": "http.response.body", "body": b""})
                return
            token = _current_search.set(search)
            try:
                await app(dict(scope, query_string=query_string), receive, send)
            finally:
                _current_search.reset(token)

        return clean_search

    return wrap


def marked_html(text: str) -> Markup:
    """Escape ``text``, then turn the private-use markers into ``<mark>`` elements."""
    escaped = str(escape(text))
    return Markup(
        escaped.replace(vn_search.MARK_START, "<mark>").replace(vn_search.MARK_END, "</mark>")
    )


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    if not isinstance(value, str):
        return None
    if table is None:
        if column == "title" and _has(row, "id") and _has(row, "snippet"):
            # The search page: a result's title opens its article page in the archive.
            return Markup('<a href="{}">{}</a>').format(
                datasette.urls.row(database, SEARCH_TABLE, str(row["id"])), value
            )
        return marked_html(value) if vn_search.MARK_START in value else None
    search = _current_search.get()
    if table != SEARCH_TABLE or not search:
        return None
    if column == "title":
        return marked_html(vn_search.highlight(value, search))
    if column == "body_text":
        summary = _get(row, "summary")
        return marked_html(vn_search.article_snippet(None, summary, value, search))
    return None


def _has(row: Any, key: str) -> bool:
    try:
        return key in row.keys()  # noqa: SIM118 (sqlite3.Row: `in` tests values)
    except AttributeError:
        return False


def _get(row: Any, key: str) -> str | None:
    try:
        value = row[key]
    except (KeyError, IndexError):
        return None
    return value if isinstance(value, str) else None


@hookimpl(trylast=True)
def register_output_renderer(datasette: Any) -> dict:
    return {
        "extension": "atom",
        "render": render_atom,
        "can_render": datasette_atom.can_render_atom,
    }


def render_atom(
    datasette: Any,
    request: Any,
    sql: str,
    columns: list[str],
    rows: list,
    database: str,
    table: str | None,
    query_name: str | None,
    view_name: str,
    data: dict,
) -> Response:
    """datasette-atom's feed, or an empty valid feed when there are no rows."""
    if rows or not datasette_atom.REQUIRED_COLUMNS.issubset(columns):
        return datasette_atom.render_atom(
            datasette, request, sql, columns, rows, database, table, query_name, view_name, data
        )
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    feed.title(_feed_title(datasette, database, query_name) or sql)
    feed.updated(datetime.now(UTC))
    return Response(
        feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8", status=200
    )


def _feed_title(datasette: Any, database: str, query_name: str | None) -> str | None:
    if not query_name:
        return None
    queries = (datasette.metadata(database=database) or {}).get("queries") or {}
    query = queries.get(query_name)
    return query.get("title") if isinstance(query, dict) else None
