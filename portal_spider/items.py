"""What the spider hands to the pipeline: articles, counter readings, removals, failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True, kw_only=True)
class ArticleItem:
    """One article page, as extracted, with where and when it was fetched."""

    #: PageRecord.to_dict() of the article page; its "visitor_counter" is stored too.
    record: dict[str, Any]
    portal: str
    #: Section name the article was listed under ("Chính trị"), or None.
    section: str | None
    #: ISO 8601 UTC time the response arrived.
    fetched_at: str
    http_status: int = 200
    #: The response headers (ETag, Last-Modified... are kept as evidence and for revisits).
    http_headers: Any = None
    #: The WARC record id of the response it was read from (None: not captured).
    capture: str | None = None


@dataclass(slots=True, kw_only=True)
class CounterItem:
    """One reading of the site's visitor counter on one page."""

    portal: str
    observed_at: str
    page_url: str
    counter: dict[str, int]
    capture: str | None = None


@dataclass(slots=True, kw_only=True)
class NotModifiedItem:
    """A conditional re-request answered 304: the article is unchanged."""

    portal: str
    url: str
    fetched_at: str
    http_headers: Any = None
    capture: str | None = None


@dataclass(slots=True, kw_only=True)
class RemovalItem:
    """An archived article the portal no longer serves (404/410, redirect, soft 404)."""

    portal: str
    url: str
    #: http_404, http_410, redirect or soft_404.
    reason: str
    fetched_at: str
    http_status: int
    http_headers: Any = None
    capture: str | None = None


@dataclass(slots=True, kw_only=True)
class ErrorItem:
    """A page the crawl could not archive, or a trap it stopped at: one `crawl_errors` row."""

    portal: str
    url: str | None
    #: Short machine-readable kind: http_500, timeout, too_large... (see failures.py).
    kind: str
    detail: str | None
    #: ISO 8601 UTC time of the failure.
    at: str
    #: The WARC record id of the response that failed (None: no response, nothing captured).
    capture: str | None = None


@dataclass(slots=True, kw_only=True)
class ListedItem:
    """Article URLs a source listed: a listing page's items, or sitemap/feed URLs that
    extraction confirmed as articles (one `article_sources` row per URL and source)."""

    portal: str
    urls: list[str]
    #: "listing", "sitemap" or "feed".
    source: str
    #: The section path, or the sitemap/feed URL.
    via: str | None
    #: The section name, for a listing's items (None for sitemaps and feeds).
    section: str | None = None
    #: ISO 8601 UTC time the listing response arrived.
    seen_at: str


@dataclass(slots=True, kw_only=True)
class SectionPagingItem:
    """A section's paging began (reached_end False: until it ends, the archive does not hold
    all of it) or reached its end (its last page, or known articles once complete)."""

    portal: str
    path: str
    reached_end: bool
    at: str


@dataclass(slots=True, kw_only=True)
class SectionItem:
    """A candidate section found by discovery and what its page turned out to be."""

    portal: str
    #: Path + "?query" of the section (its key: names collide and change).
    path: str
    #: Name as the menu or block heading shows it (NFC).
    name: str
    #: news, aggregate, documents, schedule, qa, procedures, page, other_host, unreachable;
    #: None when the target was not fetched (over budget, already known).
    kind: str | None
    #: menu, submenu, footer or more_link (sitemap and by hand are the storage side's).
    found_in: str
    #: A short sentence with the numbers behind the kind.
    evidence: str
    #: fetched, failed, over_budget, known, not_fetched, no_answer.
    status: str
    #: ISO 8601 UTC time of the decision.
    at: str
