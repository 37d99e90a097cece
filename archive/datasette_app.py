"""In-process Datasette with the same metadata, settings and plugins as ``archive.serve``.

Used by tests (``await ds.client.get(...)``) and anything that embeds the site.
"""

import json
from pathlib import Path

from datasette.app import Datasette

from archive import site_config
from archive.schema import open_archive


def make_datasette(db_path: str | Path, *, metadata: Path | None = None) -> Datasette:
    """Bring the archive's schema up to date, then return a Datasette serving it."""
    db_path = Path(db_path)
    open_archive(db_path).close()
    metadata_path = metadata or site_config.METADATA_PATH
    plugins = site_config.plugins_dir()
    templates = site_config.templates_dir()
    return Datasette(
        [str(db_path)],
        metadata=json.loads(metadata_path.read_text(encoding="utf-8")),
        settings=dict(site_config.SETTINGS),
        plugins_dir=str(plugins) if plugins else None,
        template_dir=str(templates) if templates else None,
    )
