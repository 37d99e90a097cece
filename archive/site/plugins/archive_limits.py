"""Datasette plugin: the published archive only reads, and one query cannot exhaust memory.

``asgi_wrapper``: the archive has no write endpoint (no writable canned queries, no write
plugins), so every request but GET, HEAD and OPTIONS is answered 405 before Datasette sees
it. Datasette 0.65 already refuses such writes, but answers a POST to a table or a canned
query with a 500 ("You may only POST to a canned query"): anyone could fill the error log
with what looks like server faults.

``prepare_connection``: SQLite's maximum string/blob length (``SQLITE_LIMIT_LENGTH``, 1e9 by
default) is lowered to :data:`MAX_VALUE_BYTES` on every connection Datasette opens.
``select randomblob(400000000)`` otherwise allocates 400 MB per request, in one SQL step the
time limit cannot interrupt; a few at once take the server down. No archived value comes
near the limit: a page is at most 16 MiB when downloaded (``DOWNLOAD_MAXSIZE``), and reading
a longer value would fail with "string or blob too big" rather than serve it.
"""

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl

MAX_VALUE_BYTES = 64 * 1024 * 1024
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_REFUSAL = b"405 Method Not Allowed: this archive is read-only.\n"

Asgi = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Any]


@hookimpl
def prepare_connection(conn: Any) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Asgi], Asgi]:
    def wrap(app: Asgi) -> Asgi:
        async def read_only(scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["method"] in READ_METHODS:
                await app(scope, receive, send)
                return
            headers = [
                (b"allow", b"GET, HEAD, OPTIONS"),
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(_REFUSAL)).encode()),
            ]
            await send({"type": "http.response.start", "status": 405, "headers": headers})
            await send({"type": "http.response.body", "body": _REFUSAL})

        return read_only

    return wrap
