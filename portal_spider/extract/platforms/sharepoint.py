"""SharePoint "portal/Pages" portals (provincial builds); paging is a JavaScript postback."""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="sharepoint",
    fingerprint=re.compile(r"_layouts/1[45]/|MSOWebPartPageFormName|/portal/pages/", re.I),
    selectors={
        "title": (".tandan-title-view",),
        "date": (".tandan-date-view",),
        "summary": (".summary-news",),
        "body": (".tandan-content-view",),
        "listing_links": (".channel-news-title a", ".tandan-p-article-news-title a"),
    },
)
