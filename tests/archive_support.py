"""Shared pieces of the archive tests: committed rows (the db_path/writer fixtures are in
conftest.py)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils


def rows(db_path: Path, table: str) -> list[dict]:
    """Read through a separate connection, so only committed data is visible."""
    with sqlite_utils.Database(db_path) as db:
        return list(db[table].rows_where(order_by="id" if table != "portals" else "slug"))
