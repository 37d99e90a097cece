"""Datasette plugin: an extension no renderer serves is a 404, not the HTML page.

Datasette 0.65 reads ``/archive/search.rss`` (any ``.<ext>`` after a database, table, canned
query or row) as a format, and when no renderer has that extension it answers 200 with the
HTML page: a "feed" URL that returns a web page titled with the canned query's SQL. Issue 13
asks for unknown formats to be answered 404. Plugin routes are tried before Datasette's own,
so one route matching exactly those paths whose extension is unknown raises ``NotFound``,
which our error page (``archive_errors``) renders in the reader's language. Known extensions
(``json``, ``csv``, ``db``, every registered renderer such as datasette-atom's ``atom``) never
match it and reach Datasette unchanged. Our own pages under ``/-/`` answer their formats
themselves; ``/favicon.ico`` and ``--static`` mounts are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import NotFound

#: Extensions Datasette serves itself on database, table and row pages.
BUILT_IN = frozenset({"json", "jsono", "csv", "db", "blob"})


def unknown_format_pattern(known: set[str] | frozenset[str], mounts: list[str]) -> str:
    """The paths of Datasette's database, table and row routes whose extension is unknown."""
    formats = "|".join(sorted(map(re.escape, known)))
    skip = "|".join(["-/", r"favicon\.ico$", *(re.escape(m) + "/" for m in mounts)])
    return (
        rf"^/(?!{skip})(?P<database>[^/.]+)(?:/[^/.]+(?:/[^/]+?)?)?"
        rf"\.(?!(?:{formats})$)(?P<format>\w+)$"
    )


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    known = BUILT_IN | set(getattr(datasette, "renderers", {}))
    mounts = [prefix.strip("/") for prefix, _ in getattr(datasette, "static_mounts", [])]

    async def unknown_format(request: Any) -> None:
        raise NotFound(f"Unknown format: .{request.url_vars['format']}")

    return [(unknown_format_pattern(known, mounts), unknown_format)]
