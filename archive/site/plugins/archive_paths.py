"""Datasette plugin: no server file paths on a public site (issue 13).

Datasette's ``/-/databases.json`` lists each database's absolute ``path``: on a public site
that tells everyone how the server's disk is laid out (and the operator's user name). This
plugin serves the same listing with the file name only when the site is public, i.e. every
archive database is served immutable (``portal-archive serve --public`` passes ``-i``).
A private (mutable) site keeps Datasette's full listing for its operator.

``/-/threads.json`` lists running tasks with the source file of each coroutine (the
server's Python and virtualenv paths): a public site answers 404 there.
"""

from pathlib import PurePath
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.views.special import JsonDataView


def is_public(datasette: Any) -> bool:
    """True when every served archive database is immutable (the public mode's ``-i``)."""
    served = [db for name, db in datasette.databases.items() if not name.startswith("_")]
    return bool(served) and all(not db.is_mutable and not db.is_memory for db in served)


def public_databases(datasette: Any) -> list[dict[str, Any]]:
    """Datasette's database listing, with ``path`` cut to the file name on a public site."""
    listing = datasette._connected_databases()
    if not is_public(datasette):
        return listing
    return [
        {**entry, "path": PurePath(entry["path"]).name if entry["path"] else None}
        for entry in listing
    ]


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    view = JsonDataView.as_view(datasette, "databases.json", lambda: public_databases(datasette))
    threads = JsonDataView.as_view(datasette, "threads.json", datasette._threads)

    async def threads_view(request: Any, send: Any) -> Any:
        if is_public(datasette):
            return Response.text("404: không có trang này / not found", status=404)
        return await threads(request, send)

    return [
        (r"^/-/databases(\.(?P<format>json))?$", view),
        (r"^/-/threads(\.(?P<format>json))?$", threads_view),
    ]
