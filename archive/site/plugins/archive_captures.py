"""Datasette plugin: the raw captures (WARC records) behind the archive, safe to look at.

Routes (``<id>``: the uuid of the record's ``WARC-Record-ID``, checked strictly):

- ``/-/captures/<id>``: what the capture is (URL, fetch time, HTTP status, digests, where it is
  stored), with the captured page embedded in an ``<iframe sandbox>``;
- ``/-/captures/<id>.warc.gz``: the record's stored bytes, one gzip member, which is itself a
  valid ``.warc.gz`` (sent as is: ``Content-Encoding: identity`` so datasette-gzip passes it);
- ``/-/captures/<id>/view``: the captured HTML, decoded (Content-Encoding, charset) and served
  inert under ``Content-Security-Policy: sandbox; default-src 'none'``: no script, form,
  navigation or same-origin access, and nothing is loaded (sandbox alone would still load
  remote images and CSS, telling the portal who reads the archive).

``render_cell`` turns the ``capture`` columns (articles, versions, counter readings, errors)
and ``captures.refers_to`` into links to the capture page. Which folder the WARC files are in:
:mod:`archive.capture_view` (``serve --captures DIR``, the database's folder, the snapshot's
source folder). Server paths never appear in a page: only the stored relative pointer.
"""

import asyncio
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive import capture_view as cv

PREFIX = "/-/captures/"
CAPTURE_COLUMN = "capture"


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/captures/(?P<rest>.*)$", captures_route)]


@hookimpl
def render_cell(value: Any, column: str, table: str | None, datasette: Any) -> Markup | None:
    """A capture pointer cell links to its capture page."""
    if not (column == CAPTURE_COLUMN or (table == "captures" and column == "refers_to")):
        return None
    raw = value.get("value") if isinstance(value, dict) else value
    uuid = cv.uuid_of(raw if isinstance(raw, str) else None)
    if uuid is None:
        return None
    href = datasette.urls.path(PREFIX + uuid)
    return Markup('<a href="{}" title="{}">bản lưu / capture {}…</a>').format(href, raw, uuid[:8])


async def captures_route(datasette: Any, request: Any) -> Response:
    rest = request.url_vars["rest"]
    uuid, action = rest, "page"
    if rest.endswith(".warc.gz"):
        uuid, action = rest.removesuffix(".warc.gz"), "download"
    elif rest.endswith("/view"):
        uuid, action = rest.removesuffix("/view"), "view"
    found = await find_capture(datasette, uuid) if cv.is_uuid(uuid) else None
    if found is None:
        return await error_page(
            datasette,
            request,
            404,
            "Không có bản lưu này",
            "Không tìm thấy bản lưu nào có mã này trong kho lưu trữ.",
            "No capture with this id in the archive.",
            sandboxed=action == "view",
        )
    database, row = found
    if action == "download":
        return await download(datasette, request, database, row)
    if action == "view":
        return await view(datasette, request, database, row)
    return await capture_page(datasette, request, database, row)


async def find_capture(datasette: Any, uuid: str) -> tuple[str, dict[str, Any]] | None:
    """(database name, captures row) of the capture ``uuid`` in any served archive."""
    for name, db in datasette.databases.items():
        if db.is_memory or name == "_internal" or not await db.table_exists("captures"):
            continue
        rows = (
            await db.execute("select * from captures where record_id = ?", [cv.record_id(uuid)])
        ).rows
        if rows:
            return name, dict(rows[0])
    return None


async def find_row(datasette: Any, database: str, record: str | None) -> dict[str, Any] | None:
    if not record:
        return None
    db = datasette.get_database(database)
    rows = (await db.execute("select * from captures where record_id = ?", [record])).rows
    return dict(rows[0]) if rows else None


def folders(datasette: Any, database: str) -> list[Any]:
    configured = cv.configured_folder(datasette.plugin_config(cv.CAPTURES_PLUGIN))
    path = datasette.get_database(database).path
    if path is None:
        return [configured] if configured else []
    return cv.capture_folders(path, configured)


async def read(datasette: Any, database: str, row: dict[str, Any]) -> bytes:
    """The record's bytes; raises CaptureUnavailable / CaptureDamaged."""
    return await asyncio.to_thread(cv.read_capture, folders(datasette, database), row)


