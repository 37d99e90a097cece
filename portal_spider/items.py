"""What the spider hands to the pipeline: an archived article or a counter observation."""

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


@dataclass(slots=True, kw_only=True)
class CounterItem:
    """One reading of the site's visitor counter on one page."""

    portal: str
    observed_at: str
    page_url: str
    counter: dict[str, int]
