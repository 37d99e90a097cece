"""Datasette plugin: links that outlive a snapshot (issue 13, items 4 and 5).

- **A stable database route.** The archive database is served at ``/archive`` whatever its
  file is called (``data/archive.db``, ``demo.db``, a dated snapshot
  ``archive-2026-12-07T….db``): ``add_database(..., route="archive")``. The file-stem route a
  link may still carry (``/demo/articles/12``) answers 301 to the same page under
  ``/archive``; other methods are passed on as if sent to ``/archive`` (they get the same
  refusals, see tests/test_readonly_archive.py).
- **Permanent links** keyed on the original URL (archive/permalinks.py):
  ``/-/web/<URL>`` is the article as archived now, ``/-/web/<YYYYMMDDhhmmss>/<URL>`` the
  version current at that moment (Wayback semantics); both render ``web_article.html``.
- **Look-up by a pasted URL**: ``/-/web?url=…`` finds the archived article of any variant
  of the URL and lists its versions and captures.
"""

from typing import Any
from urllib.parse import unquote, urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response

from archive import article_context, capture_view, permalinks

ROUTE = "archive"
#: Most candidates a look-up lists (variants of one URL are few; this bounds a hostile one).
MAX_CANDIDATES = 20


def stable_route(datasette: Any) -> Any:
    """Route the one file database at ``/archive``; returns it (None when there is not
    exactly one, or ``/archive`` is taken by another)."""
    files = [
        db for name, db in datasette.databases.items() if not db.is_memory and name != "_internal"
    ]
    if len(files) != 1:
        return None
    db = files[0]
    if db.route == ROUTE:
        return db
    if any(other.route == ROUTE for other in datasette.databases.values()):
        return None
    datasette.remove_database(db.name)
    return datasette.add_database(db, name=db.name, route=ROUTE)


@hookimpl
def startup(datasette: Any) -> None:
    stable_route(datasette)


def _old_route_target(datasette: Any, path: str) -> str | None:
    """``/archive/...`` for a path under a database's file-stem name, else None."""
    for name, db in datasette.databases.items():
        if db.route == name:
            continue
        for old in {f"/{name}", f"/{tilde_encode(name)}"}:
            if path == old or path.startswith((old + "/", old + ".")):
                return f"/{db.route}{path[len(old) :]}"
    return None


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def redirect_old_routes(scope: dict, receive: Any, send: Any) -> None:
            if scope.get("type") == "http":
                stable_route(datasette)  # the first request may come before the startup hook
                raw = scope.get("raw_path") or scope["path"].encode("utf-8")
                path = raw.decode("latin-1").partition("?")[0]
                target = _old_route_target(datasette, path)
                if target is not None:
                    if scope.get("method") in ("GET", "HEAD"):
                        query = scope.get("query_string") or b""
                        location = target + ("?" + query.decode("latin-1") if query else "")
                        await Response.redirect(location, status=301).asgi_send(send)
                        return
                    decoded = unquote(target)
                    scope = dict(scope, path=decoded, raw_path=target.encode("latin-1"))
            await app(scope, receive, send)

        return redirect_old_routes

    return wrap


@hookimpl
def register_routes() -> list:
    return [
        (r"^/-/web/?$", lookup_view),
        (r"^/-/web/(?P<rest>.+)$", permalink_view),
    ]


def _archive_database(datasette: Any) -> Any:
    return stable_route(datasette) or next(
        (db for db in datasette.databases.values() if db.route == ROUTE), None
    )


