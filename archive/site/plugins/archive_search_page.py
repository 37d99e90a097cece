"""Datasette plugin: the search results page ``/-/search`` (and ``.json``, ``.csv``, ``.atom``).

A page of our own rather than the canned ``search`` query's form (issue 13): the query in the
title, the exact count, page links, sort by relevance or date, facets and a date range as
links that keep the query, honest answers (a query without a word, no results, bad paging)
as Vietnamese pages with the right status. :mod:`archive.search_page` validates the request,
:mod:`archive.search_run` searches (one worker-thread call per request, under the site's SQL
time limit); this module formats the outcome and renders ``search_results.html`` /
``search_error.html``. The canned ``search``
query stays for old links and is linked as "SQL cho người dùng nâng cao".
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

from archive import permalinks, search_page, search_run, search_text, vn_search
from archive.search_cache import AttributeCache, Attributes, Stale
from archive.search_page import PAGE_SIZE, Outcome, SearchInputError, SearchParams
from archive.site_messages import choose_language
from archive.vn_format import vn_datetime

PATH = "/-/search"
#: Every article's facet values, per database file (archive/search_cache.py: why, and how it
#: is invalidated when the crawler writes).
ATTRIBUTES = AttributeCache()
VIETNAM = timezone(timedelta(hours=7))
FORMATS = ("", "json", "csv", "atom")
CSV_COLUMNS = (
    "title",
    "published_at",
    "portal",
    "section",
    "url",
    "archive_url",
    "snippet",
    "removed_at",
    "changed",
    "has_attachments",
    "first_seen_at",
)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/search(?:\.(?P<format>[^/]*))?$", search_view)]


@hookimpl
def startup(datasette: Any) -> None:
    """Read the facet table while the site starts rather than during the first search (~1 s
    at 200 000 articles): in a thread of its own with its own connection, since Datasette
    runs this hook in an event loop it closes; a search meanwhile waits for it."""
    database = _database(datasette)
    db = datasette.get_database(database) if database else None
    if db is None or db.path is None:
        return
    path, mutable = str(db.path), db.is_mutable

    def warm() -> None:
        mode = "mode=ro" if mutable else "immutable=1"
        with contextlib.suppress(sqlite3.Error):  # not an archive: searches will say so
            conn = sqlite3.connect(f"file:{path}?{mode}", uri=True)
            try:
                ATTRIBUTES.get(conn, path, mutable)
            finally:
                conn.close()

    threading.Thread(target=warm, name="search-facets-warm", daemon=True).start()


# -- the request -------------------------------------------------------------------------------


async def search_view(datasette: Any, request: Any) -> Response:
    fmt = request.url_vars.get("format") or ""
    lang = _lang(request)
    st = search_text.translator(lang)
    if fmt not in FORMATS:
        return await _error(datasette, request, "", st("err_format", fmt=fmt[:20]), 404)
    database = _database(datasette)
    if database is None:
        return await _error(datasette, request, fmt, st("err_no_archive"), 404)
    try:
        params = search_page.parse_params(request.args)
    except SearchInputError as error:
        message = error.text(lang)
        kept = search_page.parse_kept(dict(request.args))
        return await _error(datasette, request, fmt, message, error.status, kept, retry=True)
    if fmt == "atom":
        params = SearchParams(**{**params.__dict__, "sort": "date"})
    if not params.q:
        if fmt:
            return await _error(datasette, request, fmt, st("err_no_q"), 400)
        return await _page(datasette, request, Outcome(params, database), status=200)
    if not params.phrases():
        message = st("err_no_word", q=params.q)
        return await _error(datasette, request, fmt, message, 400, params=params)
    try:
        outcome = await _search(datasette, database, params)
    except QueryInterrupted:
        return await _error(datasette, request, fmt, st("err_timeout"), 503, params=params)
    except sqlite3.Error:
        return await _error(datasette, request, fmt, st("err_database"), 500, params=params)
    if params.page > outcome.pages:
        number = search_text.number
        message = st(
            "err_past_last", page=number(params.page, lang), pages=number(outcome.pages, lang)
        )
        return await _error(
            datasette, request, fmt, message, 404, params=params, last_page=outcome.pages
        )
    if fmt == "json":
        return _json_response(_json(datasette, request, outcome), 200)
    if fmt == "csv":
        return _csv(datasette, request, outcome)
    if fmt == "atom":
        return _atom(datasette, request, outcome)
    return await _page(datasette, request, outcome, status=200)


def _lang(request: Any) -> str:
    """The reader's language: ``?lang=``, the switch's cookie, else Vietnamese."""
    return choose_language(request.args, request.cookies)


def _database(datasette: Any) -> str | None:
    return next((name for name in datasette.databases if not name.startswith("_")), None)


async def _search(datasette: Any, database: str, params: SearchParams) -> Outcome:
    """Run the facets, count and page queries in one worker-thread call."""
    limit_ms = int(datasette.setting("sql_time_limit_ms"))

    db = datasette.get_database(database)

    def run(conn: sqlite3.Connection) -> Outcome:
        started = time.perf_counter()
        # Outside the time limit: the table's cost depends on the archive, not the query.
        attributes = ATTRIBUTES.get(conn, str(db.path), db.is_mutable)
        conn.execute(CACHE_PRAGMA)
        side = _side(str(db.path), db.is_mutable, limit_ms) if db.path and _idle_core() else None
        try:
            with sqlite_timelimit(conn, limit_ms):
                outcome = _run_fresh(conn, database, params, attributes, str(db.path), db, side)
        except sqlite3.OperationalError as error:
            # The time limit interrupts whatever runs: "interrupted", or, on a connection's
            # first search, "vtable constructor failed".
            if (time.perf_counter() - started) * 1000 >= limit_ms:
                raise QueryInterrupted(error, "", {}) from error
            raise
        outcome.ms = (time.perf_counter() - started) * 1000
        return outcome

    return await db.execute_fn(run)


#: The search's connections keep 32 MiB of the archive's pages (SQLite's default: 2 MiB): a
#: search reads the same index pages more than once (listing, ranking, count) and common
#: words' pages recur from search to search; read again from the file, each page is a
#: system call (bench archive, slow query kinds: 6.7 -> 3.6 ms system CPU a search, wall
#: 56.1 -> 54.2 ms). At most one such cache per Datasette SQL thread and side thread.
CACHE_PRAGMA = "PRAGMA cache_size = -32768"
#: A search's second index pass runs here, beside the first (search_run.run's ``side``): the
#: count beside the page, or the older half of a listing beside the newer one. One thread
#: per Datasette SQL thread (3), each with its own read-only connection per archive file.
SIDE_THREADS = ThreadPoolExecutor(max_workers=3, thread_name_prefix="search-side")
_SIDE_CONNECTIONS = threading.local()


def _idle_core() -> bool:
    """Whether the side thread is likely to find a core: the 1-minute load average (the
    search's own thread included) under the number of cores. On a saturated machine the side
    thread waits for a core, and its handoffs add to a search's time instead (measured:
    docs/search.md; at load 1.6 on 2 cores it still saved 17 % of a ranked phrase's time)."""
    try:
        return os.getloadavg()[0] < (os.cpu_count() or 1)
    except (OSError, AttributeError):  # no load average on this system
        return True


def _side(path: str, mutable: bool, limit_ms: int) -> search_run.Side:
    """Runs a function on a side thread's connection to ``path``, under the time limit."""

    def task(fn: Any) -> Any:
        connections = getattr(_SIDE_CONNECTIONS, "by_path", None)
        if connections is None:
            connections = _SIDE_CONNECTIONS.by_path = {}
        conn = connections.get((path, mutable))
        if conn is None:
            if len(connections) >= 4:  # tests open many archives: keep a few
                for old in connections.values():
                    old.close()
                connections.clear()
            mode = "mode=ro" if mutable else "immutable=1"
            conn = sqlite3.connect(f"file:{path}?{mode}", uri=True, check_same_thread=False)
            conn.execute(CACHE_PRAGMA)
            connections[(path, mutable)] = conn
        with sqlite_timelimit(conn, limit_ms):
            return fn(conn)

    return lambda fn: SIDE_THREADS.submit(task, fn)


STALE_RETRIES = 3


def _run_fresh(
    conn: sqlite3.Connection,
    database: str,
    params: SearchParams,
    attributes: Attributes,
    path: str,
    db: Any,
    side: search_run.Side | None = None,
) -> Outcome:
    """:func:`_run`, reloading the facet table when the archive changed between the check
    and the search (a crawl writing meanwhile); an archive that keeps changing faster than
    the table loads gives up as a read error (a Vietnamese 500, never a traceback)."""
    search = functools.partial(_run, side=side) if side else _run
    for _ in range(STALE_RETRIES):
        try:
            return search(conn, database, params, attributes)
        except Stale:
            attributes = ATTRIBUTES.get(conn, path, db.is_mutable, reload=True)
    raise sqlite3.OperationalError("the archive changed during each of the search's attempts")


def _run(
    conn: sqlite3.Connection,
    database: str,
    params: SearchParams,
    attributes: Attributes,
    side: search_run.Side | None = None,
) -> Outcome:
    """Count, facets and page from one index pass (:mod:`archive.search_run`)."""
    outcome = Outcome(params, database)
    outcome.portals = dict(conn.execute("SELECT slug, coalesce(name, slug) FROM portals"))
    result = search_run.run(conn, attributes, params, side=side)
    outcome.total, outcome.facets = result.total, result.facets
    outcome.pages = search_page.page_count(outcome.total)
    outcome.rows = result.rows
    if not outcome.total:
        outcome.alternatives = _alternatives(conn, params, attributes)
    return outcome


def _alternatives(
    conn: sqlite3.Connection, params: SearchParams, attributes: Attributes
) -> list[dict]:
    """Nearby searches for a query without results, each with its exact count (those that
    find nothing too: the page offers only the others, and says so when none finds any)."""
    out = []
    plain = search_page.without_tone_marks(params.q)
    if plain != params.q:
        out.append(
            ("alt_no_tone_marks", SearchParams(**{**params.__dict__, "q": plain, "page": 1}))
        )
    unquoted = search_page.without_quotes(params.q)
    if unquoted != params.q and vn_search.query_phrases(unquoted):
        out.append(("alt_no_quotes", SearchParams(**{**params.__dict__, "q": unquoted, "page": 1})))
    if params.filtered():
        out.append(("alt_unfiltered", SearchParams(q=params.q, sort=params.sort)))
    found = []
    for key, alternative in out:  # key: a search_text message, the label in the reader's language
        count = search_run.count(conn, attributes, alternative)
        found.append({"key": key, "q": alternative.q, "count": count, "args": alternative.args()})
    return found


# -- rows and links ----------------------------------------------------------------------------


def _url(datasette: Any, args: dict[str, str], fmt: str = "") -> str:
    return str(datasette.urls.path(PATH + (f".{fmt}" if fmt else ""))) + "?" + urlencode(args)


def _rows(
    datasette: Any, request: Any, outcome: Outcome, html: bool = True
) -> list[dict[str, Any]]:
    """The page's rows for display; the site's origin is worked out once, not per row
    (Datasette's ``absolute_url`` costs ~0.2 ms a call). ``html``: with the highlighted
    title (``title_html``, None otherwise: only the HTML page shows it)."""
    origin = datasette.absolute_url(request, "/").rstrip("/")
    return [_row(datasette, origin, outcome, row, html) for row in outcome.rows]


def _row(
    datasette: Any, origin: str, outcome: Outcome, row: dict[str, Any], html: bool = True
) -> dict[str, Any]:
    q = outcome.params.q
    marked = vn_search.article_snippet(row["title"], row["summary"], row["body_text"], q)
    # survives snapshots; a plain str (Datasette's prefixed string is slow to work with)
    archive_path = str(datasette.urls.path(permalinks.permalink(row["url"])))
    return {
        "id": row["id"],
        "title": row["title"] or row["url"],
        "title_html": _marked_html(vn_search.highlight(row["title"] or row["url"], q))
        if html
        else None,
        "url": row["url"],
        "archive_url": origin + archive_path,
        "archive_path": archive_path,
        "portal": row["portal"],
        "portal_name": outcome.portals.get(row["portal"], row["portal"]),
        "section": row["section"],
        "published_at": row["published_at"],
        "published_shown": vn_datetime(row["published_at"]) if row["published_at"] else "",
        "first_seen_at": row["first_seen_at"],
        "first_seen_shown": vn_datetime(row["first_seen_at"]),
        "removed_at": row["removed_at"],
        "removed_shown": vn_datetime(row["removed_at"]) if row["removed_at"] else "",
        "changed": bool(row["changed"]),
        "has_attachments": bool(row["has_files"]),
        "author": row["author"],
        "snippet": _plain(marked),
        "snippet_html": _marked_html(marked),
    }


def _plain(text: str) -> str:
    """A snippet without our private-use markers (CSV, JSON's plain field, Atom)."""
    return text.replace(vn_search.MARK_START, "").replace(vn_search.MARK_END, "")


def _marked_html(text: str) -> Markup:
    escaped = str(escape(text))
    return Markup(
        escaped.replace(vn_search.MARK_START, "<mark>").replace(vn_search.MARK_END, "</mark>")
    )


def _facet_lists(datasette: Any, outcome: Outcome, lang: str = "vi") -> list[dict[str, Any]]:
    """Each facet as a list of links that keep the query and the other filters."""
    facets, params = outcome.facets, outcome.params
    if facets is None:
        return []
    base = {"page": 1}
    st = search_text.translator(lang)

    def item(label: str, count: int, selected: bool, **change: Any) -> dict[str, Any]:
        undo = {name: None for name in change} | ({"month": None} if "year" in change else {})
        target = params.args(**base, **(undo if selected else change))
        (value,) = change.values()
        return {
            "label": label,
            "value": value,
            "count": count,
            "count_shown": search_text.number(count, lang),
            "selected": selected,
            "url": _url(datasette, target),
            "args": target,
        }

    def flag(name: str, yes: str, no: str) -> list[dict]:
        counts = getattr(facets, name)
        return [
            item(
                st(yes if value else no),
                counts[value],
                getattr(params, name) == value,
                **{name: value},
            )
            for value in (True, False)
            if counts.get(value)
        ]

    lists = [
        (
            "portal",
            st("facet_portal"),
            [
                item(outcome.portals.get(k, k), n, params.portal == k, portal=k)
                for k, n in _ranked(facets.portal)
            ],
        ),
        (
            "section",
            st("facet_section"),
            [item(k, n, params.section == k, section=k) for k, n in _ranked(facets.section)],
        ),
        (
            "year",
            st("facet_year"),
            [
                item(str(k), n, params.year == k, year=k)
                for k, n in sorted(facets.year.items(), reverse=True)
            ],
        ),
    ]
    if params.year is not None:
        months = [
            (int(k[5:]), n)
            for k, n in sorted(facets.month.items(), reverse=True)
            if k.startswith(f"{params.year:04d}-")
        ]
        lists.append(
            (
                "month",
                st("facet_month", year=params.year),
                [
                    item(_month(st, m, params.year), n, params.month == m, month=m)
                    for m, n in months
                ],
            )
        )
    lists += [
        (
            "attachments",
            st("facet_attachments"),
            flag("attachments", "with_files", "without_files"),
        ),
        ("changed", st("facet_changed"), flag("changed", "changed_yes", "changed_no")),
        ("removed", st("facet_removed"), flag("removed", "removed_yes", "removed_no")),
    ]
    return [{"name": name, "title": title, "items": items} for name, title, items in lists if items]


def _month(st: Any, month: int, year: int, key: str = "month") -> str:
    return st(key, month=month, year=year, month_name=search_text.month_name(month))


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _page_links(datasette: Any, outcome: Outcome, lang: str = "vi") -> list[dict[str, Any]]:
    """1 2 3 … around the current page … last; ``None`` labels are gaps."""
    current, last = outcome.params.page, outcome.pages
    shown = sorted(
        {1, 2, last - 1, last, *range(current - 2, current + 3)} & set(range(1, last + 1))
    )
    links, previous = [], 0
    for number in shown:
        if number - previous > 1:
            links.append({"gap": True})
        links.append(
            {
                "number": number,
                "label": search_text.number(number, lang),
                "current": number == current,
                "url": _url(datasette, outcome.params.args(page=number)),
            }
        )
        previous = number
    return links


def _active_filters(datasette: Any, outcome: Outcome, lang: str = "vi") -> list[dict[str, str]]:
    """The filters in force, each with a link that removes it."""
    params, out = outcome.params, []
    st = search_text.translator(lang)
    portal = params.portal and outcome.portals.get(params.portal, params.portal)
    labels = {
        "portal": portal and st("filter_portal", name=portal),
        "section": params.section and st("filter_section", name=params.section),
        "year": params.year
        and (
            _month(st, params.month, params.year, "filter_month")
            if params.month
            else st("filter_year", year=params.year)
        ),
        "attachments": _flag_label(st, params.attachments, "with_files", "without_files"),
        "changed": _flag_label(st, params.changed, "filter_changed", "changed_no"),
        "removed": _flag_label(st, params.removed, "filter_removed", "removed_no"),
        "date_from": params.date_from and st("filter_from", date=f"{params.date_from:%d/%m/%Y}"),
        "date_to": params.date_to and st("filter_to", date=f"{params.date_to:%d/%m/%Y}"),
    }
    for name, label in labels.items():
        if label:
            undo = {name: None} | ({"month": None} if name == "year" else {})
            out.append({"label": label, "url": _url(datasette, params.args(page=1, **undo))})
    return out


def _flag_label(st: Any, value: bool | None, yes: str, no: str) -> str | None:
    return None if value is None else st(yes) if value else st(no)


def _order_note(outcome: Outcome, lang: str = "vi") -> str | None:
    """Says where relevance ranking stops (it ranks the newest RELEVANCE_CANDIDATES only)."""
    params, limit = outcome.params, search_page.RELEVANCE_CANDIDATES
    if params.sort != "relevance" or outcome.total <= limit:
        return None
    first_date_page = limit // PAGE_SIZE + 1
    shown = search_text.number(limit, lang)
    if search_page.relevance_covers(params.page):
        return search_text.text("order_ranked", lang, limit=shown, page=first_date_page)
    return search_text.text("order_by_date", lang, limit=shown, last=first_date_page - 1)


# -- formats -----------------------------------------------------------------------------------


def _json(datasette: Any, request: Any, outcome: Outcome) -> dict[str, Any]:
    params, facets = outcome.params, outcome.facets
    lang = _lang(request)
    rows = _rows(datasette, request, outcome, html=False)
    for row in rows:
        row["snippet_html"] = str(row.pop("snippet_html"))
        row.pop("title_html")
        row.pop("archive_path")
        for name in ("published_shown", "first_seen_shown", "removed_shown"):
            row.pop(name)
    page = params.page
    return {
        "ok": True,
        "q": params.q,
        "phrases": params.phrases(),
        "sort": params.sort,
        "count": outcome.total,
        "page": page,
        "pages": outcome.pages,
        "page_size": PAGE_SIZE,
        "order": "relevance"
        if params.sort == "relevance" and search_page.relevance_covers(page)
        else "date",
        "order_note": _order_note(outcome, lang),
        "filters": {k: v for k, v in params.args().items() if k not in ("q", "sort", "page")},
        "facets": {
            "counted": facets.counted if facets else 0,
            "capped": bool(facets and facets.capped),
            "cap": search_page.FACET_CAP,
            **{
                f["name"]: [
                    {
                        "value": i["value"],
                        "label": i["label"],
                        "count": i["count"],
                        "selected": i["selected"],
                        "url": _url(datasette, i["args"], "json"),
                    }
                    for i in f["items"]
                ]
                for f in _facet_lists(datasette, outcome, lang)
            },
        },
        "alternatives": _alternative_views(outcome, lang),
        "alternatives_note": _alternatives_note(outcome, lang),
        "next_url": _url(datasette, params.args(page=page + 1), "json")
        if page < outcome.pages
        else None,
        "previous_url": _url(datasette, params.args(page=page - 1), "json") if page > 1 else None,
        "rows": rows,
        "query_ms": round(outcome.ms, 1),
    }


def _alternative_views(outcome: Outcome, lang: str) -> list[dict[str, Any]]:
    """The nearby searches that find something, with their labels in the reader's language."""
    return [
        {"label": search_text.text(a["key"], lang), **{k: v for k, v in a.items() if k != "key"}}
        for a in outcome.alternatives
        if a["count"]
    ]


def _alternatives_note(outcome: Outcome, lang: str) -> str | None:
    """Says plainly that the nearby searches were tried and find nothing either."""
    if not outcome.alternatives or any(a["count"] for a in outcome.alternatives):
        return None
    st = search_text.translator(lang)
    *rest, last = [st(a["key"] + "_tried") for a in outcome.alternatives]
    return st("alt_none", tried=", ".join(rest) + st("alt_or") + last if rest else last)


def _json_response(data: dict[str, Any], status: int) -> Response:
    """JSON with Vietnamese as UTF-8 text, not ``\\u`` escapes."""
    body = json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, content_type="application/json; charset=utf-8")


