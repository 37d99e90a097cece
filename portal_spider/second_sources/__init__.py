"""Sitemaps and feeds as second sources of article URLs (see docs/coverage.md).

`SecondSources` (sources.py) requests and reads sitemap and feed files and queues the URLs
they list; `robots_sitemaps`/`robots_checker` (robots.py) read the robots.txt the robots
middleware already fetched; `dates_credible` (credibility.py) decides whether a file's dates
can serve incremental crawls.
"""

from .credibility import dates_credible
from .robots import robots_checker, robots_sitemaps
from .sources import FEED_PATHS, SITEMAP_PATHS, ListedURL, SecondSources, SourceCounts

__all__ = [
    "FEED_PATHS",
    "SITEMAP_PATHS",
    "ListedURL",
    "SecondSources",
    "SourceCounts",
    "dates_credible",
    "robots_checker",
    "robots_sitemaps",
]
