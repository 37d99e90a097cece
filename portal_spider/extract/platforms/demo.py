"""Our bundled demo portal (portal_spider/demo_portal): it says so in a generator meta tag."""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="demo",
    fingerprint=re.compile(r'<meta name="generator" content="portal-archive demo portal"'),
    selectors={
        "title": (".article-detail .article-title",),
        "date": (".article-detail .article-date",),
        "summary": (".article-detail .article-sapo",),
        "body": (".article-detail .article-body",),
        "listing_links": (".list-news .news-title a",),
    },
)
