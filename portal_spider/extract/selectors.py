"""Candidate CSS selectors per field, across the platform families we know.

Compiled once at import: extraction runs on every crawled page and must stay cheap. Order is
priority: demo and known platform classes first, generic HTML5 last. Each candidate carries
a marker, a substring its match cannot exist without (a class or id name, a tag opening), so
selectors whose marker is absent from the page are skipped without walking the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.cssselect import CSSSelector
from lxml.etree import _Element as Element

_MARKER = re.compile(r"[.#]([\w-]+)|^([a-z0-9]+)")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A compiled selector and the substring its matches need in the markup."""

    css: str
    selector: CSSSelector
    marker: str

    def find(self, root: Element, markup: str) -> list[Element]:
        """All matches, or [] at once when the marker is absent from the page's markup."""
        if self.marker in markup or (self.tag_marker and self.marker.upper() in markup):
            return self.selector(root)
        return []

    @property
    def tag_marker(self) -> bool:
        """Tag names are case-insensitive in HTML (old portals write <H1>); class names not."""
        return self.marker.startswith("<")


def _candidate(css: str) -> Candidate:
    # The last class/id name in the selector is the most specific; a bare tag needs "<tag".
    names = [a or f"<{b}" for a, b in _MARKER.findall(css.split(",")[0])]
    marker = names[-1] if names else ""
    return Candidate(css=css, selector=CSSSelector(css), marker=marker)


def _compile(*selectors: str) -> tuple[Candidate, ...]:
    return tuple(_candidate(s) for s in selectors)


ARTICLE_TITLE = _compile(
    ".article-title",
    ".tandan-title-view",  # SharePoint (Tân Dân builds)
    ".title-detail",
    ".detail-title",
    ".title-news",
    ".journal-content-article h1",  # Liferay web content
    "article h1",
    ".col-main h1",
    "h1",
)
ARTICLE_DATE = _compile(
    ".article-date",
    ".tandan-date-view",
    ".date-detail",
    ".date-news",
    ".post-date",
    ".news-date",
    ".timer",
    ".block_timer",
    "time",
)
ARTICLE_SUMMARY = _compile(
    ".article-sapo",
    ".sapo",
    ".news-sapo",
    ".summary-news",
    ".article-summary",
    ".detail-sapo",
)
ARTICLE_BODY = _compile(
    ".article-body",
    ".tandan-content-view",
    ".content-detail",
    ".news-content",
    "#div_content",
    ".detail-content",
    ".journal-content-article",
    ".entry-content",
    "article .content",
    "article",
)
LISTING_LINKS = _compile(
    ".list-news .news-title a",
    ".asset-title a",  # Liferay asset publisher
    ".channel-news-title a",
    ".tandan-p-article-news-title a",
    ".list-news .title-news a",
    ".news-list .title a",
)
PAGINATION = _compile(
    ".pagination",
    ".paging",
    ".pager",
    ".lfr-pagination",
    ".taglib-page-iterator",
)
ATTACHMENT_AREAS = _compile(".attachments", ".file-attach", ".attach", ".tep-dinh-kem")
BYLINE = _compile(".author", ".tac-gia", ".article-author")