def base_path(datasette: Any) -> str:
    return datasette.urls.path(PREFIX)


# -- /-/captures/<id> ------------------------------------------------------------------------


async def capture_page(
    datasette: Any, request: Any, database: str, row: dict[str, Any]
) -> Response:
    capture = cv.summary(row, base_path(datasette))
    problem: tuple[str, str] | None = None
    verified: bool | None = None
    viewable = False
    try:
        data = await read(datasette, database, row)
    except cv.CaptureUnavailable:
        problem = UNAVAILABLE
    except cv.CaptureDamaged:
        problem = DAMAGED
    else:
        record = cv.parse_record(data)
        verified = cv.payload_matches(row, record.payload)
    original = await find_row(datasette, database, row.get("refers_to"))
    if problem is None:
        viewable = _viewable(row, record, original)
    facts = await _facts(datasette, database, row["record_id"])
    html = await datasette.render_template(
        "capture.html",
        {
            "capture": capture,
            "original": cv.summary(original, base_path(datasette)) if original else None,
            "problem": problem,
            "verified": verified,
            "viewable": viewable,
            "facts": facts,
            "portal": row.get("portal"),
        },
        request=request,
    )
    return Response.html(html)


def _viewable(row: dict[str, Any], record: cv.Record, original: dict[str, Any] | None) -> bool:
    """Worth an iframe: HTML, or a revisit of identical content whose original is here."""
    if row.get("record_type") == "revisit":
        return row.get("revisit_profile") == cv.PROFILE_IDENTICAL and original is not None
    content_type = record.header("content-type") or row.get("content_type")
    mime = (content_type or "").split(";")[0].strip().lower()
    return mime in cv.HTML_TYPES or (not mime and bool(record.payload))


async def _facts(datasette: Any, database: str, record: str) -> list[tuple[str, str]]:
    """(text, path) of the articles whose current fields were read from this capture."""
    db = datasette.get_database(database)
    rows = (
        await db.execute(
            "select id, title from articles where capture = ? order by id limit 20", [record]
        )
    ).rows
    return [
        (row["title"] or f"#{row['id']}", datasette.urls.row(database, "articles", row["id"]))
        for row in rows
    ]


# -- /-/captures/<id>.warc.gz ----------------------------------------------------------------


async def download(datasette: Any, request: Any, database: str, row: dict[str, Any]) -> Response:
    try:
        data = await read(datasette, database, row)
    except (cv.CaptureUnavailable, cv.CaptureDamaged) as exc:
        return await _problem(datasette, request, exc)
    name = cv.download_name(row)
    return Response(
        data,
        status=200,
        content_type="application/warc",
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            # Lower-case: asgi-gzip looks for b"content-encoding" exactly. The bytes are a
            # gzip member, but not a transfer coding: the browser must save them as they are.
            "content-encoding": "identity",
            "x-content-type-options": "nosniff",
            "cache-control": "public, max-age=31536000, immutable",
        },
    )


# -- /-/captures/<id>/view -------------------------------------------------------------------


async def view(datasette: Any, request: Any, database: str, row: dict[str, Any]) -> Response:
    capture = cv.summary(row, base_path(datasette))
    assert capture is not None
    source, note = row, ""
    if row.get("record_type") == "revisit":
        original = await find_row(datasette, database, row.get("refers_to"))
        earlier = cv.summary(original, base_path(datasette)) if original else None
        if (
            row.get("revisit_profile") != cv.PROFILE_IDENTICAL
            or original is None
            or earlier is None
        ):
            return _sandboxed(_revisit_page(capture, earlier), status=200)
        source = original
        note = (
            f"Bản lưu lặp lại: nội dung giống hệt bản lưu lúc {escape(earlier.fetched)}, "
            f"hiển thị từ bản lưu đó. / Revisit: identical to the capture of "
            f"{escape(earlier.fetched_utc)}, shown from it."
        )
    try:
        record = cv.parse_record(await read(datasette, database, source))
    except (cv.CaptureUnavailable, cv.CaptureDamaged) as exc:
        return await _problem(datasette, request, exc, sandboxed=True)
    content_type = record.header("content-type") or source.get("content_type")
    try:
        body = cv.decode_payload(record.payload, record.header("content-encoding"))
    except cv.PayloadUndecodable:
        return _sandboxed(_download_only(capture, "Không giải mã được nội dung của bản lưu."))
    if not cv.is_html(content_type, body):
        return _sandboxed(
            _download_only(capture, f"Bản lưu không phải trang HTML ({content_type or '?'}).")
        )
    page = cv.html_text(body, content_type)
    notices = [note] if note else []
    if source.get("truncated"):
        notices.append(
            "Bản lưu bị cắt: máy thu thập chỉ giữ phần đầu của trang, phần sau không có. "
            "/ Truncated capture: only the first part of the page was kept."
        )
    if notices:
        text = "<br>".join(notices)
        # No style attribute: the CSP blocks inline styles too (default-src 'none').
        notice = f'<p lang="vi" class="archive-capture-notice"><strong>{text}</strong></p><hr>'
        page = cv.with_notice(page, notice)
    return _sandboxed(page)


