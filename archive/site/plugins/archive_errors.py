"""Datasette plugin: Datasette's error pages in the reader's language, inside our frame.

Datasette answers an unknown table, database, row or URL with its own page ("Error 404 /
Table not found"), in English. This ``handle_exception`` renders our ``error.html`` instead:
the status kept, a Vietnamese headline and explanation (English under the switch; the words
in archive/error_text.py), never a traceback. ``.json`` requests keep Datasette's JSON shape.

Why a hook *wrapper* rather than a plain ``handle_exception``: Datasette awaits every
plugin's answer, its own default included, and uses the first. Its default prints the
exception with ``rich`` (installed here with typer), which raises ``ValueError`` when no
exception is being handled, which is the case for a URL no route matches
(``/archive/articles/1/x``): the reader got a bare "Internal Server Error". The wrapper
puts our answer first and drops the default's, so it never runs.
"""

from __future__ import annotations

import logging
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError

from archive import error_text
from archive.site_messages import choose_language

log = logging.getLogger(__name__)
DEFAULT_HANDLER = "datasette.handle_exception"


@hookimpl(wrapper=True)
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    answers = yield
    others = [a for a in answers or [] if getattr(a, "__module__", None) != DEFAULT_HANDLER]

    async def ours() -> Response:
        return await error_response(datasette, request, exception)

    return [ours, *others]


def status_and_message(exception: Exception) -> tuple[int, str, dict[str, Any]]:
    """Datasette's reading of an exception: status, message and extra JSON fields."""
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0] if exception.args else ""), {}
    if isinstance(exception, DatasetteError):
        extra = dict(exception.error_dict or {})
        if exception.title:
            extra["title"] = exception.title
        return exception.status, str(exception.message), extra
    return 500, "", {}


async def error_response(datasette: Any, request: Any, exception: Exception) -> Response:
    status, message, extra = status_and_message(exception)
    status = error_text.reader_fault(status, message)
    if status >= 500:
        log.error(
            "%s %s: %s",
            request.method,
            request.path,
            message or type(exception).__name__,
            exc_info=(type(exception), exception, exception.__traceback__)
            if exception.__traceback__
            else None,
        )
    lang = choose_language(request.args, request.cookies)
    words = error_text.describe(status, message, lang)
    if request.path.split("?")[0].endswith(".json"):
        body = {**extra, "ok": False, "error": message or words.explanation, "status": status}
        body.setdefault("title", None)
        return Response.json(body, status=status)
    try:
        html = await datasette.render_template(
            "error.html",
            {"status": status, "words": words, "error": words.explanation, "title": None},
            request=request,
        )
    except Exception:  # the page frame itself failed: say it plainly, in the chosen language
        log.exception("error page for %s", request.path)
        return Response.text(f"{words.headline} ({status}). {words.explanation}", status=status)
    return Response.html(html, status=status)
