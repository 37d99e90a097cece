"""Candidate CSS selectors per field, across the platform families we know.

Compiled once at import: extraction runs on every crawled page and must stay cheap. Order is
priority: demo and known platform classes first, generic HTML5 last.
"""

from __future__ import annotations

from lxml.cssselect import CSSSelector


def _compile(*selectors: str) -> tuple[CSSSelector, ...]:
    return tuple(CSSSelector(s) for s in selectors)


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
    "ul.pagination",
)
ATTACHMENT_AREAS = _compile(".attachments", ".file-attach", ".attach", ".tep-dinh-kem")
