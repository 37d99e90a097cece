"""Bundled demo portal: a deterministic local replica of a Vietnamese city portal.

Used as `portal-archive demo-portal` and as the crawler's test bed. See routes.py for the URL
scheme and content.py for the content model.
"""

from .cli import main
from .content import ArticleMeta, DemoPortal, Section
from .server import DemoPortalServer, make_server, server_url, start_in_thread

__all__ = [
    "ArticleMeta",
    "DemoPortal",
    "DemoPortalServer",
    "Section",
    "main",
    "make_server",
    "server_url",
    "start_in_thread",
]
