"""Datasette plugin: the archive's SQL functions, and how the word diffs are displayed.

``prepare_connection`` registers ``word_diff`` (:mod:`archive.diff`) on every connection, so
the ``article_changes`` view works in Datasette exactly as through ``open_archive``.

``render_cell`` shows the ``change``/``title_change`` cells of ``article_changes`` with their
line breaks (``white-space: pre-wrap``), cut like any cell at ``truncate_cells_html``
(the JSON and CSV keep the whole diff). The text is escaped by ``Markup.format``: an article
body containing ``<script>`` is displayed, never executed.
"""

from typing import Any

from datasette import hookimpl
from markupsafe import Markup

from archive.diff import register

DIFF_VIEW = "article_changes"
DIFF_COLUMNS = ("change", "title_change")


@hookimpl
def prepare_connection(conn: Any) -> None:
    register(conn)


@hookimpl
def render_cell(value: Any, column: str, table: str | None, datasette: Any) -> Markup | None:
    if table != DIFF_VIEW or column not in DIFF_COLUMNS or not isinstance(value, str):
        return None
    limit = datasette.setting("truncate_cells_html")
    if limit and len(value) > limit:
        value = value[:limit] + "\u2026"
    return Markup('<div class="word-diff" style="white-space: pre-wrap">{}</div>').format(value)