def _csv(datasette: Any, request: Any, outcome: Outcome) -> Response:
    """UTF-8 with a BOM (Excel reads Vietnamese right only then), RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(datasette, request, outcome, html=False):
        writer.writerow(
            [
                ("1" if row[c] else "0") if isinstance(row[c], bool) else (row[c] or "")
                for c in CSV_COLUMNS
            ]
        )
    name = search_text.text("csv_name", _lang(request), page=outcome.params.page)
    return Response(
        "\ufeff" + buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _atom(datasette: Any, request: Any, outcome: Outcome) -> Response:
    """Newest first (the date order), the query in the feed's title."""
    feed = FeedGenerator()
    self_url = datasette.absolute_url(request, _url(datasette, outcome.params.args(), "atom"))
    feed.id(self_url)
    feed.link(href=self_url, rel="self")
    feed.link(
        href=datasette.absolute_url(request, _url(datasette, outcome.params.args())),
        rel="alternate",
    )
    lang = _lang(request)
    st = search_text.translator(lang)
    feed.title(st("feed_title", q=outcome.params.q, site=st("site_name")))
    feed.language(lang)
    entries = []
    for row in _rows(datasette, request, outcome, html=False):
        entries.append((_entry_time(row), row))
    entries.sort(key=lambda pair: pair[0], reverse=True)
    feed.updated(entries[0][0] if entries else datetime.now(UTC))
    for updated, row in reversed(entries):  # feedgen prepends: add oldest first
        entry = feed.add_entry()
        entry.id(row["archive_url"])
        entry.title(row["title"])
        entry.link(href=row["archive_url"])
        entry.updated(updated)
        entry.summary(row["snippet"])
    return Response(feed.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")


def _entry_time(row: dict[str, Any]) -> datetime:
    """The publication time (a portal's time without a zone, or a date alone, is Vietnam
    time, as the portals write it); when there is none, when the archive first saw it."""
    for value in (row["published_at"], row["first_seen_at"]):
        try:
            parsed = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
        except ValueError:
            continue
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=VIETNAM)
    return datetime(1970, 1, 1, tzinfo=UTC)


