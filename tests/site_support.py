"""Shared pieces of the site tests: an in-process Datasette over a real archive file."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from lxml import html

from archive.datasette_app import make_datasette

#: A letter only Vietnamese writes (tone marks, ă â đ ê ô ơ ư): a page in English has none.
VIETNAMESE_LETTERS = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)


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


def module_site(name: str) -> Callable[..., Iterator[Site]]:
    """A module-scoped ``site`` fixture: a Site over a writable copy of the session's demo
    archive, in a temporary folder named ``name``. In a test module: ``site = module_site("x")``
    (an imported fixture would be an unused import to ruff)."""

    @pytest.fixture(scope="module")
    def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
        yield Site(copy_archive(demo_archive, tmp_path_factory.mktemp(name) / "demo.db"))

    return site


def get(site: Site, path: str, **cookies: str) -> httpx.Response:
    """``path`` as the site answers it, with ``cookies`` (``lang="en"``): any status, redirects
    not followed (unlike :meth:`Site.get`, which asserts the status)."""
    return asyncio.run(site.datasette.client.get(path, cookies=cookies or None))
