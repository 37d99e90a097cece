"""Bundled demo portal: a deterministic local replica of a Vietnamese city portal.

Used as `portal-archive demo-portal [--day D]` and as the crawler's test bed. See routes.py for
the URL scheme, content.py for the content model and days.py for how it changes day by day.
"""

from .cli import main
from .content import ArticleMeta, DayChanges, DemoPortal, EditedArticle, RemovedArticle, Section
from .server import DemoPortalServer, make_server, server_url, start_in_thread

__all__ = [
    "ArticleMeta",
    "DayChanges",
    "DemoPortal",
    "DemoPortalServer",
    "EditedArticle",
    "RemovedArticle",
    "Section",
    "main",
    "make_server",
    "server_url",
    "start_in_thread",
]