async def permalink_view(datasette: Any, request: Any) -> Response:
    """``/-/web/[<timestamp>/]<original URL>``: the article, or the version current then."""
    at, url = permalinks.split_request(request.url_vars["rest"], request.query_string)
    db = _archive_database(datasette)
    if db is None or not await article_context.is_archive(db):
        return await _page(datasette, request, "web_lookup.html", {"problem": "no-archive"}, 404)
    public = await _not_hidden(db)
    rows = (await db.execute(f"select id from articles where url = ?{public}", [url])).rows
    if not rows:
        found = await _candidates(db, url)
        if len(found) == 1:  # a variant of an archived URL: send the reader to its own link
            target = permalinks.permalink(found[0]["url"], at)
            return Response.redirect(datasette.urls.path(target), status=302)
        return await _lookup_page(datasette, request, db, url, found)
    article_id = rows[0]["id"]
    index, before_first = None, False
    if at is not None:
        fetched = [
            r["fetched_at"]
            for r in await db.execute(
                "select fetched_at from article_versions where article_id = ? order by version",
                [article_id],
            )
        ]
        if fetched:
            index, before_first = permalinks.version_at(fetched, at)
    article = await article_context.load_article(
        datasette, db.name, article_id, request, version_index=index
    )
    context = {"archive_article": article, "at": at, "before_first": before_first}
    return await _page(datasette, request, "web_article.html", context)


async def lookup_view(datasette: Any, request: Any) -> Response:
    """``/-/web?url=…``: the archived article(s) of a pasted URL, or a form without one."""
    pasted = (request.args.get("url") or "").strip()
    db = _archive_database(datasette)
    if db is None or not await article_context.is_archive(db):
        return await _page(datasette, request, "web_lookup.html", {"problem": "no-archive"}, 404)
    if not pasted:
        return await _page(datasette, request, "web_lookup.html", {"pasted": ""})
    return await _lookup_page(datasette, request, db, pasted, await _candidates(db, pasted))


async def _not_hidden(db: Any) -> str:
    """SQL that leaves hidden articles out (archive/hide.py: the archive_changes plugin answers
    their permalinks 410 with a notice; this page must not list or show them either)."""
    hidden = await db.execute(
        "select 1 from pragma_table_info('articles') where name = ?", ["hidden_at"]
    )
    return " and hidden_at is null" if hidden.rows else ""


async def _candidates(db: Any, pasted: str) -> list[dict]:
    variants = permalinks.url_variants(pasted)[:MAX_CANDIDATES]
    if not variants:
        return []
    public = await _not_hidden(db)
    rows = await db.execute(
        "select id, url, title, portal, published_at, removed_at, first_seen_at, last_seen_at "
        f"from articles where url in ({', '.join('?' * len(variants))}){public} order by id",
        variants,
    )
    return [dict(r) for r in rows.rows]


async def _lookup_page(
    datasette: Any, request: Any, db: Any, pasted: str, found: list[dict]
) -> Response:
    urls = datasette.urls
    for row in found:
        row["permalink"] = urls.path(permalinks.permalink(row["url"]))
        row["article_path"] = urls.row(db.name, "articles", str(row["id"]))
    context: dict[str, Any] = {"pasted": pasted, "found": found}
    if len(found) == 1:
        context["article"] = await article_context.load_article(
            datasette, db.name, found[0]["id"], request
        )
        context["url_captures"] = await _url_captures(datasette, db, found[0]["url"])
    elif not found:
        words = permalinks.url_words(pasted)
        context["words"] = words
        context["search_path"] = urls.path("/-/search?" + urlencode({"q": words}))
    return await _page(datasette, request, "web_lookup.html", context, 200 if found else 404)


async def _url_captures(datasette: Any, db: Any, url: str) -> list[Any]:
    """Every capture of this exact URL (responses and revisits), oldest first."""
    if not await db.table_exists("captures"):
        return []
    rows = await db.execute(
        "select * from captures where url = ? order by fetched_at limit 500", [url]
    )
    base = datasette.urls.path("/-/captures/")
    return [s for s in (capture_view.summary(dict(r), base) for r in rows.rows) if s]


async def _page(
    datasette: Any, request: Any, template: str, context: dict, status: int = 200
) -> Response:
    context = {"lookup_path": datasette.urls.path(permalinks.LOOKUP), **context}
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)
