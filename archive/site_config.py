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