def _sandboxed(page: str, status: int = 200) -> Response:
    return Response(
        page,
        status=status,
        content_type="text/html; charset=utf-8",
        headers=dict(cv.SANDBOX_HEADERS),
    )


def _plain_page(title: str, body: str) -> str:
    """A tiny standalone page for the view route (no Datasette chrome: nothing would load)."""
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body>{body}</body></html>"
    )


def _revisit_page(capture: cv.CaptureSummary, earlier: cv.CaptureSummary | None) -> str:
    if capture.record_type == "revisit" and capture.http_status == 304:
        head = (
            "Máy chủ trả lời 304 Not Modified: trang không đổi so với lần tải trước, nên bản "
            "lưu này không chứa nội dung. / The server answered 304 Not Modified: this capture "
            "holds no content."
        )
    else:
        head = (
            "Bản lưu lặp lại: nội dung giống hệt một bản lưu trước. / Revisit: the content "
            "is identical to an earlier capture."
        )
    if earlier is not None:
        link = (
            f'<p><a href="{escape(earlier.page)}">Bản lưu trước, lúc '
            f"{escape(earlier.fetched)} / Earlier capture</a></p>"
        )
    else:
        link = "<p>Bản lưu trước không có trong kho này. / The earlier capture is not here.</p>"
    return _plain_page("Bản lưu lặp lại / Revisit", f"<p>{head}</p>{link}")


def _download_only(capture: cv.CaptureSummary, why: str) -> str:
    return _plain_page(
        "Chỉ tải về / Download only",
        f"<p>{escape(why)} Chỉ có thể tải về. / This capture can only be downloaded.</p>"
        f'<p><a href="{escape(capture.download)}" download>Tải bản ghi WARC / '
        "Download the WARC record</a></p>",
    )


# -- errors ----------------------------------------------------------------------------------

UNAVAILABLE = (
    "Tệp bản lưu không có trên máy chủ này.",
    "The capture file is not available on this server.",
)
DAMAGED = (
    "Tệp bản lưu bị hỏng: dữ liệu tại vị trí ghi trong kho không phải bản ghi này.",
    "The capture file is damaged: the bytes at the stored position are not this record.",
)


async def _problem(
    datasette: Any, request: Any, exc: Exception, *, sandboxed: bool = False
) -> Response:
    missing = isinstance(exc, cv.CaptureUnavailable)
    vi, en = UNAVAILABLE if missing else DAMAGED
    return await error_page(
        datasette,
        request,
        404 if missing else 500,
        "Bản lưu không khả dụng",
        vi,
        en,
        sandboxed=sandboxed,
    )


async def error_page(
    datasette: Any,
    request: Any,
    status: int,
    title: str,
    vi: str,
    en: str,
    *,
    sandboxed: bool = False,
) -> Response:
    if sandboxed:  # inside the view's iframe: no Datasette chrome, same strict headers
        page = _plain_page(title, f"<h1>{escape(title)}</h1><p>{escape(vi)}</p><p>{escape(en)}</p>")
        return _sandboxed(page, status=status)
    html = await datasette.render_template(
        "capture_error.html",
        {"title": title, "message": vi, "message_en": en},
        request=request,
    )
    return Response.html(html, status=status)
