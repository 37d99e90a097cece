"""The record every extractor fills: one per page, JSON-able, the contract with storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PageKind = Literal["article", "listing", "other"]

#: Bumped whenever extraction changes what it outputs for the same bytes. Stored with every
#: article version, so a re-crawl after an upgrade is not mistaken for the portal's edit.
EXTRACTOR_VERSION = "2026.12.4"

#: The signal layers a field can come from, strongest first in most fields' precedence:
#: "profile" (a platform profile's selectors), "structured" (JSON-LD, OpenGraph,
#: article:* meta, itemprop, Dublin Core, <time datetime>), "main_text" (generic main-content
#: extraction: trafilatura plus our Vietnamese clean-up), "lines" (the page's visible text
#: lines: date line, byline, "Nguồn:"), "url" (a date in the URL), "title_tag" (<title>).
LAYERS: tuple[str, ...] = ("profile", "structured", "main_text", "lines", "url", "title_tag")
#: Layers whose values are guesses a reader should be told about (the article page marks them).
WEAK_LAYERS: frozenset[str] = frozenset({"lines", "url", "title_tag"})

#: The visitor-counter keys, in the order portals usually list them.
COUNTER_KEYS: tuple[str, ...] = (
    "online",
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_year",
    "total",
)


@dataclass(slots=True)
class Image:
    """An image inside the article body."""

    url: str
    #: The caption printed under the image ("Quang cảnh hội nghị"), or None.
    caption: str | None = None


@dataclass(slots=True)
class Attachment:
    """A downloadable document linked from the article (PDF, Word, spreadsheet...)."""

    url: str
    #: The link text as the portal shows it, or None when the link has no text.
    title: str | None = None


@dataclass(slots=True)
class PageRecord:
    """Everything extracted from one page. Missing values are None, never ""."""

    url: str
    kind: PageKind = "other"
    #: Platform family detected from the markup ("liferay", "sharepoint", ... or "generic").
    platform: str | None = None
    title: str | None = None
    #: ISO 8601: "YYYY-MM-DDTHH:MM:SS+07:00", or "YYYY-MM-DD" when the page gives no time.
    published_at: str | None = None
    #: When the portal says the article was last changed ("Cập nhật", dateModified), same form.
    updated_at: str | None = None
    #: The byline without its label: "Hoàng Vũ - Phước lập" from "Thực hiện: Hoàng Vũ - Phước lập".
    author: str | None = None
    #: Where the text comes from ("Nguồn: Báo Nhân Dân", "Theo TTXVN"): never the author.
    source: str | None = None
    #: The lead paragraph ("sapo") shown under the title.
    summary: str | None = None
    #: Body paragraphs separated by blank lines; no captions, byline, menus or footers.
    body_text: str | None = None
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    #: Listing pages: absolute article URLs in page order.
    links: list[str] = field(default_factory=list)
    #: Listing pages: absolute URL of the next listing page, or None on the last one.
    next_page: str | None = None
    #: Site-wide visitor counter ({"online": 61, "total": 1448808, ...}), or None. Keys are
    #: COUNTER_KEYS; a label we do not know is kept verbatim as its key ("Lượt truy cập IP": 9).
    visitor_counter: dict[str, int] | None = None
    #: Which layer (see LAYERS) gave each filled field: {"published_at": "structured", ...}.
    field_sources: dict[str, str] = field(default_factory=dict)
    #: An expected article that could not be read: why ("no_body", ...). The record is kept
    #: (kind "article", URL, title if any) and flagged, never dropped.
    extraction_failed: str | None = None
    extractor_version: str = EXTRACTOR_VERSION
    #: Listing pages whose next page is a form post (SharePoint): what to post. Not part of the
    #: JSON record (it is crawl state, not content); the spider turns it into a FormRequest.
    postback: Any = None
    #: A page that is not an article and says the article is gone ("Bài viết không tồn tại
    #: hoặc đã bị xóa"): a soft 404. Crawl state, not content: not in the JSON record.
    removal_notice: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape printed by `portal-archive extract` and stored by the archive."""
        return {
            "url": self.url,
            "kind": self.kind,
            "platform": self.platform,
            "title": self.title,
            "published_at": self.published_at,
            "updated_at": self.updated_at,
            "author": self.author,
            "source": self.source,
            "summary": self.summary,
            "body_text": self.body_text,
            "images": [{"url": i.url, "caption": i.caption} for i in self.images],
            "attachments": [{"url": a.url, "title": a.title} for a in self.attachments],
            "links": list(self.links),
            "next_page": self.next_page,
            "visitor_counter": dict(self.visitor_counter) if self.visitor_counter else None,
            "field_sources": dict(self.field_sources),
            "extraction_failed": self.extraction_failed,
            "extractor_version": self.extractor_version,
        }
