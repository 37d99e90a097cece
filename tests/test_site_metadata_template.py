"""metadata.json describes the tables once (under ``demo``); an archive with another file name
gets the same descriptions, and the cached copies never leak into metadata.json's own block."""

from __future__ import annotations

import copy
from pathlib import Path

from .site_support import Site, copy_archive


def test_other_database_names_get_the_demo_block_and_the_original_stays_intact(
    demo_archive: Path, tmp_path: Path
) -> None:
    site = Site(copy_archive(demo_archive, tmp_path / "archive.db"))
    ds = site.datasette
    # Only the tables: Datasette itself writes each canned query's name into its own block.
    original = copy.deepcopy(ds._metadata_local["databases"]["demo"]["tables"])
    described = original["articles"]["description"]
    for _ in range(3):  # repeated lookups use the cached copies
        assert ds.metadata("description", database="archive", table="articles") == described
        site.get("/archive/articles")
    assert ds._metadata_local["databases"]["demo"]["tables"] == original
    copies = ds.metadata("databases")["archive"]["tables"]
    # Datasette fills inherited source/license into the table block it shows (for demo too).
    inherited = {"source", "source_url", "license", "license_url", "about", "about_url"}
    assert {t: {k: v for k, v in m.items() if k not in inherited} for t, m in copies.items()} == {
        t: {k: v for k, v in m.items() if k not in inherited} for t, m in original.items()
    }
    assert copies is not ds._metadata_local["databases"]["demo"]["tables"]
    assert described in site.page("/archive/articles").text_content()
