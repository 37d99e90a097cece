"""SharePoint "portal/Pages" portals (Tân Dân provincial builds); paging is a postback.

Evidence (research notes §1): article URLs `/portal/Pages/<Y-M-D>/<Slug>-<id>.aspx` (also
lower-case `pages`), `.tandan-*` classes, `_layouts/15/`, `MSOWebPartPageFormName`; the
listing pager "clicks" page numbers and "Tiếp" through `__doPostBack`, so the next page is a
form post (`PostBack`), never a next_page URL. `/portal/pages/` counts in the page URL only:
commune portals link to their province's SharePoint portal.
"""

from __future__ import annotations

import re

from .base import Platform
from .old_aspnet import find_postback

PLATFORM = Platform(
    name="sharepoint",
    # One greedy scan per marker: an alternation of markers costs ~10x more on pages that
    # match none of them (every page of a later family pays for this search).
    fingerprint=re.compile(
        r"\A(?:[^\n]*/portal/[Pp]ages/|(?s:.*)MSOWebPartPageFormName|(?s:.*)/_layouts/1[45]/)"
    ),
    # Lower-case substrings the fingerprint needs (the regex runs only after one is found).
    hints=("/portal/pages/", "msowebpartpageformname", "/_layouts/1"),
    selectors={
        "title": (".tandan-title-view",),
        "date": (".tandan-date-view",),
        "summary": (".summary-news",),
        "body": (".tandan-content-view",),
        "listing_links": (".channel-news-title a", ".tandan-p-article-news-title a"),
    },
    postback=find_postback,
)
