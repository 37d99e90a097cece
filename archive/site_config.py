"""Where the Datasette site's files live and which settings it runs with.

Shared by :mod:`archive.serve` (CLI) and :mod:`archive.datasette_app` (in-process), so the
published site and the tests see the same configuration. Imports nothing from Datasette.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
METADATA_PATH = REPO_ROOT / "metadata.json"
SITE_DIR = Path(__file__).resolve().parent / "site"
PLUGINS_DIR = SITE_DIR / "plugins"
TEMPLATES_DIR = SITE_DIR / "templates"

# suggest_facets is off: suggestions run a query per column on every table page, which is
# wasted work on body_text; the useful facets are configured in metadata.json.
SETTINGS: dict[str, int | bool] = {
    "sql_time_limit_ms": 3000,
    "default_page_size": 50,
    "suggest_facets": False,
}


# `portal-archive serve --public`: a read-only site for anyone on the internet. The archive
# file is served immutable, so it is downloadable (allow_download applies to immutable files
# only) and responses can be cached: 10 minutes for pages and JSON, since the file changes
# only when the operator swaps it. SQL is still open to all, but bounded to a second.
PUBLIC_SETTINGS: dict[str, int | bool] = {
    "sql_time_limit_ms": 1000,
    "allow_download": True,
    "default_cache_ttl": 600,
}

# Installed Datasette plugins reviewed for public serving: none of them writes to a
# database. `serve --public` refuses to start when any other plugin is installed (Datasette
# 0.65 loads every installed plugin and cannot be told to skip one).
PUBLIC_PLUGINS = frozenset(
    {
        "datasette-atom",
        "datasette-dashboards",
        "datasette-gzip",
        "datasette-leaflet",
        "datasette-render-markdown",
    }
)

# The snapshots page (site/plugins/archive_snapshots.py) lists the directory named by the
# plugin configuration `plugins.archive_snapshots.directory` in metadata, else by this
# environment variable, which `portal-archive serve --snapshots DIR` sets.
SNAPSHOTS_PLUGIN = "archive_snapshots"
SNAPSHOTS_ENV = "PORTAL_ARCHIVE_SNAPSHOTS"


def site_settings(*, public: bool = False, **overrides: int | bool) -> dict[str, int | bool]:
    """Datasette settings for the private (default) or public site, with overrides."""
    return {**SETTINGS, **(PUBLIC_SETTINGS if public else {}), **overrides}


def plugins_dir() -> Path | None:
    """The plugins directory, or None when it holds no plugin modules."""
    return PLUGINS_DIR if any(PLUGINS_DIR.glob("*.py")) else None


def templates_dir() -> Path | None:
    """The templates directory, or None when it holds no templates."""
    return TEMPLATES_DIR if any(TEMPLATES_DIR.glob("*.html")) else None


def cli_setting_value(value: int | bool) -> str:
    """Render a setting for ``datasette --setting`` (booleans as on/off)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)
