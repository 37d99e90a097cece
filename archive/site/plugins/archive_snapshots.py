"""Datasette plugin: ``/-/snapshots``, the dated archive snapshots and their downloads.

Which directory: ``plugins.archive_snapshots.directory`` in metadata (Datasette resolves
``{"$env": "NAME"}`` there, which is how ``datasette publish --plugin-secret`` passes it), else
the ``PORTAL_ARCHIVE_SNAPSHOTS`` environment variable that ``portal-archive serve --snapshots
DIR`` sets. An environment variable rather than a generated metadata file because ``serve``
replaces its own process with Datasette (exec): nothing would be left to delete the file.

Routes:

- ``/-/snapshots``: the manifest as a page (date, size, articles, sha256, download links);
- ``/-/snapshots.json``: the manifest's entries as JSON, each with its download ``url``;
- ``/-/snapshots/<file>``: a snapshot, or its ``.sha256`` line.

Files are streamed by this route rather than a ``--static`` mount so that only files listed
in the manifest are reachable (no directory browsing, no half-written ``.partial`` file), and
they carry what a static mount cannot: ``Content-Disposition``, an ``ETag`` equal to the
sha256, and ``Cache-Control: immutable`` (a snapshot is never overwritten).
They are sent with ``Content-Encoding: identity`` so datasette-gzip passes them through: the
bytes on the wire are the bytes the sha256 describes, and a public server does not spend a
level-9 gzip of the whole database on every browser download.
"""

import os
import sys
from pathlib import Path
from typing import Any

from datasette import __version__, hookimpl
from datasette.utils.asgi import AsgiFileDownload, Response, asgi_send_file

from archive.site_config import SNAPSHOTS_ENV, SNAPSHOTS_PLUGIN
from archive.snapshot import SnapshotError, read_manifest
from archive.vn_format import vn_number

PAGE = "/-/snapshots"
_FILE_CACHE = "public, max-age=31536000, immutable"
_NOT_CONFIGURED = "no snapshot directory is configured for this site"
_UNREADABLE = "the snapshot manifest cannot be read"
_CHUNK = 256 * 1024  # Datasette's default 4 KiB costs a thread hop per 4 KiB (aiofiles)


def snapshots_directory(datasette: Any) -> Path | None:
    """The configured snapshot directory, or None when the site has none."""
    config = datasette.plugin_config(SNAPSHOTS_PLUGIN) or {}
    directory = config.get("directory") or os.environ.get(SNAPSHOTS_ENV)
    return Path(directory) if directory else None


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/snapshots$", snapshots_page),
        (r"^/-/snapshots\.json$", snapshots_json),
        (r"^/-/snapshots/(?P<name>[^/]+)$", snapshot_file),
    ]


async def snapshots_page(datasette: Any, request: Any) -> Response:
    entries, problem = _entries(datasette)
    rows = [_row(datasette, entry) for entry in reversed(entries)]  # newest first
    html = await datasette.render_template(
        "snapshots.html",
        {
            "snapshots": rows,
            "problem": problem,
            "problem_key": {
                _NOT_CONFIGURED: "snap_unconfigured",
                _UNREADABLE: "snap_unreadable",
            }.get(problem or ""),
            "json_url": datasette.urls.path(f"{PAGE}.json"),
            "metadata": datasette.metadata(),
            "datasette_version": __version__,
        },
        request=request,
    )
    status = 404 if problem == _NOT_CONFIGURED else 500 if problem else 200
    return _cached(datasette, Response.html(html, status=status))


async def snapshots_json(datasette: Any, request: Any) -> Response:
    entries, problem = _entries(datasette)
    if problem:
        status = 404 if problem == _NOT_CONFIGURED else 500
        return Response.json({"ok": False, "error": problem}, status=status)
    listed = [
        {**_public(e), "url": datasette.absolute_url(request, _file_path(datasette, e["file"]))}
        for e in entries
    ]
    return _cached(datasette, Response.json({"ok": True, "snapshots": listed}))


async def snapshot_file(datasette: Any, request: Any) -> Any:
    name = request.url_vars["name"]
    directory = snapshots_directory(datasette)
    entries, _ = _entries(datasette)
    entry = next((e for e in entries if name in (e["file"], e["file"] + ".sha256")), None)
    path = directory / name if directory and entry else None
    if path is None or not path.is_file():
        return Response.text("404: no such snapshot", status=404)
    etag = f'"{entry["sha256"]}{"-sha256" if name.endswith(".sha256") else ""}"'
    # Lower-case names: asgi-gzip looks for b"content-encoding" exactly.
    headers = {"cache-control": _FILE_CACHE, "etag": etag, "content-encoding": "identity"}
    if request.headers.get("if-none-match") == etag:
        return Response("", status=304, headers=headers)
    if name.endswith(".sha256"):
        text = path.read_text(encoding="utf-8")
        return Response(text, headers=headers, content_type="text/plain; charset=utf-8")
    return _Download(path, filename=name, content_type="application/vnd.sqlite3", headers=headers)


class _Download(AsgiFileDownload):
    """AsgiFileDownload with larger reads (see _CHUNK)."""

    async def asgi_send(self, send: Any) -> None:
        await asgi_send_file(
            send,
            self.filepath,
            filename=self.filename,
            content_type=self.content_type,
            headers=self.headers,
            chunk_size=_CHUNK,
        )


def _entries(datasette: Any) -> tuple[list[dict[str, Any]], str | None]:
    """Manifest entries (oldest first) and a problem message, if any."""
    directory = snapshots_directory(datasette)
    if directory is None:
        return [], _NOT_CONFIGURED
    try:
        manifest = read_manifest(directory)
    except SnapshotError as exc:
        # The detail names the manifest's path on the server: for the server's log only.
        print(f"archive_snapshots: {exc}", file=sys.stderr, flush=True)
        return [], _UNREADABLE
    entries = [e for e in manifest["snapshots"] if isinstance(e, dict) and _safe_name(e)]
    return entries, None


def _safe_name(entry: dict[str, Any]) -> bool:
    """Only plain file names in the directory itself: a manifest cannot point elsewhere."""
    name = entry.get("file")
    return isinstance(name, str) and name == Path(name).name and not name.startswith(".")


def _file_path(datasette: Any, name: str) -> str:
    return datasette.urls.path(f"{PAGE}/{name}")


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry without ``source``: the server path of the database it was copied from is
    for capture_view on the server, not for the public (issue 13)."""
    return {key: value for key, value in entry.items() if key != "source"}


def _row(datasette: Any, entry: dict[str, Any]) -> dict[str, Any]:
    size = entry.get("bytes") or 0
    return {
        **_public(entry),
        "size": vn_number(size / 1e6, 1) + " MB"
        if size >= 100_000
        else vn_number(size / 1e3, 1) + " kB",
        "href": _file_path(datasette, entry["file"]),
        "sha256_href": _file_path(datasette, entry["file"] + ".sha256"),
        "portals": sorted((entry.get("articles_by_portal") or {}).items()),
    }


def _cached(datasette: Any, response: Response) -> Response:
    """Pages follow the site's default_cache_ttl, like Datasette's own pages."""
    ttl = int(datasette.setting("default_cache_ttl"))
    if response.status == 200:
        response.headers["cache-control"] = f"max-age={ttl}" if ttl else "no-cache"
    return response
