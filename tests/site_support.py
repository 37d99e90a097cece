"""Shared pieces of the site tests: an in-process Datasette over a real archive file."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import httpx
from lxml import html

from archive.datasette_app import make_datasette


class Site:
    """One Datasette (same metadata, plugins and templates as `portal-archive serve`)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.database = db_path.stem
        self.datasette = make_datasette(db_path)

    def get(self, path: str, status: int = 200) -> httpx.Response:
        # /<file stem>/... answers 301 to the stable /archive/... route: followed, unless the
        # test expects a redirect itself
        follow = not 300 <= status < 400
        response = asyncio.run(self.datasette.client.get(path, follow_redirects=follow))
        assert response.status_code == status, (path, response.status_code, response.text[-2000:])
        return response

    def page(self, path: str) -> html.HtmlElement:
        return html.fromstring(self.get(path).text)

    def row(self, sql: str, *params: object) -> dict:
        rows = self.rows(sql, *params)
        assert rows, sql
        return rows[0]

    def rows(self, sql: str, *params: object) -> list[dict]:
        conn = sqlite3.connect(self.db_path)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()


def copy_archive(source: Path, target: Path) -> Path:
    """A writable copy of a (read-only, session-shared) archive; the name sets the db name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target