# -- HTML --------------------------------------------------------------------------------------


async def _page(datasette: Any, request: Any, outcome: Outcome, status: int) -> Response:
    params = outcome.params
    facets = outcome.facets
    lang = _lang(request)
    number = search_text.number
    context = {
        "st": search_text.translator(lang),
        "params": params,
        "q": params.q,
        "total": outcome.total,
        "total_shown": number(outcome.total, lang),
        "pages": outcome.pages,
        "pages_shown": number(outcome.pages, lang),
        # Attributes rather than keys: Jinja looks ``r.title`` up as an attribute first, and
        # on a dict fails before it tries the key (2.0 -> 1.5 ms a 50-row page's render).
        "rows": [SimpleNamespace(**row) for row in _rows(datasette, request, outcome)],
        "facets": [
            {**facet, "items": [SimpleNamespace(**item) for item in facet["items"]]}
            for facet in _facet_lists(datasette, outcome, lang)
        ],
        "facets_capped": bool(facets and facets.capped),
        "facets_counted": number(facets.counted, lang) if facets else "0",
        "page_links": _page_links(datasette, outcome, lang) if outcome.total else [],
        "previous_url": _url(datasette, params.args(page=params.page - 1))
        if params.page > 1
        else None,
        "next_url": _url(datasette, params.args(page=params.page + 1))
        if params.page < outcome.pages
        else None,
        "active_filters": _active_filters(datasette, outcome, lang),
        "order_note": _order_note(outcome, lang) if outcome.total else None,
        "alternatives": [
            {**a, "count_shown": number(a["count"], lang), "url": _url(datasette, a["args"])}
            for a in _alternative_views(outcome, lang)
        ],
        "alternatives_note": _alternatives_note(outcome, lang),
        "sort_urls": {s: _url(datasette, params.args(sort=s, page=1)) for s in search_page.SORTS},
        "json_url": _url(datasette, params.args(), "json"),
        "csv_url": _url(datasette, params.args(), "csv"),
        "atom_url": _url(datasette, params.args(sort="relevance", page=1), "atom"),
        "sql_url": datasette.urls.database(outcome.database)
        + "/search"
        + "?"
        + urlencode(
            {
                "q": params.q,
                "sort": params.sort,
                "portal": params.portal or "",
                "page": str(params.page),
            }
        ),
        "hidden_args": {
            k: v for k, v in params.args().items() if k not in ("q", "sort", "page", "from", "to")
        },
        "first_row": (params.page - 1) * PAGE_SIZE + 1,
        "first_shown": number((params.page - 1) * PAGE_SIZE + 1, lang),
        "last_shown": number(min(params.page * PAGE_SIZE, outcome.total), lang),
        "ms": round(outcome.ms),
    }
    html = await datasette.render_template("search_results.html", context, request=request)
    return Response.html(html, status=status)


async def _error(
    datasette: Any,
    request: Any,
    fmt: str,
    message: str,
    status: int,
    params: SearchParams | None = None,
    last_page: int | None = None,
    retry: bool = False,
) -> Response:
    """The same error in the asked format: JSON, plain text (CSV), or a Vietnamese page.

    ``params``: what the page keeps (the query in the box, the other filters as hidden fields);
    ``retry``: they are the request minus the arguments at fault, offered as a link."""
    if fmt == "json":
        return _json_response({"ok": False, "error": message, "status": status}, status)
    if fmt in ("csv", "atom"):
        return Response.text(message, status=status)
    last_url = _url(datasette, params.args(page=last_page)) if params and last_page else None
    kept = params.args() if params else {}
    retry_url = _url(datasette, kept) if retry and params and params.phrases() else None
    html = await datasette.render_template(
        "search_error.html",
        {
            "st": search_text.translator(_lang(request)),
            "message": message,
            "status": status,
            "q": params.q if params else "",
            "last_page_url": last_url,
            "last_page": last_page,
            "retry_url": retry_url,
            "hidden_args": {k: v for k, v in kept.items() if k not in ("q", "page")},
        },
        request=request,
    )
    return Response.html(html, status=status)
