"""Pure extraction: HTML bytes + URL in, PageRecord out. No Scrapy, no database, no I/O.

One parse per page (`parse_document`), shared by every field extractor, so the same code serves
the spider, `portal-archive extract`, and anyone re-extracting saved pages.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from .article import fill_article, find_body
from .counter import extract_visitor_counter
from .document import Document, parse_document
from .listing import extract_listing_links, extract_next_page
from .platforms import detect_platform
from .record import COUNTER_KEYS, Attachment, Image, PageRecord
from .sections import fold
from .text import clean_text, text_of

__all__ = [
    "COUNTER_KEYS",
    "Attachment",
    "Document",
    "Image",
    "PageRecord",
    "extract_page",
    "parse_document",
]

# "Bài viết không tồn tại hoặc đã bị xóa" (the article does not exist or was deleted) and
# its variants, folded (no diacritics): what portals show instead of a 404 status.
_REMOVAL_NOTICE = re.compile(
    r"(?:bai viet|tin bai|noi dung|trang)[^.]{0,40}(?:khong ton tai|da bi xoa|da bi go|"
    r"khong tim thay|da bi an|da het han)"
)

# On an unknown platform a listing needs this many article links (fewer is more likely a home
# page block or a sidebar). A known platform's listing selectors are specific enough that one
# link is a listing: a section that has published a single article is still a section.
_MIN_LISTING_LINKS = 3


def extract_page(
    html: bytes | str,
    url: str,
    encoding: str | None = None,
    *,
    expect: Literal["article", "listing"] | None = None,
    captured_at: datetime | None = None,
) -> PageRecord:
    """Extract everything we archive from one page.

    `expect`: what the crawl expects the page to be ("article" for a page reached through a
    listing's article link). An expected article becomes another kind only on positive
    evidence; otherwise it stays an article flagged `extraction_failed`.
    `captured_at`: when the bytes were fetched (default: now); dates after it are rejected.
    """
    doc = parse_document(html, url, encoding)
    platform = detect_platform(doc)
    doc.field_candidates = platform.all_candidates
    record = PageRecord(url=url, platform=platform.name)
    record.visitor_counter = extract_visitor_counter(doc)
    body = find_body(doc)
    if body is not None:
        record.kind = "article"
        fill_article(doc, record, body)
        return record
    links = extract_listing_links(doc)
    if platform.name == "generic" and len(links) < _MIN_LISTING_LINKS:
        # Unknown platform, no body container: ask trafilatura (imported on first use: it
        # costs ~0.15 s to import and known platforms never need it).
        from .fallback import fill_from_main_text

        if fill_from_main_text(doc, record):
            return record
    if links and (len(links) >= _MIN_LISTING_LINKS or platform.name != "generic"):
        record.kind = "listing"
        record.links = links
        record.next_page = (
            platform.next_page(doc) if platform.next_page is not None else None
        ) or extract_next_page(doc)
        record.postback = platform.postback(doc) if platform.postback is not None else None
        record.title = _listing_title(doc)
    else:
        record.title = doc.page_title()
        record.removal_notice = _REMOVAL_NOTICE.search(fold(text_of(doc.root))) is not None
    return record


def _listing_title(doc: Document) -> str | None:
    heading = doc.root.find(".//h1")
    if heading is not None:
        return clean_text(text_of(heading))
    return doc.page_title()
