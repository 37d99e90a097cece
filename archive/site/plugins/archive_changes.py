"""Datasette plugin: versions as readers see them, and hidden articles kept off the site.

Routes (issue 13, items 6 and 9):

- ``/-/changes`` ("Đã sửa / Đã gỡ"): what was edited, removed or restored in one week
  (``?week=2026-W50``, default this week, Vietnam time; links to the weeks before and after
  that have changes), overall or per portal (``?portal=slug``);
- ``/-/changes.atom`` (``?portal=slug``): the latest edits and removals as an Atom feed,
  newest first, titles in Vietnamese;
- ``/-/changes/diff?url=<original URL>&a=N&b=M``: an inline word diff between any two
  readable versions of an article (title, summary, body, metadata), with a version picker and
  links to each version as it was (the dated permalinks ``/-/web/<timestamp>/<url>``).

What counts as a change is :mod:`archive.changes`: extractor versions and re-extractions
are not edits. Hidden articles (:mod:`archive.hide`) are left out of all three, and an ASGI
wrapper answers their article page (``/<db>/articles/<id>``, any format) and permalinks
(``/-/web/…``) with 410 and a neutral notice, before Datasette or another plugin renders
anything of them.
"""

import re
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator

from archive import article_page, changes, hide, permalinks
from archive.changes_text import translator
from archive.site_messages import choose_language
from archive.vn_format import vn_datetime

