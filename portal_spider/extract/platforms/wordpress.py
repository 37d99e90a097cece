"""WordPress sites: `/wp-content/`, `/wp-includes/`, `<meta name="generator" content="WordPress">`.

Markup is the theme's, but core template tags fix most of it: `article.post` with
`h1.entry-title`, `.entry-content`, `time.entry-date[datetime]` inside `.posted-on`; archive
loops repeat `h2.entry-title a` (the "Bài viết mới" widget is a `.widget_recent_entries` list,
so it never matches); `the_posts_pagination()` prints `.nav-links` with `a.next` to `/page/N/`.
"""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="wordpress",
    # Case-sensitive on purpose: WordPress prints these in lower case, and re.I made the scan of
    # a page without them 3x slower (every unknown page pays it).
    fingerprint=re.compile(r"/wp-(?:content|includes)/|content=\"WordPress"),
    # Lower-case substrings the fingerprint needs (the regex runs only after one is found).
    hints=("/wp-content/", "/wp-includes/", 'content="wordpress'),
    selectors={
        "title": ("h1.entry-title",),
        "date": ("time.entry-date", ".posted-on", ".entry-date"),
        "summary": (".entry-excerpt",),
        "body": (".entry-content",),
        "listing_links": ("h2.entry-title a", "h3.entry-title a"),
        "pagination": (".nav-links",),
    },
)
