"""DotNetNuke portals: `DesktopModules/`, `dnn_…` ids, `/tabid/N/` URLs, `/pageid/N` paging.

`/tabid/` counts in the page URL only (other portals link to DNN sites); every DNN page also
loads `DesktopModules/` resources and has `dnn_` ids. Article fields use the news-articles
module's template classes (`articleHeadline`, `articleEntry`); the core pager is a
`PagingTable` whose "Tiếp" / numbered links are plain `/pageid/N/Default.aspx` URLs.
"""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="dotnetnuke",
    # URL first (haystack line 1), then one greedy scan per marker (see sharepoint.py).
    fingerprint=re.compile(
        r"\A(?:[^\n]*[/?&][Tt]ab[Ii][Dd][/=]\d|(?s:.*)DesktopModules/|(?s:.*)id=\"dnn_)"
    ),
    # Lower-case substrings the fingerprint needs (the regex runs only after one is found).
    hints=("tabid", "desktopmodules/", 'id="dnn_'),
    selectors={
        "title": (".articleHeadline h1",),
        "date": (".articleDate",),
        "summary": (".articleSummary",),
        "body": (".articleEntry",),
        "listing_links": (".articleTitle a",),
        "pagination": (".PagingTable",),
    },
)