PAGE = "/-/changes"
FEED = "/-/changes.atom"
DIFF = "/-/changes/diff"
WEB = "/-/web/"
_ARTICLE_ROW = re.compile(r"^/(?P<db>[^/]+)/articles/(?P<id>\d{1,18})(?P<ext>\.\w+)?$")  # int64
_VERSION_COLUMNS = (
    "id, version, fetched_at, change_kind, tombstone, removal_reason, extraction_failed, "
    "extractor_version, reextract_run, capture, title, summary, body_text, author, "
    "published_at, updated_at, source, images, attachments"
)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (rf"^{PAGE}$", changes_page),
        (rf"^{re.escape(FEED)}$", changes_feed),
        (rf"^{DIFF}$", diff_page),
    ]


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def hidden_guard(scope: dict, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
                response = await hidden_response(datasette, scope)
                if response is not None:
                    await response.asgi_send(send)
                    return
            await app(scope, receive, send)

        return hidden_guard

    return wrap


async def archive_database(datasette: Any) -> Any | None:
    """The served archive: the first database, not Datasette's own, with article versions."""
    for name, database in datasette.databases.items():
        if name.startswith("_") or database.is_memory:
            continue
        if await database.table_exists("article_versions"):
            return database
    return None


def _lang(request: Any) -> str:
    return choose_language(request.args, request.cookies)


async def _has_hidden_table(db: Any) -> bool:
    return await db.table_exists("hidden_articles")


# --- hidden articles ------------------------------------------------------------------------


async def hidden_response(datasette: Any, scope: dict) -> Response | None:
    """410 for a hidden article's page or permalink; None for everything else (cheap: one
    indexed query, only on those two kinds of path)."""
    path = scope.get("path", "")
    match = _ARTICLE_ROW.match(path)
    if not match and not path.startswith(WEB):
        return None
    db = await archive_database(datasette)
    if db is None or not await _has_hidden_table(db):
        return None
    if match:
        if getattr(db, "route", db.name) != match.group("db"):
            return None
        where, params = "article_id = ?", [int(match.group("id"))]
        ext = match.group("ext")
    else:
        digests = [hide.url_digest(u) for u in _web_urls(path, scope)]
        if not digests:
            return None
        where = f"url_sha256 in ({', '.join('?' * len(digests))})"
        params, ext = digests, None
    rows = (
        await db.execute(
            f"select reason, hidden_at from hidden_articles where restored_at is null and {where}"
            " limit 1",
            params,
        )
    ).rows
    if not rows:
        return None
    reason, hidden_at = rows[0]
    query = scope.get("query_string", b"").decode("latin-1")
    lang = choose_language(dict(_pairs(query)), _cookies(scope))
    label = hide.reason_label(reason)[1 if lang == "en" else 0]
    notice = hide.NOTICE_EN if lang == "en" else hide.NOTICE
    if ext == ".json":
        return Response.json({"ok": False, "error": notice, "reason": label}, status=410)
    if ext:
        return Response.text(f"{notice} ({label})", status=410)
    html = await datasette.render_template(
        "changes_hidden.html",
        {
            "notice": notice,
            "reason": label,
            "hidden_at": vn_datetime(hidden_at),
            "ct": translator(lang),
        },
    )
    return Response.html(html, status=410)


def _web_urls(path: str, scope: dict) -> list[str]:
    """Archived URLs a ``/-/web/…`` request may name (every variant C's look-up accepts)."""
    rest = path[len(WEB) :]
    query = scope.get("query_string", b"").decode("latin-1")
    _, url = permalinks.split_request(rest, query)
    return permalinks.url_variants(url) or [url]


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def _cookies(scope: dict) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookie = SimpleCookie(value.decode("latin-1"))
            return {key: morsel.value for key, morsel in cookie.items()}
    return {}


# --- the changes page and its feed ----------------------------------------------------------


def _filters(portal: str, week: changes.Week | None) -> tuple[str, dict[str, str]]:
    where, params = "", {}
    if week is not None:
        where += " and v.fetched_at >= :start and v.fetched_at < :end"
        params.update(start=week.start_utc, end=week.end_utc)
    if portal:
        where += " and a.portal = :portal"
        params["portal"] = portal
    return where, params


async def _events(
    db: Any,
    *,
    portal: str,
    week: changes.Week | None,
    limit: int = changes.PAGE_SIZE,
    offset: int = 0,
) -> list[dict]:
    where, params = _filters(portal, week)
    hidden = await _has_hidden_table(db)
    sql = changes.events_sql(hidden_table=hidden, where=where, limit=limit, offset=offset)
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def _counts(db: Any, *, portal: str, week: changes.Week) -> dict[str, int]:
    where, params = _filters(portal, week)
    sql = changes.counts_sql(hidden_table=await _has_hidden_table(db), where=where)
    found = dict((await db.execute(sql, params)).rows)
    return {kind: found.get(kind, 0) for kind in changes.KINDS}


async def _neighbour(db: Any, *, portal: str, week: changes.Week, earlier: bool) -> str | None:
    """The key of the nearest week before (or after) ``week`` that has changes."""
    where = " and v.fetched_at < :at" if earlier else " and v.fetched_at >= :at"
    params: dict[str, str] = {"at": week.start_utc if earlier else week.end_utc}
    if portal:
        where += " and a.portal = :portal"
        params["portal"] = portal
    hidden = await _has_hidden_table(db)
    sql = changes.bound_sql(hidden_table=hidden, where=where, earliest=not earlier)
    moment = (await db.execute(sql, params)).rows[0][0]
    return changes.week_of(moment).key if moment else None


def _diff_path(datasette: Any, url: str, a: int | None = None, b: int | None = None) -> str:
    args: dict[str, Any] = {"url": url}
    if a is not None:
        args["a"] = a
    if b is not None:
        args["b"] = b
    return datasette.urls.path(DIFF) + "?" + urlencode(args)


def _event_view(datasette: Any, event: dict, lang: str) -> dict:
    """An event's words and links: a removal links to the article's permanent link (its
    tombstone and last copy), an edit or a restoration to its diff; every event carries the
    permanent link, keyed on the original URL, never the rowid (which a snapshot may change)."""
    kind = event["change_kind"]
    permalink = datasette.urls.path(permalinks.permalink(event["url"]))
    if kind == "removal":
        link = permalink
        reason = article_page.removal_reason(event["removal_reason"])[1 if lang == "en" else 0]
    else:
        link = _diff_path(datasette, event["url"], event["previous_version"], event["version"])
        reason = None
    return {
        **event,
        "kind_label": changes.kind_label(kind, lang),
        "when": vn_datetime(event["fetched_at"]),
        "link": link,
        "permalink": permalink,
        "reason": reason,
        "title": event["title"] or event["version_title"] or event["url"],
    }


async def changes_page(datasette: Any, request: Any) -> Response:
    lang = _lang(request)
    ct = translator(lang)
    db = await archive_database(datasette)
    if db is None:
        return await _error(datasette, request, ct("no_archive"), 404)
    week = changes.parse_week(request.args.get("week"), datetime.now(UTC))
    if week is None:
        return await _error(datasette, request, ct("bad_week"), 400)
    portal = _xml_text(request.args.get("portal", "")).strip()
    number = _int(request.args.get("page")) or 1
    counts = await _counts(db, portal=portal, week=week)
    pages = max(1, -(-sum(counts.values()) // changes.PAGE_SIZE))
    if not 1 <= number <= pages:
        return await _error(datasette, request, ct("bad_page").format(pages=pages), 400)
    offset = (number - 1) * changes.PAGE_SIZE
    events = [
        _event_view(datasette, e, lang)
        for e in await _events(db, portal=portal, week=week, offset=offset)
    ]
    portals = [
        dict(r) for r in (await db.execute("select slug, name from portals order by slug")).rows
    ]
    week_arg = request.args.get("week")

    def page_link(
        week_key: str | None = None, slug: str | None = portal, page: int | None = None
    ) -> str:
        args = {k: v for k, v in (("portal", slug), ("week", week_key), ("page", page)) if v}
        return datasette.urls.path(PAGE) + (f"?{urlencode(args)}" if args else "")

    earlier = await _neighbour(db, portal=portal, week=week, earlier=True)
    later = await _neighbour(db, portal=portal, week=week, earlier=False)
    feed = datasette.urls.path(FEED) + (f"?{urlencode({'portal': portal})}" if portal else "")
    html = await datasette.render_template(
        "changes_page.html",
        {
            "ct": ct,
            "events": events,
            "counts": counts,
            "week": week,
            "week_label": week.label(lang),
            "portal": portal,
            "portals": [{**p, "href": page_link(week_arg, p["slug"])} for p in portals],
            "all_portals_href": page_link(week_arg, None),
            "page": number,
            "pages": pages,
            "previous_page": page_link(week_arg, portal, number - 1) if number > 1 else None,
            "next_page": page_link(week_arg, portal, number + 1) if number < pages else None,
            "earlier": page_link(earlier) if earlier else None,
            "later": page_link(later) if later else None,
            "this_week": page_link(None),
            "feed": feed,
        },
        request=request,
    )
    return Response.html(html)


async def changes_feed(datasette: Any, request: Any) -> Response:
    db = await archive_database(datasette)
    if db is None:
        return Response.text("404: no archive", status=404)
    portal = _xml_text(request.args.get("portal", "")).strip()
    events = await _events(db, portal=portal, week=None, limit=changes.FEED_ENTRIES)
    texts = await _version_texts(db, events)
    names = dict((await db.execute("select slug, name from portals")).rows)
    where = f"cổng {names.get(portal) or portal}" if portal else "tất cả các cổng"
    page_args = f"?{urlencode({'portal': portal})}" if portal else ""
    page_url = datasette.absolute_url(request, datasette.urls.path(PAGE) + page_args)
    feed = FeedGenerator()
    feed.id(_xml_text(page_url))
    feed.title(_xml_text(f"Tin bài đã sửa / đã gỡ: {where}"))
    feed.subtitle("Lưu trữ cổng thông tin điện tử: các lần sửa, gỡ và đăng lại tin bài")
    feed.language("vi")
    feed.link(href=datasette.absolute_url(request, request.full_path), rel="self")
    feed.link(href=page_url, rel="alternate")
    feed.updated(_moment(events[0]["fetched_at"]) if events else datetime.now(UTC))
    for event in events:
        view = _event_view(datasette, event, "vi")
        entry = feed.add_entry(order="append")  # newest first, as selected
        entry.id(f"urn:portal-archive:change:{hide.url_digest(event['url'])}:{event['version']}")
        entry.title(_xml_text(f"{view['kind_label']}: {view['title']}"))
        # The article's permanent link; an edit's diff goes in the text (feedgen 1.0 drops a
        # second link's rel, so a feed reader could not tell the two apart).
        entry.link(href=datasette.absolute_url(request, view["permalink"]))
        diff = datasette.absolute_url(request, view["link"]) if _has_diff(event) else None
        entry.updated(_moment(event["fetched_at"]))
        entry.content(_xml_text(_entry_text(event, view, texts, diff)), type="text")
    body = feed.atom_str(pretty=True)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (archived text is hostile input:
    one control character would make the whole feed fail)."""
    return _NOT_XML.sub("", text)


def _moment(fetched_at: str) -> datetime:
    moment = datetime.fromisoformat(fetched_at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _has_diff(event: dict) -> bool:
    """An edit or a restoration: something to compare with the version before."""
    return event["change_kind"] != "removal"


def _entry_text(event: dict, view: dict, texts: dict, diff: str | None = None) -> str:
    head = f"{view['kind_label']} lúc {view['when']} (giờ Việt Nam), cổng {event['portal']}."
    if not _has_diff(event):
        return f"{head} Lý do: {view['reason']}. Địa chỉ gốc: {event['url']}"
    old = texts.get((event["article_id"], event["previous_version"]), {})
    new = texts.get((event["article_id"], event["version"]), {})
    compare = f"\n\nSo sánh hai phiên bản: {diff}" if diff else ""
    return f"{head}\n\n{changes.plain_diff(old, new)[:4000]}{compare}"


async def _version_texts(db: Any, events: list[dict]) -> dict[tuple[int, int], dict]:
    """Title and body of the versions the feed's edits compare, in one query."""
    keys = {
        (e["article_id"], v)
        for e in events
        if e["change_kind"] != "removal"
        for v in (e["version"], e["previous_version"])
        if v is not None
    }
    if not keys:
        return {}
    values = ", ".join("(?, ?)" for _ in keys)
    params = [x for key in keys for x in key]
    rows = await db.execute(
        "select article_id, version, title, body_text from article_versions "
        f"where (article_id, version) in (values {values})",
        params,
    )
    return {(r["article_id"], r["version"]): dict(r) for r in rows.rows}


# --- the diff page --------------------------------------------------------------------------


def _permalink(datasette: Any, url: str, stamp: str) -> str:
    """The article as it was at ``stamp``: C's dated permalink (archive/permalinks.py)."""
    return datasette.urls.path(permalinks.permalink(url, stamp))


async def _find_article(db: Any, url: str) -> dict | None:
    candidates = [url.strip()]
    candidates += [u for u in permalinks.url_variants(url) if u not in candidates]
    marks = ", ".join("?" * len(candidates))
    rows = (
        await db.execute(
            f"select id, url, title, portal from articles where url in ({marks}) limit 1",
            candidates,
        )
    ).rows
    return dict(rows[0]) if rows else None


def _int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return -1  # never a version number: reported as invalid


async def diff_page(datasette: Any, request: Any) -> Response:
    lang = _lang(request)
    ct = translator(lang)
    db = await archive_database(datasette)
    if db is None:
        return await _error(datasette, request, ct("no_archive"), 404)
    url = request.args.get("url", "").strip()
    context: dict[str, Any] = {"ct": ct, "url": url, "action": datasette.urls.path(DIFF)}
    if not url:
        return await _render_diff(datasette, request, context, 200)
    article = await _find_article(db, url)
    if article is None:
        return await _render_diff(datasette, request, {**context, "error": ct("not_found")}, 404)
    if await _has_hidden_table(db):
        hidden = await hidden_response(
            datasette,
            {"path": f"/{getattr(db, 'route', db.name)}/articles/{article['id']}",
             "query_string": request.query_string.encode(), "headers": request.scope["headers"]},
        )  # fmt: skip
        if hidden is not None:
            return hidden
    rows = await db.execute(
        f"select {_VERSION_COLUMNS} from article_versions where article_id = ? order by version",
        [article["id"]],
    )
    versions = [dict(r) for r in rows.rows]
    stamps = permalinks.version_stamps([v["fetched_at"] for v in versions])
    for version, stamp in zip(versions, stamps, strict=True):
        version["readable"] = not version["tombstone"] and not version["extraction_failed"]
        version["when"] = vn_datetime(version["fetched_at"])
        version["kind_label"] = article_page.change_kind(version["change_kind"])[
            1 if lang == "en" else 0
        ]
        version["as_it_was"] = _permalink(datasette, article["url"], stamp)
        version["reason"] = article_page.removal_reason(version["removal_reason"])[
            1 if lang == "en" else 0
        ]
    readable = [v for v in versions if v["readable"]]
    by_number = {v["version"]: v for v in readable}
    a, b = _int(request.args.get("a")), _int(request.args.get("b"))
    if b is None:
        b = readable[-1]["version"] if readable else None
    if a is None and b is not None:
        earlier = [v["version"] for v in readable if v["version"] < b]
        a = earlier[-1] if earlier else b
    context.update(
        article=article,
        article_path=datasette.urls.path(permalinks.permalink(article["url"])),
        versions=versions,
        readable=readable,
        a=a,
        b=b,
        whole=request.args.get("whole") == "1",
    )
    if a not in by_number or b not in by_number:
        status = 400 if request.args.get("a") or request.args.get("b") else 200
        error = ct("bad_version") if status == 400 else None
        return await _render_diff(datasette, request, {**context, "error": error}, status)
    old, new = by_number[a], by_number[b]
    comparison = changes.compare(old, new, whole=context["whole"])
    toggle = {"url": article["url"], "a": a, "b": b}
    if not context["whole"]:
        toggle["whole"] = "1"
    context.update(
        old=old,
        new=new,
        comparison=comparison,
        single=len(readable) == 1,
        toggle=datasette.urls.path(DIFF) + "?" + urlencode(toggle),
        extractor=any(v["change_kind"] == "extractor" or v["reextract_run"] for v in (old, new)),
        pairs=[
            (v, _diff_path(datasette, article["url"], p["version"], v["version"]))
            for p, v in pairwise(readable)
        ],
    )
    return await _render_diff(datasette, request, context, 200)


async def _render_diff(datasette: Any, request: Any, context: dict, status: int) -> Response:
    html = await datasette.render_template("changes_diff.html", context, request=request)
    return Response.html(html, status=status)


async def _error(datasette: Any, request: Any, message: str, status: int) -> Response:
    html = await datasette.render_template(
        "changes_page.html",
        {"ct": translator(_lang(request)), "error": message, "events": [], "portals": []},
        request=request,
    )
    return Response.html(html, status=status)
