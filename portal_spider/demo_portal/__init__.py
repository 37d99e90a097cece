"""Bundled demo portal: a deterministic local replica of a Vietnamese city portal.

Used as `portal-archive demo-portal [--day D] [--no-extras]` and as the crawler's test bed. See
routes.py for the URL scheme, content.py for the content model, days.py for how it changes day
by day, extras.py and sources.py for the extra sections, pages, sitemaps and feed, and truth.py
for what it publishes (`DemoPortal.truth()`).
"""

from .cli import main
from .content import ArticleMeta, DayChanges, DemoPortal, EditedArticle, RemovedArticle, Section
from .server import DemoPortalServer, make_server, server_url, start_in_thread
from .truth import NewsSection, PortalTruth

__all__ = [
    "ArticleMeta",
    "DayChanges",
    "DemoPortal",
    "DemoPortalServer",
    "EditedArticle",
    "NewsSection",
    "PortalTruth",
    "RemovedArticle",
    "Section",
    "main",
    "make_server",
    "server_url",
    "start_in_thread",
]
